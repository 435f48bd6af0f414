// The six daemons of the embedded stack: what each runs, on which ports, how it is prepared
// (formatted once), and how we know it is healthy. Heaps are sized for a 2-core, 24 GiB machine.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import type { LakeConfig } from '../config.js';
import { LakeError } from '../errors.js';
import { SparkAuthError } from '@lake/spark-connect';
import { TOKEN_ENV, connectTokenFile, embeddedRemote, ensureConnectToken, readConnectToken } from './connect-token.js';
import type { JavaRuntime } from './java.js';
import { sparkModuleOptions } from './java.js';
import type { StackLayout } from './layout.js';
import { daemonMarker } from './processes.js';
import { fetchJson, portOpen } from './probes.js';
import { sparkConnectAnswers } from './spark-probe.js';

const run = promisify(execFile);

export type ComponentName = 'namenode' | 'datanode' | 'kafka' | 'spark-master' | 'spark-worker' | 'spark-connect';

export interface StackContext {
  layout: StackLayout;
  java: JavaRuntime;
  config: LakeConfig;
}

export interface Component {
  name: ComponentName;
  title: string;
  /** What a client connects to, for the status table. */
  address: string;
  ports: readonly number[];
  /** Started only after these are healthy. */
  after: readonly ComponentName[];
  /** One-time preparation before the first start (formatting storage). */
  prepare?: (ctx: StackContext) => Promise<void>;
  jvm: (ctx: StackContext) => { heap: string; classpath: string[]; mainClass: string; args: string[]; props: string[]; env?: NodeJS.ProcessEnv };
  /** Throws, rather than answering false, when waiting cannot help (a refused token). */
  healthy: (config: LakeConfig) => Promise<boolean>;
  readyTimeoutMs: number;
}

const NAMENODE_HTTP = 'http://127.0.0.1:9870';
const DATANODE_HTTP = 'http://127.0.0.1:9864';
const SPARK_MASTER_UI = 'http://127.0.0.1:8080';
const STANDALONE_MASTER = 'spark://127.0.0.1:7077';
const KAFKA_BROKER = '127.0.0.1:9092';

// Small daemons: the serial collector keeps threads and resident memory low on 2 cores.
const daemonGc = ['-XX:+UseSerialGC'];

function hadoopJvm(ctx: StackContext, mainClass: string, heap: string) {
  return {
    heap,
    classpath: [ctx.layout.infraConf('hadoop'), path.join(ctx.layout.jars('hadoop'), '*')],
    mainClass,
    args: [],
    props: [...daemonGc, `-Dlake.hdfs.dir=${ctx.layout.data('hdfs')}`, '-Djava.net.preferIPv4Stack=true'],
  };
}

function sparkEnv(ctx: StackContext): NodeJS.ProcessEnv {
  return {
    SPARK_HOME: ctx.layout.sparkHome,
    // Without it the launcher of a Worker probes a source-tree folder and every executor dies.
    SPARK_SCALA_VERSION: '2.13',
    SPARK_LOCAL_IP: '127.0.0.1',
    ...(ctx.java.home ? { JAVA_HOME: ctx.java.home } : {}),
  };
}

function sparkJvm(ctx: StackContext, mainClass: string, heap: string, args: string[], props: string[] = daemonGc) {
  return {
    heap,
    classpath: [path.join(ctx.layout.jars('spark'), '*')],
    mainClass,
    args,
    props: [...sparkModuleOptions, ...props],
    env: sparkEnv(ctx),
  };
}

/** spark-defaults.conf of infra/spark as -D properties, `${lake.home}` filled in. */
async function sparkDefaults(ctx: StackContext): Promise<string[]> {
  const text = await readFile(path.join(ctx.layout.infraConf('spark'), 'spark-defaults.conf'), 'utf8');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [key, ...value] = line.split(/\s+/);
      return `-D${key}=${value.join(' ').replaceAll('${lake.home}', ctx.layout.home)}`;
    });
}

interface DataNodeInfo {
  /** JSON text: one entry per NameNode the DataNode serves. */
  beans: { BPServiceActorInfo?: string }[];
}

function dataNodeRegistered(info: DataNodeInfo | undefined): boolean {
  try {
    const actors = JSON.parse(info?.beans[0]?.BPServiceActorInfo ?? '[]') as { ActorState?: string }[];
    return actors.length > 0 && actors.every((actor) => actor.ActorState === 'RUNNING');
  } catch {
    return false;
  }
}

interface NameNodeInfo {
  beans: Array<{ Safemode?: string; NumLiveDataNodes?: number }>;
}

