// The daemons of the embedded stack: what each runs, on which ports, how it is prepared (formatted
// once), and how we know it is healthy. One node runs six; a cluster of n (topology.ts) runs n
// DataNodes, n Kafka brokers and n − 1 Workers. Heaps are sized for a 2-core, 24 GiB machine.
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
import { hdfsReplication, kafkaControllerPort, kafkaPort, kraftControllers, nodeNumbers, nodePort, sparkWorkers } from './topology.js';

const run = promisify(execFile);

/** `namenode`, `datanode` (one node) or `datanode-2` (a cluster's second), `kafka-3`, `spark-worker-1`… */
export type ComponentName = string;

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
const SPARK_MASTER_UI = 'http://127.0.0.1:8080';
const STANDALONE_MASTER = 'spark://127.0.0.1:7077';

// Small daemons: the serial collector keeps threads and resident memory low on 2 cores.
const daemonGc = ['-XX:+UseSerialGC'];
// The Spark JVMs (the Connect server here, the executors by spark.executor.extraJavaOptions in
// spark-defaults.conf): the parallel collector, not G1. Spark's buffers of 512 KB and more are
// "humongous" in G1's 1 MB regions, and each such allocation may start a concurrent marking of the
// old generation: on a stream it started one about every 3 s in both JVMs, and G1's threads used
// 34 CPU seconds of a two-minute stream against 6 with this collector (docs/benchmarks.md, 2026-12-05).
const sparkGc = ['-XX:+UseParallelGC'];
// The driver's heap. Spark Connect keeps every streaming query it started for an hour after it
// stops (a fixed hour in SparkConnectStreamingQueryCache), about 0.8 MB each (six copies of the
// Hadoop configuration among them), and `lake stream` starts a landing query a cycle: about 1 400 an
// hour at a busy stream's 2.5 s cycles, 1.2 GB on top of the server's own 0.4 GB. The parallel
// collector's old generation is two thirds of the heap: at 1.5 GiB it filled in the stream's first
// half hour, with a full collection every minute (docs/benchmarks.md, 2026-12-05). A stack of
// several nodes, made for the node-loss tests within 8 GiB, keeps 1.5 GiB.
const connectHeap = (nodes: number) => (nodes === 1 ? '3g' : '1536m');

/** A component of node `node` of a stack of `nodes`: unnumbered on a single node, as it always was. */
function numbered(name: string, node: number, nodes: number): ComponentName {
  return nodes === 1 ? name : `${name}-${node}`;
}

function titled(title: string, node: number, nodes: number): string {
  return nodes === 1 ? title : `${title} ${node}`;
}

interface DataNodePorts {
  transfer: number;
  http: number;
  ipc: number;
}

function dataNodePorts(node: number): DataNodePorts {
  return { transfer: nodePort(9866, node), http: nodePort(9864, node), ipc: nodePort(9867, node) };
}

/**
 * An HDFS daemon. hdfs-site.xml reads every setting that differs between daemons or shapes from
 * these system properties; the NameNode gets a DataNode's too (unused), since Hadoop leaves a
 * `${…}` it cannot fill as it is.
 */
function hadoopJvm(ctx: StackContext, mainClass: string, heap: string, node = 1) {
  const ports = dataNodePorts(node);
  return {
    heap,
    classpath: [ctx.layout.infraConf('hadoop'), path.join(ctx.layout.jars('hadoop'), '*')],
    mainClass,
    args: [],
    props: [
      ...daemonGc,
      `-Dlake.hdfs.dir=${ctx.layout.data('hdfs')}`,
      `-Dlake.datanode.dir=${ctx.config.stackNodes === 1 ? ctx.layout.data('hdfs', 'data') : ctx.layout.data('hdfs', `data-${node}`)}`,
      `-Dlake.datanode.port=${ports.transfer}`,
      `-Dlake.datanode.http.port=${ports.http}`,
      `-Dlake.datanode.ipc.port=${ports.ipc}`,
      `-Dlake.hdfs.replication=${hdfsReplication(ctx.config.stackNodes)}`,
      '-Djava.net.preferIPv4Stack=true',
    ],
  };
}

/** infra/spark/logging: the Spark JVMs' log4j2.properties (quiet per job, task and commit). */
const sparkLogging = (ctx: StackContext) => path.join(path.dirname(ctx.layout.infraConf('spark')), 'logging');

