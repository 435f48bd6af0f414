// `lake stream`: the ad events from Kafka to the campaign metrics as they arrive, until Ctrl-C (or,
// with --until-idle, until what the topic holds is in gold); `lake stream status`: the running (or
// last) stream's state.
import { Command } from 'commander';
import { defaultTriggerMs, readStreamStatus, runStream, type StreamCycle, type StreamStatus } from '../../jobs/stream.js';
import { loadConfig } from '../config.js';
import { parseDuration } from '../kafka/produce-options.js';
import { formatTable } from './table.js';

const log = (line: string) => process.stderr.write(`${line}\n`);
const out = (text: string) => process.stdout.write(`${text}\n`);

const examples = `
Examples:
  $ lake stream                       # land, clean and publish in cycles until Ctrl-C
  $ lake stream --trigger 10s         # land at most every 10 s
  $ lake stream --until-idle          # what the topic holds now, then exit
  $ lake stream status

Ctrl-C stops the landing under way after its epoch, then records, cleans and publishes what it
landed before exiting. A restart resumes from the checkpoint (LAKE_ROOT/_checkpoints/) exactly once.
While the stream runs, job:bronze lands the files and leaves the ad events to it.`;

const perSecond = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '-' : `${Math.round(value)}/s`);
const seconds = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);

/** The live line of a cycle: Spark's progress of the last trigger, then what the layers did. */
function cycleLine(cycle: StreamCycle): string {
  const parts: string[] = [];
  const progress = cycle.progress;
  if (progress) {
    parts.push(`epoch ${progress.batchId}`, `in ${perSecond(cycle.inputRowsPerSecond)}`, `processed ${perSecond(progress.processedRowsPerSecond)}`, `batch ${seconds(progress.batchDuration)}`);
  }
  if (cycle.bronze?.kafka) parts.push(`landed ${cycle.bronze.kafka.records}`);
  const quarantined = Object.values(cycle.silver?.silver ?? {}).reduce((sum, counts) => sum + counts.quarantined, 0);
  if (cycle.silver?.outcome === 'succeeded') parts.push(`silver +${Object.values(cycle.silver.silver ?? {}).reduce((sum, counts) => sum + counts.silverRows, 0)} (${quarantined} quarantined)`);
  if (cycle.gold?.outcome === 'succeeded') parts.push(`gold ${cycle.gold.runId}`);
  if (cycle.newestEventAgeMs !== undefined) parts.push(`newest event in gold ${seconds(cycle.newestEventAgeMs)} old`);
  return parts.join('  ');
}

function printStatus({ status, running }: { status: StreamStatus | undefined; running: boolean }): void {
  if (!status) {
    out('no stream has run on this lake yet (`lake stream` starts one)');
    return;
  }
  const state = running && !status.ended ? `running (pid ${status.pid}, since ${status.since})` : status.ended ? `${status.ended.how} at ${status.ended.at}${status.ended.error ? `: ${status.ended.error}` : ''}` : `gone (pid ${status.pid} no longer runs)`;
  const progress = status.lastProgress;
  const gold = status.lastGold;
  out(
    formatTable(
      ['query', 'state', 'last epoch', 'input', 'processed', 'batch', 'landed', 'last gold', 'newest event then'],
      [
        [
          status.queryId,
          state,
          progress ? `${progress.batchId} (${progress.timestamp})` : '-',
          perSecond(progress?.inputRowsPerSecond),
          perSecond(progress?.processedRowsPerSecond),
          seconds(progress?.batchDuration),
          String(status.landed),
          gold ? `${gold.runId} at ${gold.publishedAt}` : '-',
          seconds(gold?.newestEventAgeMs),
        ],
      ],
    ),
  );
}

export function streamCommand(): Command {
  const command = new Command('stream')
    .description(
      'land the ad events from Kafka with Spark Structured Streaming (exactly once, from a checkpoint), clean each landing into silver and recompute the campaign metrics in gold, and land again',
    )
    .option('--trigger <time>', 'the least time from one landing to the next: 500ms, 2s, 1m (a longer cycle lands again at once)', `${defaultTriggerMs / 1000}s`)
    .option('--until-idle', 'land, clean and publish what the topic holds now, then exit')
    .option('--reset', 'start over from the offsets the lake recorded, with a new checkpoint')
    .option('--verbose', "print the layer runs' own steps")
    .addHelpText('after', examples)
    .action(async (options: { trigger: string; untilIdle?: boolean; reset?: boolean; verbose?: boolean }) => {
      const config = loadConfig();
      const stop = new AbortController();
      const onSigint = () => {
        if (stop.signal.aborted) {
          log('lake: quit without waiting; the next `lake stream` records and publishes what was landed');
          process.off('SIGINT', onSigint);
          process.kill(process.pid, 'SIGINT');
          return;
        }
        log('stopping: the landing under way ends its epoch, then what it landed is published (Ctrl-C again to quit at once)');
        stop.abort();
      };
      process.on('SIGINT', onSigint);
      try {
        const report = await runStream(config, {
          triggerMs: parseDuration(options.trigger, '--trigger'),
          untilIdle: options.untilIdle ?? false,
          reset: options.reset ?? false,
          signal: stop.signal,
          log,
          ...(options.verbose ? { runLog: log } : {}),
          onCycle: (cycle) => {
            const line = cycleLine(cycle);
            if (line) log(line);
          },
        });
        out(`stream ${report.ended}: query ${report.queryId}, ${report.landed} events landed in ${report.bronzeRuns} bronze run${report.bronzeRuns === 1 ? '' : 's'}`);
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
  command
    .command('status')
    .description("the running (or last) stream: its query, last trigger's progress, and gold's last publication")
    .action(async () => printStatus(await readStreamStatus(loadConfig())));
  return command;
}
