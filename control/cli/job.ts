// `lake job <layer>`: runs one layer of the pipeline on the cluster and prints its summary.
import { Command, Option } from 'commander';
import { loadConfig } from '../config.js';
import { LakeError } from '../errors.js';
import { runDuration, type RunManifest } from '../runs/manifest.js';
import { createProgressBar, formatBytes } from '../spark/progress-bar.js';
import { bronzeTables, runBronze, type BronzeTable } from '../../jobs/bronze.js';
import { formatTable } from './table.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

export function printBronzeSummary(run: RunManifest): void {
  const rows = Object.entries(run.files ?? {}).map(([table, source]) => {
    const sum = (pick: (f: (typeof source.landed)[number]) => number) => source.landed.reduce((total, f) => total + pick(f), 0);
    return [table, String(source.landed.length), String(source.skipped.length), formatBytes(sum((f) => f.size)), String(sum((f) => f.lines)), String(sum((f) => f.blankLines)), '-'];
  });
  if (run.kafka) {
    const ranges = Object.entries(run.kafka.ranges).map(([p, r]) => `p${p} ${r.from}→${r.until}`).join(', ');
    rows.push(['ad_events', '-', '-', '-', '-', '-', `${run.kafka.records}${ranges ? ` (${ranges})` : ''}`]);
  }
  process.stdout.write(`${formatTable(['source', 'files landed', 'already landed', 'bytes', 'lines', 'blank lines', 'kafka records'], rows)}\n`);
  const verdict = run.outcome === 'nothing new' ? 'nothing new to land: the lake already has every input' : run.outcome;
  process.stdout.write(`bronze run ${run.runId}: ${verdict} in ${runDuration(run)}\n`);
}

export function jobCommand(): Command {
  const job = new Command('job').description('run a layer of the pipeline on the cluster');

  job
    .command('bronze')
    .description(
      'land new input files byte for byte in HDFS (through WebHDFS) and the new ad events from Kafka (through Spark), then commit the run manifest',
    )
    .addOption(
      new Option('--tables <tables>', 'comma-separated bronze tables to land (default: all)')
        .argParser((value: string) => value.split(',').map((t) => t.trim()))
        .default(undefined),
    )
    .action(async (options: { tables?: string[] }) => {
      const unknown = options.tables?.filter((t) => !(bronzeTables as readonly string[]).includes(t)) ?? [];
      if (unknown.length > 0) throw new LakeError(`unknown bronze table(s): ${unknown.join(', ')}`, `choose among ${bronzeTables.join(', ')}`);
      const progress = createProgressBar();
      try {
        const run = await runBronze(loadConfig(), {
          tables: options.tables as BronzeTable[] | undefined,
          execution: { onProgress: progress.onProgress },
          log,
        });
        progress.stop();
        printBronzeSummary(run);
      } finally {
        progress.stop();
      }
    });

  return job;
}