function sparkEnv(ctx: StackContext): NodeJS.ProcessEnv {
  return {
    SPARK_HOME: ctx.layout.sparkHome,
    // A Worker puts this folder on its executors' classpath, where log4j2 finds log4j2.properties.
    SPARK_CONF_DIR: sparkLogging(ctx),
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
    props: [...sparkModuleOptions, ...props, `-Dlog4j2.configurationFile=${path.join(sparkLogging(ctx), 'log4j2.properties')}`],
    env: sparkEnv(ctx),
  };
}

/**
 * spark-defaults.conf of infra/spark as -D properties, `${lake.home}` filled in, then what the
 * stack's shape changes: HDFS replication, and on a cluster executors of one core and 1 GiB, one on
 * each Worker.
 */
async function sparkDefaults(ctx: StackContext): Promise<string[]> {
  const text = await readFile(path.join(ctx.layout.infraConf('spark'), 'spark-defaults.conf'), 'utf8');
  const defaults = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [key, ...value] = line.split(/\s+/);
      return `-D${key}=${value.join(' ').replaceAll('${lake.home}', ctx.layout.root)}`;
    });
  const nodes = ctx.config.stackNodes;
  const cluster = nodes === 1 ? [] : ['-Dspark.executor.cores=1', '-Dspark.executor.memory=1g'];
  return [...defaults, `-Dspark.hadoop.dfs.replication=${hdfsReplication(nodes)}`, ...cluster];
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

function dataNode(node: number, nodes: number): Component {
  const ports = dataNodePorts(node);
  return {
    name: numbered('datanode', node, nodes),
    title: titled('HDFS DataNode', node, nodes),
    address: `127.0.0.1:${ports.transfer}`,
    ports: [ports.transfer, ports.http, ports.ipc],
    after: ['namenode'],
    jvm: (ctx) => hadoopJvm(ctx, 'org.apache.hadoop.hdfs.server.datanode.DataNode', '384m', node),
    // Healthy when HDFS takes writes: the NameNode counts a live DataNode and left safe mode, and
    // this DataNode itself says it registered (its block-pool actor RUNNING). The NameNode alone is
    // not enough after a DataNode restart: it counts the old process as live until its heartbeats
    // time out, while the new one is still registering.
    async healthy() {
      const state = await fetchJson<NameNodeInfo>(`${NAMENODE_HTTP}/jmx?qry=Hadoop:service=NameNode,name=FSNamesystemState`);
      const info = await fetchJson<NameNodeInfo>(`${NAMENODE_HTTP}/jmx?qry=Hadoop:service=NameNode,name=NameNodeInfo`);
      const own = await fetchJson<DataNodeInfo>(`http://127.0.0.1:${ports.http}/jmx?qry=Hadoop:service=DataNode,name=DataNodeInfo`);
      return (state?.beans[0]?.NumLiveDataNodes ?? 0) >= 1 && info?.beans[0]?.Safemode === '' && dataNodeRegistered(own);
    },
    readyTimeoutMs: 120_000,
  };
}

/**
 * The server.properties of a Kafka node: infra/kafka's file for a single node; on a cluster, each
 * node's id, ports and role (the first three are the KRaft quorum, given as static voters), and the
 * replication that keeps every acknowledged event when a broker is lost: three copies, two of them
 * in sync before an acknowledgement (the producer asks all in-sync replicas).
 */
