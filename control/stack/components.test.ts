import { rm } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { componentNamed, components, kraftClusterId, launchCommand } from './components.js';
import { readConnectToken } from './connect-token.js';
import { stackLayout } from './layout.js';

const home = '/tmp/lake-home';
const config = loadConfig({ LAKE_HOME: home, LAKE_CACHE: '/tmp/lake-cache' });
const ctx = { layout: stackLayout(config), java: { java: '/jdk/bin/java', home: '/jdk', major: 17 }, config };

describe('stack components', () => {
  beforeEach(() => rm(path.join(home, 'secrets'), { recursive: true, force: true }));

  it('starts dependants after what they need, and never share a port', () => {
    const names = components.map((c) => c.name);
    for (const component of components) {
      for (const dependency of component.after) expect(names.indexOf(dependency)).toBeLessThan(names.indexOf(component.name));
    }
    const ports = components.flatMap((c) => c.ports);
    expect(new Set(ports).size).toBe(ports.length);
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

  it('names the valid components when asked for an unknown one', () => {
    expect(() => componentNamed('zookeeper')).toThrow(/no stack component named "zookeeper"/);
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
});
