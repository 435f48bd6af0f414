import { rm } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { componentNamed, kafkaClusterId, kafkaProperties, kraftClusterId, launchCommand, stackComponents } from './components.js';
import { readConnectToken } from './connect-token.js';
import { stackLayout } from './layout.js';

const home = '/tmp/lake-home';
const config = loadConfig({ LAKE_HOME: home, LAKE_CACHE: '/tmp/lake-cache' });
const ctx = { layout: stackLayout(config), java: { java: '/jdk/bin/java', home: '/jdk', major: 17 }, config };

describe('stack components', () => {
  beforeEach(() => rm(path.join(home, 'secrets'), { recursive: true, force: true }));

  it.each([1, 3, 5])('starts dependants after what they need, and never share a port (%i nodes)', (nodes) => {
    const components = stackComponents(nodes);
    const names = components.map((c) => c.name);
    for (const component of components) {
      for (const dependency of component.after) expect(names.indexOf(dependency)).toBeLessThan(names.indexOf(component.name));
    }
    const ports = components.flatMap((c) => c.ports);
    expect(new Set(ports).size).toBe(ports.length);
    expect(new Set(names).size).toBe(names.length);
  });

  it('numbers the daemons of a cluster: n DataNodes and brokers, n − 1 Workers, the Connect server after all of them', () => {
    expect(stackComponents(1).map((c) => c.name)).toEqual(['namenode', 'datanode', 'kafka', 'spark-master', 'spark-worker', 'spark-connect']);
    const cluster = stackComponents(3);
    expect(cluster.map((c) => c.name)).toEqual([
      'namenode', 'datanode-1', 'datanode-2', 'datanode-3', 'kafka-1', 'kafka-2', 'kafka-3', 'spark-master', 'spark-worker-1', 'spark-worker-2', 'spark-connect',
    ]);
    expect(cluster.find((c) => c.name === 'spark-connect')?.after).toEqual(['spark-worker-1', 'spark-worker-2']);
    expect(cluster.find((c) => c.name === 'datanode-3')?.ports).toEqual([10066, 10064, 10067]);
    expect(cluster.find((c) => c.name === 'kafka-2')?.ports).toEqual([9192, 9193]);
    // A fifth node is a broker only: the quorum is the first three.
    expect(stackComponents(5).find((c) => c.name === 'kafka-5')?.ports).toEqual([9492]);
  });

  it('launches the Connect server against the standalone Master with the spark-defaults settings', async () => {
    await componentNamed('spark-connect').prepare?.(ctx);
    const { command, args, env } = await launchCommand(componentNamed('spark-connect'), ctx);
    expect(command).toBe('/jdk/bin/java');
    expect(args).toContain('-Dlake.daemon=spark-connect@/tmp/lake-home');
    expect(args).toContain('-Dspark.master=spark://127.0.0.1:7077');
    expect(args).toContain('-Dspark.connect.grpc.binding.port=15002');
    expect(args).toContain('-Dspark.local.dir=/tmp/lake-home/data/spark/tmp');
    expect(args).toContain('--add-opens=java.base/sun.nio.ch=ALL-UNNAMED');
    // UTC whatever the machine's zone: Delta checks each commit by rebuilding the table's state otherwise.
    expect(args).toContain('-Duser.timezone=UTC');
    expect(args).toContain('-Dspark.sql.ui.explainMode=simple');
    expect(args.at(-1)).toBe('org.apache.spark.sql.connect.service.SparkConnectServer');
    expect(args[args.indexOf('-cp') + 1]).toBe(path.join('/tmp/lake-cache/spark/jars', '*'));
    expect(env).toMatchObject({ SPARK_HOME: '/tmp/lake-cache/spark', SPARK_SCALA_VERSION: '2.13', JAVA_HOME: '/jdk' });
  });

  it('gives the Connect server its token by environment, never on its command line', async () => {
    await expect(launchCommand(componentNamed('spark-connect'), ctx)).rejects.toThrow(
      `no Spark Connect token in ${path.join(home, 'secrets', 'spark-connect-token')}`,
    );
    await componentNamed('spark-connect').prepare?.(ctx);
    const token = readConnectToken(home);
    const { args, env } = await launchCommand(componentNamed('spark-connect'), ctx);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(env.SPARK_CONNECT_AUTHENTICATE_TOKEN).toBe(token);
    expect(args.join(' ')).not.toContain(token);
    const worker = await launchCommand(componentNamed('spark-worker'), ctx);
    expect(Object.values(worker.env)).not.toContain(token);
  });

  it('honours SPARK_MASTER for the lightest mode', async () => {
    await componentNamed('spark-connect').prepare?.(ctx);
    const local = loadConfig({ LAKE_HOME: home, SPARK_MASTER: 'local[*]' });
    const { args } = await launchCommand(componentNamed('spark-connect'), { ...ctx, config: local });
    expect(args).toContain('-Dspark.master=local[*]');
  });

  it('gives HDFS its committed configuration and its data folder', async () => {
    const { args } = await launchCommand(componentNamed('namenode'), ctx);
    const classpath = args[args.indexOf('-cp') + 1]?.split(path.delimiter);
    expect(classpath?.[0]).toMatch(/infra\/hadoop\/conf$/);
    expect(args).toContain('-Dlake.hdfs.dir=/tmp/lake-home/data/hdfs');
    expect(args.at(-1)).toBe('org.apache.hadoop.hdfs.server.namenode.NameNode');
  });

  it('gives each DataNode of a cluster its ports and folder, and every HDFS daemon the replication', async () => {
    const cluster = { ...ctx, config: { ...config, stackNodes: 3 } };
    const clusterLayout = stackLayout(cluster.config);
    const { args } = await launchCommand(componentNamed('datanode-2', 3), { ...cluster, layout: clusterLayout });
    expect(args).toContain('-Dlake.daemon=datanode-2@/tmp/lake-home/cluster-3');
    expect(args).toContain('-Dlake.datanode.dir=/tmp/lake-home/cluster-3/data/hdfs/data-2');
    expect(args).toContain('-Dlake.datanode.port=9966');
    expect(args).toContain('-Dlake.datanode.http.port=9964');
    expect(args).toContain('-Dlake.hdfs.replication=3');
    const single = await launchCommand(componentNamed('datanode'), ctx);
    expect(single.args).toContain('-Dlake.datanode.dir=/tmp/lake-home/data/hdfs/data');
    expect(single.args).toContain('-Dlake.datanode.port=9866');
    expect(single.args).toContain('-Dlake.hdfs.replication=1');
  });

  it('gives the Workers of a cluster a core each, and the Connect server executors that fit them', async () => {
    const cluster = { ...ctx, config: { ...config, stackNodes: 3 } };
    const clusterCtx = { ...cluster, layout: stackLayout(cluster.config) };
    const worker = await launchCommand(componentNamed('spark-worker-2', 3), clusterCtx);
    expect(worker.args.join(' ')).toContain('--webui-port 8181 --cores 1 --memory 1280m --work-dir /tmp/lake-home/cluster-3/data/spark/work-2');
    await componentNamed('spark-connect', 3).prepare?.(clusterCtx);
    const connect = await launchCommand(componentNamed('spark-connect', 3), clusterCtx);
    expect(connect.args).toContain('-Dspark.executor.memory=1g');
    expect(connect.args).toContain('-Dspark.hadoop.dfs.replication=3');
    expect(connect.args).toContain('-Dspark.local.dir=/tmp/lake-home/cluster-3/data/spark/tmp');
    expect(connect.args).toContain('-Xmx1536m');
    const single = await launchCommand(componentNamed('spark-connect'), ctx);
    expect(single.args).toContain('-Xmx3g');
    expect(single.args).toContain('-Dspark.hadoop.dfs.replication=1');
    expect(single.args).not.toContain('-Dspark.executor.memory=1g');
  });

  it('runs the Spark JVMs on the parallel collector, the small daemons on the serial one', async () => {
    await componentNamed('spark-connect').prepare?.(ctx);
    const connect = await launchCommand(componentNamed('spark-connect'), ctx);
    expect(connect.args).toContain('-XX:+UseParallelGC');
    expect(connect.args).toContain('-Dspark.executor.extraJavaOptions=-XX:+UseParallelGC');
    const namenode = await launchCommand(componentNamed('namenode'), ctx);
    expect(namenode.args).toContain('-XX:+UseSerialGC');
    expect(namenode.args).not.toContain('-XX:+UseParallelGC');
  });

  it('names the valid components when asked for an unknown one', () => {
    expect(() => componentNamed('zookeeper')).toThrow(/no stack component named "zookeeper"/);
  });
});

