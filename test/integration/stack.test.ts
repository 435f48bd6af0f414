// The embedded stack as a user meets it through the CLI: idempotent `up`, truthful `status`, and
// clear one-line errors for a taken port, a missing Java and a stale pid file.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, repoRoot } from '../../control/config.js';

const run = promisify(execFile);
const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
const main = path.join(repoRoot, 'control', 'cli', 'main.ts');

async function lake(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run(tsx, [main, ...args], { env: { ...process.env, ...env }, cwd: repoRoot });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The status table as {component: {pid, state}}. */
function parseStatus(stdout: string): Record<string, { pid: string; state: string }> {
  const rows = stdout.trim().split('\n').slice(2);
  return Object.fromEntries(
    rows.map((row) => {
      const [name, pid] = row.split(/\s+/);
      const state = row.slice(row.search(/(healthy|unhealthy|stopped|not used)/));
      return [name, { pid: pid ?? '', state }];
    }),
  );
}

describe('lake stack', () => {
  const config = loadConfig();
  let otherHome: string;

  beforeAll(async () => {
    otherHome = await mkdtemp(path.join(os.tmpdir(), 'lake-other-home-'));
  });
  afterAll(async () => {
    await rm(otherHome, { recursive: true, force: true });
  });

  it('status shows every component healthy with its pid', async () => {
    const { code, stdout } = await lake(['stack', 'status']);
    expect(code).toBe(0);
    const status = parseStatus(stdout);
    expect(Object.keys(status)).toEqual(['namenode', 'datanode', 'kafka', 'spark-master', 'spark-worker', 'spark-connect']);
    for (const { pid, state } of Object.values(status)) {
      expect(state).toBe('healthy');
      expect(Number(pid)).toBeGreaterThan(0);
    }
  });

  it('up on a running stack changes nothing', async () => {
    const before = parseStatus((await lake(['stack', 'status'])).stdout);
    const { code, stdout, stderr } = await lake(['stack', 'up']);
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/resolving JVM dependencies|started /);
    const after = parseStatus(stdout);
    for (const [name, { pid }] of Object.entries(before)) {
      expect(after[name]).toEqual({ pid, state: 'healthy (already running)' });
    }
  });

  it('refuses to start a second stack on taken ports, in one line, starting nothing', async () => {
    const { code, stderr } = await lake(['stack', 'up'], { LAKE_HOME: otherHome, LAKE_CACHE: config.cacheDir });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^lake: port \d+ needed by the .+ is already in use by another process\n {2}→ stop that process/);
    expect(stderr).not.toMatch(/\n\s+at /);
    const pidFiles = await readdir(path.join(otherHome, 'run')).catch(() => []);
    expect(pidFiles).toEqual([]);
  });

  it('says which Java it needs when there is none', async () => {
    const { code, stderr } = await lake(['stack', 'up'], { JAVA_HOME: '/nonexistent/jdk', LAKE_HOME: otherHome, LAKE_CACHE: config.cacheDir });
    expect(code).toBe(1);
    expect(stderr).toContain('lake: Java not found (tried /nonexistent/jdk/bin/java)');
    expect(stderr).toContain('install a JDK 17 or newer');
  });

  it('status tells the truth after a crash: a stale pid file reads as stopped and is removed', async () => {
    await mkdir(path.join(otherHome, 'run'), { recursive: true });
    // The pid of this very test process: alive, but not a NameNode.
    await writeFile(path.join(otherHome, 'run', 'namenode.pid'), `${process.pid}\n`);
    const { code, stdout } = await lake(['stack', 'status'], { LAKE_HOME: otherHome, LAKE_CACHE: config.cacheDir });
    expect(code).toBe(3);
    expect(parseStatus(stdout).namenode).toEqual({ pid: '-', state: 'stopped' });
    expect(await readdir(path.join(otherHome, 'run'))).toEqual([]);
  });

  it('prints the log of a component', async () => {
    const { code, stdout } = await lake(['stack', 'logs', 'namenode', '-n', '5']);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n').length).toBeLessThanOrEqual(5);
    const unknown = await lake(['stack', 'logs', 'zookeeper']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no stack component named "zookeeper"');
  });
});
