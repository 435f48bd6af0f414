// Typed configuration from the environment. Every default points at the embedded stack that
// `lake stack up` starts; every setting can point at a real cluster instead (see README).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { embeddedRemote } from './stack/connect-token.js';
import { kafkaBrokers, recordedNodes } from './stack/topology.js';

/**
 * The repository root: everything relative (runtime folder, infra poms, SQL files) hangs from it.
 * The nearest folder above this module with a package.json: this module runs from control/ (under
 * tsx, in tests) and from dist/control/ (the compiled CLI).
 */
export const repoRoot = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
})();

export interface LakeConfig {
  /**
   * Spark Connect endpoint, `sc://host:port/;param=value`. SPARK_REMOTE is taken as it is; without
   * it, the embedded server with the token `lake stack up` keeps in the runtime folder.
   */
  sparkRemote: string;
  /** Root URI of the lake in HDFS. */
  lakeRoot: string;
  /** WebHDFS base URL of the NameNode, used to land files from the client's disk. */
  webHdfs: string;
  /** Kafka bootstrap servers, comma-separated. */
  kafkaBrokers: string[];
  /**
   * Kafka bootstrap servers as the Spark cluster sees them (its executors read the topic);
   * differs from `kafkaBrokers` when the client reaches Kafka through another address.
   */
  sparkKafkaBrokers: string[];
  /** Topic of the ad-event stream. */
  kafkaTopic: string;
  /** Folder holding the file sources (`transactions/`, `server_logs/`, `social/`). */
  inputDir: string;
  /** Where `lake viz` and the demo write the charts. */
  chartsDir: string;
  /** Runtime folder of the embedded stack: data, pid files, logs, secrets. Ignored by git. */
  homeDir: string;
  /** Where the resolved jars are kept (default: `cache/` in the runtime folder). */
  cacheDir: string;
  /** `spark.master` of the embedded Connect server: the embedded standalone Master, or `local[*]`. */
  sparkMaster: string;
  /** Nodes of the embedded stack: 1, or what `lake stack up --nodes N` recorded in the runtime folder. */
  stackNodes: number;
}

type Env = Record<string, string | undefined>;

function setting(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

function brokerList(value: string): string[] {
  return value
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
}

export function loadConfig(env: Env = process.env): LakeConfig {
  const homeDir = path.resolve(repoRoot, setting(env, 'LAKE_HOME', '.lake'));
  const stackNodes = recordedNodes(homeDir);
  // Every broker of the embedded stack: a client that knows only one cannot find the others when it is lost.
  const brokers = setting(env, 'KAFKA_BROKERS', kafkaBrokers(stackNodes).join(','));
  return {
    // The token file is only read when SPARK_REMOTE is unset: a remote cluster never depends on it.
    sparkRemote: env.SPARK_REMOTE?.trim() || embeddedRemote(homeDir),
    lakeRoot: setting(env, 'LAKE_ROOT', 'hdfs://127.0.0.1:8020/lake').replace(/\/+$/, ''),
    webHdfs: setting(env, 'LAKE_WEBHDFS', 'http://127.0.0.1:9870').replace(/\/+$/, ''),
    kafkaBrokers: brokerList(brokers),
    sparkKafkaBrokers: brokerList(setting(env, 'LAKE_SPARK_KAFKA_BROKERS', brokers)),
    kafkaTopic: setting(env, 'LAKE_KAFKA_TOPIC', 'ad-events'),
    inputDir: path.resolve(process.cwd(), setting(env, 'LAKE_INPUT', 'data/input')),
    chartsDir: path.resolve(process.cwd(), setting(env, 'LAKE_CHARTS_DIR', 'out/charts')),
    homeDir,
    cacheDir: path.resolve(repoRoot, setting(env, 'LAKE_CACHE', path.join(homeDir, 'cache'))),
    sparkMaster: setting(env, 'SPARK_MASTER', 'spark://127.0.0.1:7077'),
    stackNodes,
  };
}