describe('Kafka properties', () => {
  const base = async () => readFile(path.join(import.meta.dirname, '../../infra/kafka/conf/server.properties'), 'utf8');

  const parse = (text: string) => {
    const entries = text.split('\n').filter((line) => line.includes('=') && !line.startsWith('#')).map((line) => line.split('=') as [string, string]);
    const keys = entries.map(([key]) => key);
    expect(new Set(keys).size, 'every key once').toBe(keys.length);
    return Object.fromEntries(entries);
  };

  it('keeps the single node as committed, with its log folder', async () => {
    const props = parse(kafkaProperties(await base(), 1, 1, '/data/kafka'));
    expect(props).toMatchObject({ 'node.id': '1', 'controller.quorum.bootstrap.servers': '127.0.0.1:9093', 'log.dirs': '/data/kafka', 'offsets.topic.replication.factor': '1' });
  });

  it('makes each node of a cluster a voter of a static quorum of three, with replicated topics', async () => {
    const second = parse(kafkaProperties(await base(), 2, 4, '/data/kafka-2'));
    expect(second).toMatchObject({
      'process.roles': 'broker,controller',
      'node.id': '2',
      'controller.quorum.voters': '1@127.0.0.1:9093,2@127.0.0.1:9193,3@127.0.0.1:9293',
      listeners: 'PLAINTEXT://127.0.0.1:9192,CONTROLLER://127.0.0.1:9193',
      'default.replication.factor': '3',
      'min.insync.replicas': '2',
      'offsets.topic.replication.factor': '3',
      'log.dirs': '/data/kafka-2',
    });
    expect(second['controller.quorum.bootstrap.servers']).toBeUndefined();
    const fourth = parse(kafkaProperties(await base(), 4, 4, '/data/kafka-4'));
    expect(fourth).toMatchObject({ 'process.roles': 'broker', listeners: 'PLAINTEXT://127.0.0.1:9392', 'node.id': '4' });
  });
});

