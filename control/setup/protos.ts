// Generates the TypeScript of the Spark Connect protocol from the .proto files packed inside the
// spark-connect jar that Maven resolved, so the client always speaks the server's exact protocol.
// Output goes to control/spark/gen/ (ignored by git); nothing generated is committed.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../config.js';

const run = promisify(execFile);

export const generatedDir = path.join(repoRoot, 'control', 'spark', 'gen');
const stampFile = path.join(generatedDir, '.source');

/** The spark-connect server jar among the resolved Spark jars. */
export async function findConnectJar(sparkJarsDir: string): Promise<string> {
  const jar = (await readdir(sparkJarsDir)).find((name) => /^spark-connect_2\.13-.*\.jar$/.test(name));
  if (!jar) throw new Error(`no spark-connect_2.13 jar in ${sparkJarsDir}: run \`npm run lake -- setup\``);
  return path.join(sparkJarsDir, jar);
}

/** Generates the protocol code unless it was already generated from this very jar. */
export async function generateProtocol(sparkJarsDir: string): Promise<boolean> {
  const jar = await findConnectJar(sparkJarsDir);
  const source = `${path.basename(jar)} ${createHash('sha256').update(await readFile(jar)).digest('hex')}`;
  if (existsSync(stampFile) && (await readFile(stampFile, 'utf8')) === source) return false;

  const work = await mkdtemp(path.join(os.tmpdir(), 'lake-protos-'));
  try {
    // `unzip` is not on every machine; the JDK's `jar` tool is, since the stack needs a JDK anyway.
    await run('jar', ['xf', jar, 'spark/connect'], { cwd: work });
    const template = {
      version: 'v2',
      inputs: [{ directory: work }],
      plugins: [
        {
          local: path.join(repoRoot, 'node_modules', '.bin', 'protoc-gen-es'),
          out: generatedDir,
          opt: ['target=ts', 'import_extension=js'],
        },
      ],
    };
    await rm(generatedDir, { recursive: true, force: true });
    await mkdir(generatedDir, { recursive: true });
    await run(path.join(repoRoot, 'node_modules', '.bin', 'buf'), ['generate', '--template', JSON.stringify(template)], {
      cwd: work,
    });
    await writeFile(stampFile, source);
    return true;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
