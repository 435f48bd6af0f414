// Resolves the JVM side of the stack: Maven reads infra/<set>/pom.xml and copies the resolved jars
// from Maven Central (through the local ~/.m2 repository) into the runtime folder. A stamp holding
// the pom's hash makes the next run resolve nothing unless the pom changed.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { LakeError } from '../errors.js';
import type { JarSet, StackLayout } from './layout.js';

const run = promisify(execFile);

export const jarSets: readonly JarSet[] = ['hadoop', 'kafka', 'spark'];

async function pomDigest(pom: string): Promise<string> {
  return createHash('sha256').update(await readFile(pom)).digest('hex');
}

function stampOf(layout: StackLayout, set: JarSet): string {
  return path.join(layout.jars(set), '.pom-sha256');
}

export async function isResolved(layout: StackLayout, set: JarSet): Promise<boolean> {
  const stamp = stampOf(layout, set);
  return existsSync(stamp) && (await readFile(stamp, 'utf8')) === (await pomDigest(layout.pom(set)));
}

async function mavenVersion(): Promise<void> {
  try {
    await run('mvn', ['-v']);
  } catch {
    throw new LakeError(
      'Maven (mvn) not found: the stack resolves its Spark, Hadoop and Kafka jars with it',
      'install Maven 3.8+ (e.g. `apt-get install maven`) and run the command again',
    );
  }
}

/** Resolves the jar sets that are missing or stale; returns the ones it resolved. */
export async function resolveJars(layout: StackLayout, log: (line: string) => void): Promise<JarSet[]> {
  const stale: JarSet[] = [];
  for (const set of jarSets) if (!(await isResolved(layout, set))) stale.push(set);
  if (stale.length === 0) return [];
  await mavenVersion();
  log(`resolving JVM dependencies from Maven Central: ${stale.join(', ')} (once; cached in ${path.dirname(path.dirname(layout.jars('spark')))})`);
  // One at a time: parallel Maven runs race on the shared ~/.m2 repository.
  for (const set of stale) {
    const target = layout.jars(set);
    await rm(target, { recursive: true, force: true });
    const pom = layout.pom(set);
    try {
      await run('mvn', ['-B', '-q', '-f', pom, 'package', `-Dlake.jars.dir=${target}`], { maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
      const output = `${(error as { stdout?: string }).stdout ?? ''}\n${(error as { stderr?: string }).stderr ?? ''}`;
      const cause = output.split('\n').find((line) => line.includes('[ERROR]'))?.replace(/^.*\[ERROR\]\s*/, '') ?? 'see `mvn -f ' + pom + ' package`';
      throw new LakeError(
        `Maven could not resolve ${path.relative(process.cwd(), pom)}: ${cause}`,
        'check that Maven Central is reachable (proxy settings in ~/.m2/settings.xml) and run the command again',
      );
    }
    await writeFile(stampOf(layout, set), await pomDigest(pom));
  }
  return stale;
}
