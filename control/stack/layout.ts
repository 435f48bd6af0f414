// Where the embedded stack keeps its things, all under the runtime folder (`.lake/` by default,
// ignored by git): resolved jars, daemon data, generated config, pid files and logs.
import path from 'node:path';
import type { LakeConfig } from '../config.js';
import { repoRoot } from '../config.js';

export type JarSet = 'spark' | 'hadoop' | 'kafka';

export interface StackLayout {
  home: string;
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

export function stackLayout(config: Pick<LakeConfig, 'homeDir' | 'cacheDir'>): StackLayout {
  const { homeDir: home, cacheDir: cache } = config;
  return {
    home,
    sparkHome: path.join(cache, 'spark'),
    jars: (set) => path.join(cache, set, 'jars'),
    pom: (set) => path.join(repoRoot, 'infra', set, 'pom.xml'),
    infraConf: (set) => path.join(repoRoot, 'infra', set, 'conf'),
    data: (...parts) => path.join(home, 'data', ...parts),
    conf: (...parts) => path.join(home, 'conf', ...parts),
    pidFile: (component) => path.join(home, 'run', `${component}.pid`),
    logFile: (component) => path.join(home, 'logs', `${component}.log`),
  };
}