const namenode: Component = {
  name: 'namenode',
  title: 'HDFS NameNode',
  address: 'hdfs://127.0.0.1:8020  webhdfs http://127.0.0.1:9870',
  ports: [8020, 9870],
  after: [],
  // Formatting wipes the namespace: only ever on the very first start.
  async prepare(ctx) {
    if (existsSync(ctx.layout.data('hdfs', 'name', 'current', 'VERSION'))) return;
    const { classpath, mainClass, props } = hadoopJvm(ctx, 'org.apache.hadoop.hdfs.server.namenode.NameNode', '256m');
    await run(ctx.java.java, [...props, '-cp', classpath.join(path.delimiter), mainClass, '-format', '-nonInteractive'], {
      maxBuffer: 16 * 1024 * 1024,
    });
  },
  jvm: (ctx) => hadoopJvm(ctx, 'org.apache.hadoop.hdfs.server.namenode.NameNode', '512m'),
  healthy: async () => (await fetchJson(`${NAMENODE_HTTP}/webhdfs/v1/?op=GETFILESTATUS`)) !== undefined,
  readyTimeoutMs: 120_000,
};

const datanode: Component = {
  name: 'datanode',
  title: 'HDFS DataNode',
  address: '127.0.0.1:9866',
  ports: [9866, 9864, 9867],
  after: ['namenode'],
  jvm: (ctx) => hadoopJvm(ctx, 'org.apache.hadoop.hdfs.server.datanode.DataNode', '384m'),
  // Healthy when HDFS takes writes: the NameNode counts a live DataNode and left safe mode, and
  // this DataNode itself says it registered (its block-pool actor RUNNING). The NameNode alone is
  // not enough after a DataNode restart: it counts the old process as live until its heartbeats
  // time out, while the new one is still registering.
  async healthy() {
    const state = await fetchJson<NameNodeInfo>(`${NAMENODE_HTTP}/jmx?qry=Hadoop:service=NameNode,name=FSNamesystemState`);
    const info = await fetchJson<NameNodeInfo>(`${NAMENODE_HTTP}/jmx?qry=Hadoop:service=NameNode,name=NameNodeInfo`);
    const own = await fetchJson<DataNodeInfo>(`${DATANODE_HTTP}/jmx?qry=Hadoop:service=DataNode,name=DataNodeInfo`);
    return (state?.beans[0]?.NumLiveDataNodes ?? 0) >= 1 && info?.beans[0]?.Safemode === '' && dataNodeRegistered(own);
  },
  readyTimeoutMs: 120_000,
};

