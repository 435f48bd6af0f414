import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { daemonMarker, isAlive, runningPid, startDaemon, stopDaemon } from './processes.js';

async function untilLogged(logFile: string, text: string): Promise<void> {
  while (!(existsSync(logFile) && (await readFile(logFile, 'utf8')).includes(text))) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Real processes stand in for the JVM daemons: a node process idling with the marker in its argv.
describe('daemons with pid files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lake-processes-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const idle = (marker: string) => ({
    name: 'idle',
    command: process.execPath,
    args: ['-e', "console.log('idling'); setInterval(() => {}, 1000)", '--', marker],
    env: process.env,
    cwd: path.join(dir, 'cwd'),
    pidFile: path.join(dir, 'run', 'idle.pid'),
    logFile: path.join(dir, 'logs', 'idle.log'),
  });

  it('starts a detached daemon, recognises it by its marker and stops it cleanly', async () => {
    const marker = daemonMarker('idle', dir);
    const spec = idle(marker);
    const pid = await startDaemon(spec);
    expect(Number((await readFile(spec.pidFile, 'utf8')).trim())).toBe(pid);
    await untilLogged(spec.logFile, 'idling');
    expect(await runningPid(spec.pidFile, marker)).toBe(pid);

    expect(await stopDaemon(pid, spec.pidFile, 5000)).toBe('stopped');
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(spec.pidFile)).toBe(false);
  });

  it('treats a pid file whose process is gone or is another program as stale, and removes it', async () => {
    const pidFile = path.join(dir, 'stale.pid');
    const marker = daemonMarker('namenode', dir);

    const exited = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => exited.once('exit', resolve));
    await writeFile(pidFile, `${exited.pid}\n`);
    expect(await runningPid(pidFile, marker)).toBeUndefined();
    expect(existsSync(pidFile)).toBe(false);

    // A live process that is not ours (this test runner) must not be taken for the daemon.
    await writeFile(pidFile, `${process.pid}\n`);
    expect(await runningPid(pidFile, marker)).toBeUndefined();
    expect(existsSync(pidFile)).toBe(false);
  });

  it('kills a daemon that ignores SIGTERM after the grace period', async () => {
    const marker = daemonMarker('stubborn', dir);
    const code = "process.on('SIGTERM', () => {}); console.log('ignoring SIGTERM'); setInterval(() => {}, 1000)";
    const spec = { ...idle(marker), args: ['-e', code, '--', marker] };
    const pid = await startDaemon(spec);
    // Only once the handler is installed does the test mean anything.
    await untilLogged(spec.logFile, 'ignoring');
    expect(await stopDaemon(pid, spec.pidFile, 500)).toBe('killed');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(isAlive(pid)).toBe(false);
  });
});
