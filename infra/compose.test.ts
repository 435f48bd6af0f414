// No Docker engine runs here, so docker-compose.yml is checked by reading it: the services and
// ports the code and docs/cluster.md expect, image versions equal to the poms, the Connect token
// wired to the server and the API, and the CLI's documented environment pointing at what is published.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, repoRoot } from '../control/config.js';
import { parseRemote } from '@lake/spark-connect';
import { TOKEN_ENV } from '../control/stack/connect-token.js';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = compose.services;
const service = (name: string): Service => {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};

function pomVersion(set: 'spark' | 'hadoop' | 'kafka'): string {
  const version = new RegExp(`<${set}\\.version>([^<]+)</${set}\\.version>`).exec(read(`infra/${set}/pom.xml`))?.[1];
  if (!version) throw new Error(`no <${set}.version> in infra/${set}/pom.xml`);
  return version;
}

/** `127.0.0.1:9870:9870` → {9870: {host: '127.0.0.1', port: 9870}}, keyed by container port. */
function published(name: string): Map<number, { host: string; port: number }> {
  return new Map(
    (service(name).ports ?? []).map((spec) => {
      const [host = '', hostPort, containerPort] = spec.split(':');
      return [Number(containerPort), { host, port: Number(hostPort) }];
    }),
  );
}

/** The `export NAME=value` lines of a document's section, the token filled in. */
function documentedCliEnv(token: string, file = 'docs/cluster.md', heading = '## Environment of the CLI on the host'): Record<string, string> {
  const section = (read(file).split(heading)[1] ?? '').split('\n## ')[0] ?? '';
  const exports = [...section.matchAll(/^export (\w+)="?([^"\n]*)"?$/gm)];
  return Object.fromEntries(exports.map(([, name = '', value = '']) => [name, value.replace('${SPARK_CONNECT_TOKEN}', token)]));
}

const SPARK_SERVICES = ['spark-master', 'spark-worker', 'spark-connect'];