const kafka: Component = {
  name: 'kafka',
  title: 'Kafka broker (KRaft)',
  address: '127.0.0.1:9092',
  ports: [9092, 9093],
  after: [],
  async prepare(ctx) {
    const logDir = ctx.layout.data('kafka');
    const base = await readFile(path.join(ctx.layout.infraConf('kafka'), 'server.properties'), 'utf8');
    await mkdir(ctx.layout.conf(), { recursive: true });
    await writeFile(ctx.layout.conf('kafka.properties'), `${base}\nlog.dirs=${logDir}\n`);
    if (existsSync(path.join(logDir, 'meta.properties'))) return;
    const clusterId = kraftClusterId();
    const { classpath, props } = kafka.jvm(ctx);
    await run(
      ctx.java.java,
      [...props, '-cp', classpath.join(path.delimiter), 'kafka.tools.StorageTool', 'format', '--standalone', '--ignore-formatted',
        '--cluster-id', clusterId, '-c', ctx.layout.conf('kafka.properties')],
      { maxBuffer: 16 * 1024 * 1024 },
    );
  },
  jvm: (ctx) => ({
    heap: '512m',
    classpath: [path.join(ctx.layout.jars('kafka'), '*')],
    mainClass: 'kafka.Kafka',
    args: [ctx.layout.conf('kafka.properties')],
    props: [...daemonGc, `-Dlog4j2.configurationFile=${path.join(ctx.layout.infraConf('kafka'), 'log4j2.properties')}`],
  }),
  async healthy() {
    if (!(await portOpen(9092))) return false;
    const admin = new Kafka({ brokers: [KAFKA_BROKER], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    try {
      await admin.connect();
      return (await admin.describeCluster()).brokers.length > 0;
    } catch {
      return false;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  },
  readyTimeoutMs: 120_000,
};

interface MasterState {
  status: string;
  workers: Array<{ state: string }>;
}

const sparkMaster: Component = {
  name: 'spark-master',
  title: 'Spark Master',
  address: `${STANDALONE_MASTER}  ui ${SPARK_MASTER_UI}`,
  ports: [7077, 8080],
  after: [],
  jvm: (ctx) =>
    sparkJvm(ctx, 'org.apache.spark.deploy.master.Master', '256m', ['--host', '127.0.0.1', '--port', '7077', '--webui-port', '8080']),
  healthy: async () => (await fetchJson<MasterState>(`${SPARK_MASTER_UI}/json/`))?.status === 'ALIVE',
  readyTimeoutMs: 120_000,
};

const sparkWorker: Component = {
  name: 'spark-worker',
  title: 'Spark Worker',
  address: 'ui http://127.0.0.1:8081',
  ports: [8081],
  after: ['spark-master'],
  // The Worker offers both cores and 2.5 GiB to executors (one executor of 2 GiB heap fits).
  jvm: (ctx) =>
    sparkJvm(ctx, 'org.apache.spark.deploy.worker.Worker', '256m', [
      '--host', '127.0.0.1', '--webui-port', '8081', '--cores', '2', '--memory', '2560m',
      '--work-dir', ctx.layout.data('spark', 'work'), STANDALONE_MASTER,
    ]),
  healthy: async () =>
    ((await fetchJson<MasterState>(`${SPARK_MASTER_UI}/json/`))?.workers ?? []).some((worker) => worker.state === 'ALIVE'),
  readyTimeoutMs: 120_000,
};

const sparkConnect: Component = {
  name: 'spark-connect',
  title: 'Spark Connect server',
  address: 'sc://127.0.0.1:15002  ui http://127.0.0.1:4040',
  ports: [15002, 4040],
  after: ['spark-worker'],
  // The server refuses every client without the token; it is made on the very first start.
  async prepare(ctx) {
    await ensureConnectToken(ctx.layout.home);
  },
  jvm: (ctx) => {
    const jvm = sparkJvm(ctx, 'org.apache.spark.sql.connect.service.SparkConnectServer', '1536m', [], [
      '-Dspark.app.name=lake',
      `-Dspark.master=${ctx.config.sparkMaster}`,
    ]);
    return { ...jvm, env: { ...jvm.env, [TOKEN_ENV]: tokenToStartWith(ctx.layout.home) } };
  },
  async healthy(config) {
    try {
      return await sparkConnectAnswers(embeddedRemote(config.homeDir));
    } catch (error) {
      if (!(error instanceof SparkAuthError)) throw error;
      throw new LakeError(
        `the running Spark Connect server refused the token in ${connectTokenFile(config.homeDir)}`,
        'it was started with another token: restart it (`npm run lake -- stack down`, then `npm run lake -- stack up`)',
        { cause: error },
      );
    }
  },
  readyTimeoutMs: 180_000,
};

/** Never start a Connect server that anyone could drive: no token, no start. */
function tokenToStartWith(home: string): string {
  const token = readConnectToken(home);
  if (!token) {
    throw new LakeError(`no Spark Connect token in ${connectTokenFile(home)}`, 'start the server with `npm run lake -- stack up`, which creates it');
  }
  return token;
}

/** Every component, in start order. */
/**
 * A KRaft cluster id: 16 random bytes in URL-safe base64, never starting with '-' (the storage
 * tool would read such an id as an option, and Kafka's own Uuid.randomUuid avoids it likewise).
 */
export function kraftClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export const components: readonly Component[] = [namenode, datanode, kafka, sparkMaster, sparkWorker, sparkConnect];

export function usesStandaloneCluster(config: LakeConfig): boolean {
  return config.sparkMaster === STANDALONE_MASTER;
}

/** The command line of a component's JVM, marked so its pid file can be verified later. */
export async function launchCommand(component: Component, ctx: StackContext) {
  const jvm = component.jvm(ctx);
  const props = component.name === 'spark-connect' ? [...jvm.props, ...(await sparkDefaults(ctx))] : jvm.props;
  const args = [
    daemonMarker(component.name, ctx.layout.home),
    `-Xmx${jvm.heap}`,
    ...props,
    '-cp',
    jvm.classpath.join(path.delimiter),
    jvm.mainClass,
    ...jvm.args,
  ];
  return { command: ctx.java.java, args, env: { ...process.env, ...jvm.env } };
}

export function componentNamed(name: string): Component {
  const found = components.find((component) => component.name === name);
  if (!found) {
    throw new LakeError(`no stack component named "${name}"`, `choose one of: ${components.map((c) => c.name).join(', ')}`);
  }
  return found;
}
