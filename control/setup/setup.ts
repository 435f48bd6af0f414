// What the project needs before anything runs, done once and cached: a Java 17+, the Spark,
// Hadoop and Kafka jars resolved by Maven, and the Spark Connect protocol code generated from them.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LakeConfig } from '../config.js';
import { findJava } from '../stack/java.js';
import { stackLayout } from '../stack/layout.js';
import { resolveJars } from '../stack/maven.js';
import { buildCli } from './build-cli.js';
import { generateProtocol, generatedDir } from './protos.js';

export type Log = (line: string) => void;

export async function setup(config: LakeConfig, log: Log) {
  const layout = stackLayout(config);
  const java = await findJava();
  await resolveJars(layout, log);
  if (await generateProtocol(layout.jars('spark'))) log('generated the Spark Connect protocol code from the resolved jar');
  if (await buildCli()) log('compiled the CLI to dist/ (what `lake` runs)');
  return { layout, java };
}

/** True when the generated protocol code is present, i.e. the client can be loaded. */
export function protocolGenerated(): boolean {
  return existsSync(path.join(generatedDir, '.source'));
}