describe('docker-compose.yml', () => {
  it('runs every component of the embedded stack, and the API', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'datanode', 'kafka', 'namenode', 'spark-connect', 'spark-master', 'spark-worker']);
  });

  it('uses the versions the poms pin', () => {
    const spark = pomVersion('spark');
    expect(service('namenode').image).toBe(`apache/hadoop:${pomVersion('hadoop')}`);
    expect(service('datanode').image).toBe(`apache/hadoop:${pomVersion('hadoop')}`);
    expect(service('kafka').image).toBe(`apache/kafka:${pomVersion('kafka')}`);
    for (const name of SPARK_SERVICES) {
      expect(service(name).image).toBe(`lake/spark:${spark}`);
      expect(service(name).build).toEqual({ context: '.', dockerfile: 'infra/spark/Dockerfile', args: { SPARK_VERSION: spark } });
    }
    expect(service('api').build?.args).toEqual({ SPARK_VERSION: spark });
    for (const dockerfile of ['infra/spark/Dockerfile', 'Dockerfile']) {
      const text = read(dockerfile);
      expect(text).toContain(`ARG SPARK_VERSION=${spark}\n`);
      expect(text).toMatch(/^FROM apache\/spark:\$\{SPARK_VERSION\}-scala2\.13-java17-ubuntu/m);
    }
    expect(read('infra/spark/Dockerfile')).toContain('spark-sql-kafka-0-10_2.13-${SPARK_VERSION}.jar');
  });

  it('gives the cluster the Delta Lake the embedded stack has', () => {
    const pom = read('infra/spark/pom.xml');
    const delta = /<delta\.version>([^<]+)<\/delta\.version>/.exec(pom)?.[1];
    expect(read('infra/spark/Dockerfile')).toContain(`ARG DELTA_VERSION=${delta}\n`);
    for (const conf of ['infra/spark/conf/spark-defaults.conf', 'infra/spark/cluster/spark-defaults.conf']) {
      const text = read(conf);
      expect(text).toMatch(/^spark\.sql\.extensions\s+io\.delta\.sql\.DeltaSparkSessionExtension$/m);
      expect(text).toMatch(/^spark\.sql\.catalog\.spark_catalog\s+org\.apache\.spark\.sql\.delta\.catalog\.DeltaCatalog$/m);
    }
  });

  it('publishes what the CLI needs, on loopback only', () => {
    expect(published('namenode').get(9870)).toEqual({ host: '127.0.0.1', port: 9870 });
    expect(published('datanode').get(9864)).toEqual({ host: '127.0.0.1', port: 9864 });
    expect(published('kafka').get(9094)).toEqual({ host: '127.0.0.1', port: 9094 });
    expect(published('spark-connect').get(15002)).toEqual({ host: '127.0.0.1', port: 15002 });
    expect(published('api').get(8000)).toEqual({ host: '127.0.0.1', port: 8000 });
    for (const name of Object.keys(services)) {
      for (const { host } of published(name).values()) expect(host, `${name} publishes beyond loopback`).toBe('127.0.0.1');
    }
  });

  it('checks the health of every service and keeps HDFS and Kafka data in volumes', () => {
    for (const [name, definition] of Object.entries(services)) expect(definition.healthcheck?.test.length, name).toBeGreaterThan(0);
    expect(service('namenode').volumes).toEqual(['namenode-data:/data']);
    expect(service('datanode').volumes).toEqual(['datanode-data:/data']);
    expect(service('kafka').volumes).toEqual(['kafka-data:/var/lib/kafka/data']);
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['namenode-data', 'datanode-data', 'kafka-data', 'api-data']));
    expect(service('namenode').environment?.ENSURE_NAMENODE_DIR).toBe(service('namenode').environment?.['HDFS-SITE.XML_dfs.namenode.name.dir']);
  });

  it('makes the Connect server require the token, and gives it to the API', () => {
    const connect = service('spark-connect');
    expect(connect.environment?.[TOKEN_ENV]).toMatch(/^\$\{SPARK_CONNECT_TOKEN:\?[^}]+\}$/);
    const apiRemote = service('api').environment?.SPARK_REMOTE ?? '';
    expect(apiRemote).toMatch(/^sc:\/\/spark-connect:15002\/;token=\$\{SPARK_CONNECT_TOKEN:\?[^}]+\}$/);
    expect(service('api').environment?.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?[^}]+\}$/);
    expect(service('api').environment).toMatchObject({
      NODE_ENV: 'production',
      LAKE_WEBHDFS: 'http://namenode:9870',
      LAKE_ROOT: 'hdfs://namenode:8020/lake',
    });
    expect(connect.command).toEqual(expect.arrayContaining(['/opt/spark/sbin/start-connect-server.sh', '--master', 'spark://spark-master:7077']));
  });

  it('gives Spark the HDFS and the ports the rest of the file uses', () => {
    const defaults = Object.fromEntries(
      read('infra/spark/cluster/spark-defaults.conf')
        .split('\n')
        .filter((line) => line.trim() && !line.startsWith('#'))
        .map((line) => {
          const [key, ...value] = line.trim().split(/\s+/);
          return [key, value.join(' ')];
        }),
    ) as Record<string, string>;
    const hdfs = service('namenode').environment?.['CORE-SITE.XML_fs.defaultFS'];
    expect(defaults['spark.hadoop.fs.defaultFS']).toBe(hdfs);
    expect(defaults['spark.connect.grpc.binding.port']).toBe('15002');
    expect(defaults['spark.driver.host']).toBe('spark-connect');
    // Delta checks each commit by rebuilding the table's state on a driver whose zone is not UTC;
    // both Spark JVMs collect with the parallel collector, as the embedded stack's do.
    expect(defaults['spark.driver.extraJavaOptions']).toBe('-Duser.timezone=UTC -XX:+UseParallelGC');
    expect(defaults['spark.executor.extraJavaOptions']).toBe('-XX:+UseParallelGC');
  });

  it('is what the CLI environment of docs/cluster.md points at', () => {
    const env = documentedCliEnv('0123abcd');
    expect(Object.keys(env).sort()).toEqual(['KAFKA_BROKERS', 'LAKE_ROOT', 'LAKE_SPARK_KAFKA_BROKERS', 'LAKE_WEBHDFS', 'SPARK_REMOTE']);
    const config = loadConfig(env);

    const remote = parseRemote(config.sparkRemote);
    expect(remote.token).toBe('0123abcd');
    expect(`${remote.host}:${remote.port}`).toBe('127.0.0.1:15002');
    expect(config.webHdfs).toBe(`http://127.0.0.1:${published('namenode').get(9870)?.port}`);
    const lakeRoot = new URL(config.lakeRoot);
    expect(`${lakeRoot.protocol}//${lakeRoot.host}`).toBe(service('namenode').environment?.['CORE-SITE.XML_fs.defaultFS']);

    const advertised = Object.fromEntries(
      (service('kafka').environment?.KAFKA_ADVERTISED_LISTENERS ?? '').split(',').map((listener) => listener.split('://')),
    ) as Record<string, string>;
    expect(config.kafkaBrokers).toEqual([advertised.EXTERNAL]);
    expect(config.kafkaBrokers).toEqual([`127.0.0.1:${published('kafka').get(9094)?.port}`]);
    expect(config.sparkKafkaBrokers).toEqual([advertised.INTERNAL]);
  });

  it('is what the README tells the CLI too', () => {
    expect(documentedCliEnv('t', 'README.md', '## Running on a cluster (docker-compose)')).toEqual(documentedCliEnv('t'));
  });
});