export function kafkaProperties(base: string, node: number, nodes: number, logDir: string): string {
  if (nodes === 1) return `${base}\nlog.dirs=${logDir}\n`;
  const port = nodePort(kafkaPort, node);
  const controller = nodePort(kafkaControllerPort, node);
  const isController = node <= kraftControllers(nodes);
  const voters = nodeNumbers(kraftControllers(nodes)).map((voter) => `${voter}@127.0.0.1:${nodePort(kafkaControllerPort, voter)}`);
  const replicas = hdfsReplication(nodes);
  const settings: Record<string, string> = {
    'process.roles': isController ? 'broker,controller' : 'broker',
    'node.id': String(node),
    'controller.quorum.voters': voters.join(','),
    listeners: isController ? `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller}` : `PLAINTEXT://127.0.0.1:${port}`,
    'advertised.listeners': isController ? `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller}` : `PLAINTEXT://127.0.0.1:${port}`,
    'offsets.topic.replication.factor': String(replicas),
    'transaction.state.log.replication.factor': String(replicas),
    'transaction.state.log.min.isr': '2',
    'share.coordinator.state.topic.replication.factor': String(replicas),
    'share.coordinator.state.topic.min.isr': '2',
    'default.replication.factor': String(replicas),
    'min.insync.replicas': '2',
    'log.dirs': logDir,
  };
  // The quorum is static here: the single node's bootstrap setting (a dynamic quorum of one) goes.
  const dropped = new Set([...Object.keys(settings), 'controller.quorum.bootstrap.servers']);
  const kept = base.split('\n').filter((line) => !dropped.has(line.split('=')[0]!.trim()));
  return `${kept.join('\n').trimEnd()}\n\n# This node of a ${nodes}-node cluster (lake stack up --nodes ${nodes}).\n${Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

/** Ids being written, by file: a cluster's brokers are prepared side by side. */
const clusterIdsMade = new Map<string, Promise<string>>();

/**
 * The stack's KRaft cluster id, made once and kept in `.lake/conf`. Brokers prepared side by side
 * all wait for the one being made: each making its own formatted the brokers of one cluster with
 * different ids, and they refused each other's votes (INCONSISTENT_CLUSTER_ID).
 */
export function kafkaClusterId(ctx: Pick<StackContext, 'layout'>): Promise<string> {
  const file = ctx.layout.conf('kafka-cluster-id');
  // Checked before the file: it exists, still empty, while it is being written.
  const making = clusterIdsMade.get(file);
  if (making) return making;
  if (existsSync(file)) return readFile(file, 'utf8').then((text) => text.trim());
  const made = (async () => {
    const id = kraftClusterId();
    await writeFile(file, `${id}\n`);
    return id;
  })().finally(() => clusterIdsMade.delete(file));
  clusterIdsMade.set(file, made);
  return made;
}

function kafkaNode(node: number, nodes: number): Component {
  const name = numbered('kafka', node, nodes);
  const port = nodePort(kafkaPort, node);
  const propertiesFile = (ctx: StackContext) => ctx.layout.conf(`${name}.properties`);
  const self: Component = {
    name,
    title: titled(nodes === 1 ? 'Kafka broker (KRaft)' : 'Kafka broker', node, nodes),
    address: `127.0.0.1:${port}`,
    ports: node <= kraftControllers(nodes) ? [port, nodePort(kafkaControllerPort, node)] : [port],
    after: [],
    async prepare(ctx) {
      const logDir = ctx.layout.data(name);
      const base = await readFile(path.join(ctx.layout.infraConf('kafka'), 'server.properties'), 'utf8');
      await mkdir(ctx.layout.conf(), { recursive: true });
      await writeFile(propertiesFile(ctx), kafkaProperties(base, node, nodes, logDir));
      if (existsSync(path.join(logDir, 'meta.properties'))) return;
      const { classpath, props } = self.jvm(ctx);
      // One node is a quorum of itself (`--standalone`); a cluster's voters are in its properties.
      await run(
        ctx.java.java,
        [...props, '-cp', classpath.join(path.delimiter), 'kafka.tools.StorageTool', 'format', ...(nodes === 1 ? ['--standalone'] : []), '--ignore-formatted',
          '--cluster-id', await kafkaClusterId(ctx), '-c', propertiesFile(ctx)],
        { maxBuffer: 16 * 1024 * 1024 },
      );
    },
    jvm: (ctx) => ({
      heap: nodes === 1 ? '512m' : '384m',
      classpath: [path.join(ctx.layout.jars('kafka'), '*')],
      mainClass: 'kafka.Kafka',
      args: [propertiesFile(ctx)],
      props: [...daemonGc, `-Dlog4j2.configurationFile=${path.join(ctx.layout.infraConf('kafka'), 'log4j2.properties')}`],
    }),
    // Healthy when this broker answers for the cluster (on a cluster: once the quorum has a leader).
    async healthy() {
      if (!(await portOpen(port))) return false;
      const admin = new Kafka({ brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
      try {
        await admin.connect();
        return (await admin.describeCluster()).brokers.some((broker) => broker.nodeId === node);
      } catch {
        return false;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
    readyTimeoutMs: 120_000,
  };
  return self;
}

interface MasterState {
  status: string;
  workers: Array<{ state: string; webuiaddress?: string }>;
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

/**
 * A Spark Worker. One alone offers both cores and 2.5 GiB (one executor of 2 GiB heap fits); the
 * Workers of a cluster share the two cores and offer 1.25 GiB each (one executor of 1 GiB each).
 */
function sparkWorker(worker: number, workers: number): Component {
  const ui = nodePort(8081, worker);
  const name = workers === 1 ? 'spark-worker' : `spark-worker-${worker}`;
  const cores = workers === 1 ? 2 : 1;
  return {
    name,
    title: workers === 1 ? 'Spark Worker' : `Spark Worker ${worker}`,
    address: `ui http://127.0.0.1:${ui}`,
    ports: [ui],
    after: ['spark-master'],
    jvm: (ctx) =>
      sparkJvm(ctx, 'org.apache.spark.deploy.worker.Worker', '256m', [
        '--host', '127.0.0.1', '--webui-port', String(ui), '--cores', String(cores), '--memory', workers === 1 ? '2560m' : '1280m',
        '--work-dir', ctx.layout.data('spark', workers === 1 ? 'work' : `work-${worker}`), STANDALONE_MASTER,
      ]),
    // Healthy when the Master lists this very Worker (by its UI port) as alive.
    healthy: async () =>
      ((await fetchJson<MasterState>(`${SPARK_MASTER_UI}/json/`))?.workers ?? []).some(
        (entry) => entry.state === 'ALIVE' && (workers === 1 || entry.webuiaddress?.endsWith(`:${ui}`) === true),
      ),
    readyTimeoutMs: 120_000,
  };
}

