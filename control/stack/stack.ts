// `lake stack up | down | status`: the embedded stack as a whole. Up is idempotent (a running
// component is left alone), down stops only what our pid files name, status verifies each pid.
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import type { LakeConfig } from '../config.js';
import { LakeError } from '../errors.js';
import { setup, type Log } from '../setup/setup.js';
import type { Component, ComponentName, StackContext } from './components.js';
import { isStandaloneComponent, launchCommand, stackComponents, usesStandaloneCluster } from './components.js';
import { stackLayout } from './layout.js';
import { daemonMarker, isAlive, runningPid, startDaemon, stopDaemon } from './processes.js';
import { portOpen, waitUntil } from './probes.js';
import { StackUpInterrupted, startStack } from './start-order.js';
import { recordNodes } from './topology.js';

export type ComponentState = 'healthy' | 'unhealthy' | 'stopped' | 'not used';

export interface ComponentStatus {
  name: ComponentName;
  title: string;
  pid: number | undefined;
  address: string;
  state: ComponentState;
  /** Set by `up`: what it did to this component. */
  action?: 'started' | 'already running';
}

/** The components this configuration runs: the standalone Master and Workers only when used. */
function activeComponents(config: LakeConfig): Component[] {
  return stackComponents(config.stackNodes).filter((component) => usesStandaloneCluster(config) || !isStandaloneComponent(component));
}

function marker(component: Component, config: LakeConfig): string {
  return daemonMarker(component.name, stackLayout(config).root);
}

async function pidOf(component: Component, config: LakeConfig): Promise<number | undefined> {
  return runningPid(stackLayout(config).pidFile(component.name), marker(component, config));
}

export async function stackStatus(config: LakeConfig): Promise<ComponentStatus[]> {
  const active = new Set(activeComponents(config).map((component) => component.name));
  return Promise.all(
    stackComponents(config.stackNodes).map(async (component): Promise<ComponentStatus> => {
      const base = { name: component.name, title: component.title, address: component.address };
      if (!active.has(component.name)) return { ...base, pid: undefined, state: 'not used' };
      const pid = await pidOf(component, config);
      if (pid === undefined) return { ...base, pid, state: 'stopped' };
      // A component that answers but cannot be used (a refused token) is not healthy either.
      const healthy = await component.healthy(config).catch(() => false);
      return { ...base, pid, state: healthy ? 'healthy' : 'unhealthy' };
    }),
  );
}

async function ensurePortsFree(component: Component): Promise<void> {
  for (const port of component.ports) {
    if (await portOpen(port)) {
      throw new LakeError(
        `port ${port} needed by the ${component.title} is already in use by another process`,
        `stop that process (find it with \`ss -ltnp 'sport = :${port}'\`) or stop the other stack, then run \`npm run lake -- stack up\` again`,
      );
    }
  }
}

async function lastLogLines(file: string, count: number): Promise<string> {
  if (!existsSync(file)) return '';
  const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
  return lines.slice(-count).join('\n');
}

async function startComponent(component: Component, ctx: StackContext, log: Log, onLaunched: () => void, signal?: AbortSignal): Promise<number> {
  await ensurePortsFree(component);
  const { layout } = ctx;
  await mkdir(layout.data(), { recursive: true });
  try {
    await component.prepare?.(ctx);
  } catch (error) {
    throw new LakeError(`could not prepare the ${component.title}: ${(error as Error).message.split('\n')[0]}`, undefined, {
      cause: error,
    });
  }
  const { command, args, env } = await launchCommand(component, ctx);
  const pid = await startDaemon({
    name: component.name,
    command,
    args,
    env,
    cwd: layout.data('run', component.name),
    pidFile: layout.pidFile(component.name),
    logFile: layout.logFile(component.name),
  });
  onLaunched();
  log(`started ${component.title} (pid ${pid}), waiting until it is healthy…`);
  await awaitHealthy(component, pid, ctx, signal);
  return pid;
}

