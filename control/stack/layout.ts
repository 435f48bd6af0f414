// Where the embedded stack keeps its things, all under the runtime folder (`.lake/` by default,
// ignored by git): resolved jars and secrets, and, in the folder of the stack's shape (topology.ts),
// daemon data, generated config, pid files and logs.
import path from 'node:path';
import type { LakeConfig } from '../config.js';
import { repoRoot } from '../config.js';
import { shapeRoot } from './topology.js';

export type JarSet = 'spark' | 'hadoop' | 'kafka';

export interface StackLayout {
  /** The runtime folder: the Connect token's secrets are there, whatever the shape. */
  home: string;
  /** The folder of this shape's daemons: the runtime folder for one node, `cluster-<n>/` in it for n. */
  root: string;
  /** SPARK_HOME of the embedded Spark: executors are launched from its jars/ folder. */
  sparkHome: string;
  jars(set: JarSet): string;
  pom(set: JarSet): string;
  /** Committed config files of a JVM side (infra/<set>/conf). */
  infraConf(set: JarSet): string;
  data(...parts: string[]): string;
  conf(...parts: string[]): string;
  pidFile(component: string): string;
  logFile(component: string): string;
}

export function stackLayout(config: Pick<LakeConfig, 'homeDir' | 'cacheDir' | 'stackNodes'>): StackLayout {
  const { homeDir: home, cacheDir: cache } = config;
  const root = shapeRoot(home, config.stackNodes);
  return {
    home,
    root,
    sparkHome: path.join(cache, 'spark'),
    jars: (set) => path.join(cache, set, 'jars'),
    pom: (set) => path.join(repoRoot, 'infra', set, 'pom.xml'),
    infraConf: (set) => path.join(repoRoot, 'infra', set, 'conf'),
    data: (...parts) => path.join(root, 'data', ...parts),
    conf: (...parts) => path.join(root, 'conf', ...parts),
    pidFile: (component) => path.join(root, 'run', `${component}.pid`),
    logFile: (component) => path.join(root, 'logs', `${component}.log`),
  };
}