function sparkConnect(workers: readonly ComponentName[]): Component {
  return {
    name: 'spark-connect',
    title: 'Spark Connect server',
    address: 'sc://127.0.0.1:15002  ui http://127.0.0.1:4040',
    ports: [15002, 4040],
    after: workers,
    // The server refuses every client without the token; it is made on the very first start.
    async prepare(ctx) {
      await ensureConnectToken(ctx.layout.home);
    },
    jvm: (ctx) => {
      const jvm = sparkJvm(ctx, 'org.apache.spark.sql.connect.service.SparkConnectServer', connectHeap(ctx.config.stackNodes), [], [
        '-Dspark.app.name=lake',
        `-Dspark.master=${ctx.config.sparkMaster}`,
        // The driver's clock zone, whatever the machine's: Delta checks every commit's file list
        // by rebuilding the table's state (Spark jobs) when the JVM's default zone is not UTC
        // (`allFilesInCrc.verificationMode.forceOnNonUTC`). On Europe/Paris a second day's
        // silver took 7.9–8.3 s against 6.2–6.7 s (docs/benchmarks.md, 2026-12-05).
        '-Duser.timezone=UTC',
        ...sparkGc,
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
}

/** Never start a Connect server that anyone could drive: no token, no start. */
function tokenToStartWith(home: string): string {
  const token = readConnectToken(home);
  if (!token) {
    throw new LakeError(`no Spark Connect token in ${connectTokenFile(home)}`, 'start the server with `npm run lake -- stack up`, which creates it');
  }
  return token;
}

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

/** Every component of a stack of `nodes` nodes, in start order. */
export function stackComponents(nodes: number): Component[] {
  const workers = nodeNumbers(sparkWorkers(nodes)).map((worker) => sparkWorker(worker, sparkWorkers(nodes)));
  return [
    namenode,
    ...nodeNumbers(nodes).map((node) => dataNode(node, nodes)),
    ...nodeNumbers(nodes).map((node) => kafkaNode(node, nodes)),
    sparkMaster,
    ...workers,
    sparkConnect(workers.map((worker) => worker.name)),
  ];
}

/** Whether the component is the standalone cluster's (the Master and its Workers). */
export function isStandaloneComponent(component: Component): boolean {
  return component.name === 'spark-master' || component.name.startsWith('spark-worker');
}

export function usesStandaloneCluster(config: LakeConfig): boolean {
  return config.sparkMaster === STANDALONE_MASTER;
}

/** The command line of a component's JVM, marked so its pid file can be verified later. */
export async function launchCommand(component: Component, ctx: StackContext) {
  const jvm = component.jvm(ctx);
  const props = component.name === 'spark-connect' ? [...jvm.props, ...(await sparkDefaults(ctx))] : jvm.props;
  const args = [
    daemonMarker(component.name, ctx.layout.root),
    `-Xmx${jvm.heap}`,
    ...props,
    '-cp',
    jvm.classpath.join(path.delimiter),
    jvm.mainClass,
    ...jvm.args,
  ];
  return { command: ctx.java.java, args, env: { ...process.env, ...jvm.env } };
}

export function componentNamed(name: string, nodes = 1): Component {
  const components = stackComponents(nodes);
  const found = components.find((component) => component.name === name);
  if (!found) {
    throw new LakeError(`no stack component named "${name}"`, `choose one of: ${components.map((c) => c.name).join(', ')}`);
  }
  return found;
}
