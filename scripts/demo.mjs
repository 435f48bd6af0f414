#!/usr/bin/env node
// `npm run demo` on a fresh clone. Plain Node with no dependencies, because it runs before they
// are installed: it checks what the machine must already have (Node 20, a JDK 17+, Maven), says
// what is missing and how to install it, installs the npm dependencies when needed, then hands
// over to `lake demo` (control/cli/demo.ts), passing its arguments on.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const missing = [];

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) missing.push(`Node.js 20.19 or newer (this is ${process.version}): https://nodejs.org or your package manager`);

/** The first line a command prints about its version, or undefined when it cannot run. */
function versionOf(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  return `${result.stdout}${result.stderr}`.split('\n')[0];
}

const java = versionOf(process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java', ['-version']);
const javaMajor = Number(/version "(\d+)/.exec(java ?? '')?.[1] ?? 0);
if (!java) missing.push('a JDK 17 or newer (java): sudo apt-get install openjdk-17-jdk-headless, or brew install openjdk@17');
else if (javaMajor < 17) missing.push(`a JDK 17 or newer (found ${java}): sudo apt-get install openjdk-17-jdk-headless, or set JAVA_HOME to a newer one`);
if (!versionOf('mvn', ['-v'])) missing.push('Maven 3.8 or newer (mvn), to fetch the Spark, Hadoop and Kafka jars: sudo apt-get install maven, or brew install maven');

if (missing.length > 0) {
  process.stderr.write(`lake demo needs:\n${missing.map((what) => `  - ${what}\n`).join('')}Install them, then run npm run demo again.\n`);
  process.exit(1);
}

// npm writes node_modules/.package-lock.json on every install: older than package-lock.json
// means the dependencies changed since the last install.
const installed = path.join(root, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(path.join(root, 'package-lock.json')).mtimeMs) {
  process.stdout.write('Installing the npm dependencies (npm ci)…\n');
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (npm.status !== 0) {
    process.stderr.write('lake demo: npm ci failed (see above); check the network access to the npm registry, then run npm run demo again.\n');
    process.exit(1);
  }
}

const demo = spawn(process.execPath, [path.join(root, 'bin/lake.mjs'), 'demo', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
// Ctrl-C reaches the demo through the terminal's process group; here it must only not kill us first.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => demo.kill('SIGTERM'));
demo.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
