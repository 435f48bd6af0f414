// `lake stack up | down | status | logs <component>`: the embedded HDFS, Kafka and Spark.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { LakeError, describeError } from '../errors.js';
import { componentNamed, components } from '../stack/components.js';
import { stackLayout } from '../stack/layout.js';
import type { ComponentStatus } from '../stack/stack.js';
import { stackDown, stackStatus, stackUp } from '../stack/stack.js';
import { StackUpInterrupted } from '../stack/start-order.js';
import { formatTable } from './table.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

function printStatus(statuses: ComponentStatus[]): void {
  const rows = statuses.map((s) => [s.name, s.pid ? String(s.pid) : '-', s.address, s.action ? `${s.state} (${s.action})` : s.state]);
  process.stdout.write(`${formatTable(['component', 'pid', 'address', 'state'], rows)}\n`);
}

export function stackCommand(): Command {
  const stack = new Command('stack').description(
    'the embedded stack on this machine: HDFS NameNode and DataNode, a Kafka broker, a Spark standalone Master and Worker, and the Spark Connect server',
  );

  stack
    .command('up')
    .description('resolve the JVM dependencies (once), then start every component that is not running and wait until all are healthy')
    .action(async () => {
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
        printStatus(await stackUp(loadConfig(), log, interrupt.signal));
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
      await stackDown(loadConfig(), log);
      printStatus(await stackStatus(loadConfig()));
    });

  stack
    .command('status')
    .description('show each component: pid, address and whether it is healthy (stale pid files after a crash read as stopped); exits 3 when a component is not healthy')
    .action(async () => {
      const statuses = await stackStatus(loadConfig());
      printStatus(statuses);
      if (statuses.some((s) => s.state === 'stopped' || s.state === 'unhealthy')) process.exitCode = 3;
    });

  stack
    .command('logs')
    .description(`print the log of one component (${components.map((c) => c.name).join(', ')})`)
    .argument('<component>', 'component name')
    .option('-n, --lines <count>', 'number of last lines to print', '100')
    .option('-f, --follow', 'keep printing new lines as they are written')
    .action(async (name: string, options: { lines: string; follow?: boolean }) => {
      const component = componentNamed(name);
      const file = stackLayout(loadConfig()).logFile(component.name);
      if (!existsSync(file)) throw new LakeError(`no log for ${component.name} yet (${file})`, 'start the stack with `npm run lake -- stack up`');
      const args = ['-n', String(Number(options.lines) || 100), ...(options.follow ? ['-F'] : []), file];
      await new Promise<void>((resolve) => spawn('tail', args, { stdio: 'inherit' }).once('close', () => resolve()));
    });

  return stack;
}