describe('KRaft cluster id', () => {
  it('never starts with a dash, which the storage tool would read as an option', () => {
    // base64url of 0xf8 0x00 … is '-AAAAAAAAAAAAAAAAAAAAA'; the second draw is used instead.
    const dashFirst = Buffer.alloc(16);
    dashFirst[0] = 0xf8;
    const draws = [dashFirst, Buffer.alloc(16, 1)];
    let calls = 0;
    const id = kraftClusterId(() => draws[calls++] ?? Buffer.alloc(16, 2));
    expect(calls).toBe(2);
    expect(id).toBe(Buffer.alloc(16, 1).toString('base64url'));
    expect(id).toHaveLength(22);
  });

  it('is one id for brokers prepared side by side, made once and read back after', async () => {
    const layout = stackLayout(loadConfig({ LAKE_HOME: await mkdtemp(path.join(tmpdir(), 'lake-kraft-')) }));
    await mkdir(layout.conf(), { recursive: true });
    const ids = await Promise.all([1, 2, 3].map(() => kafkaClusterId({ layout })));
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toHaveLength(22);
    expect((await readFile(layout.conf('kafka-cluster-id'), 'utf8')).trim()).toBe(ids[0]);
    expect(await kafkaClusterId({ layout })).toBe(ids[0]);
    await rm(layout.root, { recursive: true, force: true });
  });
});