async function awaitHealthy(component: Component, pid: number, ctx: StackContext, signal?: AbortSignal): Promise<void> {
  const outcome = await waitUntil(() => component.healthy(ctx.config), {
    timeoutMs: component.readyTimeoutMs,
    stillRunning: () => isAlive(pid),
    signal,
  });
  if (outcome === 'ready') return;
  if (outcome === 'interrupted') throw new StackUpInterrupted();
  const tail = await lastLogLines(ctx.layout.logFile(component.name), 15);
  throw new LakeError(
    `the ${component.title} ${outcome === 'died' ? 'exited during start-up' : `was not healthy after ${component.readyTimeoutMs / 1000} s`}; last lines of its log:\n${tail}`,
    `see the whole log with \`npm run lake -- stack logs ${component.name}\``,
  );
}

/**
 * Starts whatever is not running, each component as soon as the ones it waits for are healthy
 * (HDFS, Kafka and the Spark chain come up side by side). Returns the status of every component.
 * When one cannot start, or `signal` aborts (Ctrl-C), those this attempt started are stopped again
 * before the error is thrown.
 */
export async function stackUp(config: LakeConfig, log: Log, signal?: AbortSignal): Promise<ComponentStatus[]> {
  const { layout, java } = await setup(config, log);
  const ctx: StackContext = { layout, java, config };
  const active = activeComponents(config);
  const byName = (name: ComponentName) => active.find((component) => component.name === name)!;
  const actions = await startStack(
    active,
    {
      running: (name) => pidOf(byName(name), config),
      awaitHealthy: (name, pid) => awaitHealthy(byName(name), pid, ctx, signal),
      start: async (name, launched) => {
        await startComponent(byName(name), ctx, log, launched, signal);
      },
      stop: (names) => stackDown(config, log, names),
    },
    log,
    signal,
  );
  return (await stackStatus(config)).map((status) => ({ ...status, action: actions.get(status.name) }));
}

/** The kind of a component: the nodes of one kind (`kafka-1`, `kafka-2`…) are stopped together. */
function kindOf(component: Component): string {
  return component.name.replace(/-\d+$/, '');
}

/**
 * Stops, in reverse start order, the components our pid files name; the nodes of one kind side by
 * side: the last broker of a KRaft quorum stopped alone would wait for a quorum that is gone (and
 * be killed after the grace period). Data is kept.
 */
export async function stackDown(config: LakeConfig, log: Log, only?: readonly ComponentName[]): Promise<void> {
  const layout = stackLayout(config);
  const kinds: Component[][] = [];
  for (const component of stackComponents(config.stackNodes).reverse()) {
    if (only && !only.includes(component.name)) continue;
    const last = kinds.at(-1);
    if (last && kindOf(last[0]!) === kindOf(component)) last.push(component);
    else kinds.push([component]);
  }
  for (const kind of kinds) {
    await Promise.all(
      kind.map(async (component) => {
        const pid = await pidOf(component, config);
        if (pid === undefined) return;
        const outcome = await stopDaemon(pid, layout.pidFile(component.name));
        log(`${component.title}: ${outcome === 'stopped' ? 'stopped' : 'did not stop within 30 s, killed'} (pid ${pid})`);
      }),
    );
  }
}

/**
 * Makes `nodes` the stack's shape (`stack up --nodes`), remembered in the runtime folder for every
 * later command; returns the configuration for it. Refused while a stack of another shape runs:
 * both use node 1's ports, and each shape has data of its own.
 */
export async function chooseShape(config: LakeConfig, nodes: number): Promise<LakeConfig> {
  if (nodes === config.stackNodes) return config;
  const running = (await stackStatus(config)).filter((status) => status.pid !== undefined);
  if (running.length > 0) {
    throw new LakeError(
      `the ${config.stackNodes === 1 ? 'single-node' : `${config.stackNodes}-node`} stack is running (${running.map((status) => status.name).join(', ')})`,
      'stop it first with `npm run lake -- stack down`; its data is kept for when you choose its shape again',
    );
  }
  await recordNodes(config.homeDir, nodes);
  return { ...config, stackNodes: nodes };
}
