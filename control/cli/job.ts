// `lake job bronze | silver | gold | all`: runs the layers of the pipeline on the cluster, with a
// progress bar while Spark works (Ctrl-C interrupts it) and a summary table at the end.
import { Command, Option } from 'commander';
import { bronzeTables, runBronze, type BronzeTable } from '../../jobs/bronze.js';
import { runGold } from '../../jobs/gold.js';
import { runSilver } from '../../jobs/silver.js';
import { loadConfig, type LakeConfig } from '../config.js';
import { LakeError, hintOf, isUserError } from '../errors.js';
import { runDuration, type BronzeRun, type GoldRun, type SilverRun } from '../runs/manifest.js';
import type { ExecuteOptions } from '@lake/spark-connect';
import { createProgressBar, formatBytes } from './progress-bar.js';
import { formatTable } from './table.js';

const log = (line: string) => process.stderr.write(`${line}\n`);
const out = (text: string) => process.stdout.write(`${text}\n`);

export function printBronzeSummary(run: BronzeRun): void {
  const rows = Object.entries(run.files ?? {}).map(([table, source]) => {
    const sum = (pick: (f: (typeof source.landed)[number]) => number) => source.landed.reduce((total, f) => total + pick(f), 0);
    return [table, String(source.landed.length), String(source.skipped.length), formatBytes(sum((f) => f.size)), String(sum((f) => f.lines)), String(sum((f) => f.blankLines)), '-'];
  });
  if (run.kafka) {
    const ranges = Object.entries(run.kafka.ranges).map(([p, r]) => `p${p} ${r.from}→${r.until}`).join(', ');
    rows.push(['ad_events', '-', '-', '-', '-', '-', `${run.kafka.records}${ranges ? ` (${ranges})` : ''}`]);
  }
  out(formatTable(['source', 'files landed', 'already landed', 'bytes', 'lines', 'blank lines', 'kafka records'], rows));
  const verdict = run.outcome === 'nothing new' ? 'nothing new to land: the lake already has every input' : run.outcome;
  out(`bronze run ${run.runId}: ${verdict} in ${runDuration(run)}`);
}

/** `succeeded in 12.3 s, published (Delta versions: transactions v3, …)` or why nothing was published. */
function describeOutcome(run: SilverRun | GoldRun): string {
  if (run.outcome === 'nothing new') return `nothing new in ${runDuration(run)}: the published version stays`;
  const versions = Object.entries(run.published?.tables ?? {})
    .map(([table, { version }]) => `${table} v${version}`)
    .join(', ');
  const after = run.afterPublication ? `; a step after publication failed (the published version stands, nothing to redo): ${run.afterPublication.split('\n')[0]}` : '';
  return `${run.outcome}${run.fullRefresh ? ' (full refresh)' : ''} in ${runDuration(run)}, published (Delta versions: ${versions})${after}`;
}

export function printSilverSummary(run: SilverRun): void {
  // One row per source, then one continuation row per further quarantine reason.
  const rows = Object.entries(run.silver ?? {}).flatMap(([table, counts]) => {
    const reasons = Object.entries(counts.reasons).map(([reason, n]) => `${reason} ${n}`);
    const [first = '-', ...others] = reasons;
    return [
      [table, String(counts.bronzeRecords), String(counts.silverRows), String(counts.quarantined), first],
      ...others.map((reason) => ['', '', '', '', reason]),
    ];
  });
  out(formatTable(['source', 'rows in', 'rows kept', 'quarantined', 'by reason'], rows));
  out(`silver run ${run.runId}: ${describeOutcome(run)}`);
}

export function printGoldSummary(run: GoldRun): void {
  out(formatTable(['metric', 'rows'], Object.entries(run.gold ?? {}).map(([table, { rows }]) => [table, String(rows)])));
  out(`gold run ${run.runId}: ${describeOutcome(run)} (from silver ${run.madeFrom?.join(', ')})`);
}

type LayerRun<M> = (config: LakeConfig, execution: ExecuteOptions) => Promise<M>;

/** Runs one layer with a progress bar, Ctrl-C interrupting its Spark work, then prints its summary. */
async function runLayer<M>(config: LakeConfig, run: LayerRun<M>, print: (manifest: M) => void): Promise<M> {
  const progress = createProgressBar();
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once('SIGINT', onSigint);
  try {
    const manifest = await run(config, { onProgress: progress.onProgress, signal: interrupt.signal });
    progress.stop();
    print(manifest);
    return manifest;
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
  }
}

const fullRefreshOption = new Option(
  '--full-refresh',
  'rebuild from all of bronze rather than only what is new (after a change of a cleaning rule, or to move a lake made before Delta Lake); bronze is never rewritten',
);

export function jobCommand(): Command {
  const job = new Command('job').description('run a layer of the pipeline on the cluster');

  job
    .command('bronze')
    .description(
      'land new input files byte for byte in HDFS (through WebHDFS) and the new ad events from Kafka (through Spark), then commit the run manifest',
    )
    .addOption(
      new Option('--tables <tables>', 'comma-separated bronze tables to land (default: all)').argParser((value: string) =>
        value.split(',').map((t) => t.trim()),
      ),
    )
    .action(async (options: { tables?: string[] }) => {
      const unknown = options.tables?.filter((t) => !(bronzeTables as readonly string[]).includes(t)) ?? [];
      if (unknown.length > 0) throw new LakeError(`unknown bronze table(s): ${unknown.join(', ')}`, `choose among ${bronzeTables.join(', ')}`);
      const tables = options.tables as BronzeTable[] | undefined;
      await runLayer(loadConfig(), (config, execution) => runBronze(config, { tables, execution, log }), printBronzeSummary);
    });

  job
    .command('silver')
    .description(
      'clean the bronze batches silver does not hold yet with the SQL of jobs/sql/silver on the cluster: typed Delta tables and quarantines with reasons, checked by the conservation law, published atomically',
    )
    .addOption(fullRefreshOption)
    .action(async (options: { fullRefresh?: boolean }) => {
      const fullRefresh = options.fullRefresh ?? false;
      await runLayer(loadConfig(), (config, execution) => runSilver(config, { execution, log, fullRefresh }), printSilverSummary);
    });

  job
    .command('gold')
    .description('compute the four gold metrics from the published silver version and publish them atomically as a new gold version')
    .addOption(fullRefreshOption)
    .action(async (options: { fullRefresh?: boolean }) => {
      const fullRefresh = options.fullRefresh ?? false;
      await runLayer(loadConfig(), (config, execution) => runGold(config, { execution, log, fullRefresh }), printGoldSummary);
    });

  job
    .command('all')
    .description('run bronze, then silver, then gold; a failed layer stops the chain')
    .addOption(fullRefreshOption)
    .action(async (options: { fullRefresh?: boolean }) => {
      const config = loadConfig();
      const fullRefresh = options.fullRefresh ?? false;
      const layers = [
        ['bronze', () => runLayer(config, (config, execution) => runBronze(config, { execution, log, upgradeLayout: fullRefresh }), printBronzeSummary)],
        ['silver', () => runLayer(config, (config, execution) => runSilver(config, { execution, log, fullRefresh }), printSilverSummary)],
        ['gold', () => runLayer(config, (config, execution) => runGold(config, { execution, log, fullRefresh }), printGoldSummary)],
      ] as const;
      for (const [layer, run] of layers) {
        try {
          await run();
        } catch (error) {
          if (isUserError(error)) throw new LakeError(`${layer} failed; the chain stopped there: ${error.message}`, hintOf(error), { cause: error });
          throw error;
        }
      }
    });

  return job;
}
