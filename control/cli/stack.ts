// `lake stack up | down | status | logs <component>`: the embedded HDFS, Kafka and Spark.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { LakeError, describeError } from '../errors.js';
import type { LakeConfig } from '../config.js';
import { componentNamed, stackComponents } from '../stack/components.js';
import { stackLayout } from '../stack/layout.js';
import type { ComponentStatus } from '../stack/stack.js';
import { chooseShape, stackDown, stackStatus, stackUp } from '../stack/stack.js';
import { StackUpInterrupted } from '../stack/start-order.js';
import { maxNodes, parseNodes } from '../stack/topology.js';
import { formatTable } from './table.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

function printStatus(config: LakeConfig, statuses: ComponentStatus[]): void {
  if (config.stackNodes > 1) process.stdout.write(`a ${config.stackNodes}-node stack, its data in ${stackLayout(config).root}\n`);
  const rows = statuses.map((s) => [s.name, s.pid ? String(s.pid) : '-', s.address, s.action ? `${s.state} (${s.action})` : s.state]);
  process.stdout.write(`${formatTable(['component', 'pid', 'address', 'state'], rows)}\n`);
}

export function stackCommand(): Command {
  const stack = new Command('stack').description(
    'the embedded stack on this machine: HDFS NameNode and DataNode, a Kafka broker, a Spark standalone Master and Worker, and the Spark Connect server; or a cluster of them (--nodes 3)',
  );

  stack
    .command('up')
    .description('resolve the JVM dependencies (once), then start every component that is not running and wait until all are healthy')
    .option(
      '--nodes <n>',
      `1, or a cluster of 3 to ${maxNodes} nodes on this machine: n DataNodes (replication 3), n Kafka brokers (a KRaft quorum of 3, topics replicated 3 times), n − 1 Spark Workers. Remembered until another --nodes; each shape keeps its own data`,
    )
    .action(async (options: { nodes?: string }) => {
      const started = Date.now();
      // Ctrl-C stops what this attempt started (the daemons run in sessions of their own, so the
      // terminal's signal never reaches them); a second Ctrl-C quits at once and leaves them.
      const interrupt = new AbortController();
      const onSigint = () => {
        if (interrupt.signal.aborted) {
          log('lake: quit without waiting; `npm run lake -- stack status` shows what runs, `stack down` stops it');
          process.exit(130);
        }
        log('interrupted: stopping what this attempt started (Ctrl-C again to quit at once)');
        interrupt.abort();
      };
      process.on('SIGINT', onSigint);
      try {
        const config = options.nodes === undefined ? loadConfig() : await chooseShape(loadConfig(), parseNodes(options.nodes));
        printStatus(config, await stackUp(config, log, interrupt.signal));
        log(`stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      } catch (error) {
        if (!(error instanceof StackUpInterrupted)) throw error;
        log(`lake: ${describeError(error)}`);
        process.exitCode = 130;
      } finally {
        process.off('SIGINT', onSigint);
      }
    });

  stack
    .command('down')
    .description('stop the components this stack started (by pid file), cleanly; their data is kept')
    .action(async () => {
      const config = loadConfig();
      await stackDown(config, log);
      printStatus(config, await stackStatus(config));
    });

  stack
    .command('status')
    .description('show each component: pid, address and whether it is healthy (stale pid files after a crash read as stopped); exits 3 when a component is not healthy')
    .action(async () => {
      const config = loadConfig();
      const statuses = await stackStatus(config);
      printStatus(config, statuses);
      if (statuses.some((s) => s.state === 'stopped' || s.state === 'unhealthy')) process.exitCode = 3;
    });

  stack
    .command('logs')
    .description(`print the log of one component (${stackComponents(1).map((c) => c.name).join(', ')}; on a cluster numbered: datanode-2, kafka-3, spark-worker-1…)`)
    .argument('<component>', 'component name')
    .option('-n, --lines <count>', 'number of last lines to print', '100')
    .option('-f, --follow', 'keep printing new lines as they are written')
    .action(async (name: string, options: { lines: string; follow?: boolean }) => {
      const config = loadConfig();
      const component = componentNamed(name, config.stackNodes);
      const file = stackLayout(config).logFile(component.name);
      if (!existsSync(file)) throw new LakeError(`no log for ${component.name} yet (${file})`, 'start the stack with `npm run lake -- stack up`');
      const args = ['-n', String(Number(options.lines) || 100), ...(options.follow ? ['-F'] : []), file];
      await new Promise<void>((resolve) => spawn('tail', args, { stdio: 'inherit' }).once('close', () => resolve()));
    });

  return stack;
}
