#!/usr/bin/env node
// Generates the TypeScript of the Spark Connect protocol (src/gen/) from the .proto files packed
// inside a spark-connect jar, so the client speaks exactly the protocol of the Spark it talks to.
// Nothing generated is committed: run this against the jar of your server's Spark version.
//
//   node scripts/generate-protocol.mjs <spark-connect_2.13-X.Y.Z.jar | folder holding it>
//
// It needs the JDK's `jar` tool (to unpack the jar) and the @bufbuild/buf and
// @bufbuild/protoc-gen-es dev dependencies.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** Where the generated code goes: the package's src/gen/. */
export const generatedDir = path.join(path.dirname(path.dirname(fileURLToPath(import.meta.url))), 'src', 'gen');
const stampFile = path.join(generatedDir, '.source');

/** The spark-connect jar: `jarOrFolder` itself, or the spark-connect_2.13 jar in that folder. */
export async function findConnectJar(jarOrFolder) {
  if (!statSync(jarOrFolder).isDirectory()) return jarOrFolder;
  const jar = (await readdir(jarOrFolder)).find((name) => /^spark-connect_2\.13-.*\.jar$/.test(name));
  if (!jar) throw new Error(`no spark-connect_2.13 jar in ${jarOrFolder}`);
  return path.join(jarOrFolder, jar);
}

/** Generates the protocol code unless it was already generated from this very jar; true when it did. */
export async function generateProtocol(jarOrFolder) {
  const jar = await findConnectJar(jarOrFolder);
  const source = `${path.basename(jar)} ${createHash('sha256').update(await readFile(jar)).digest('hex')}`;
  if (existsSync(stampFile) && (await readFile(stampFile, 'utf8')) === source) return false;

  const work = await mkdtemp(path.join(os.tmpdir(), 'spark-connect-protos-'));
  try {
    // `unzip` is not on every machine; the JDK's `jar` tool is wherever Spark runs.
    await run('jar', ['xf', jar, 'spark/connect'], { cwd: work });
    const binOf = (pkg, bin) => path.join(path.dirname(require.resolve(`${pkg}/package.json`)), bin);
    const template = {
      version: 'v2',
      inputs: [{ directory: work }],
      plugins: [{ local: binOf('@bufbuild/protoc-gen-es', 'bin/protoc-gen-es'), out: generatedDir, opt: ['target=ts', 'import_extension=js'] }],
    };
    await rm(generatedDir, { recursive: true, force: true });
    await mkdir(generatedDir, { recursive: true });
    await run(binOf('@bufbuild/buf', 'bin/buf'), ['generate', '--template', JSON.stringify(template)], { cwd: work });
    await writeFile(stampFile, source);
    return true;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [target] = process.argv.slice(2);
  if (!target) {
    process.stderr.write('usage: generate-protocol.mjs <spark-connect_2.13-X.Y.Z.jar | folder holding it>\n');
    process.exit(2);
  }
  const generated = await generateProtocol(target);
  process.stdout.write(generated ? `generated ${generatedDir}\n` : `${generatedDir} is already generated from that jar\n`);
}
