// `lake produce`: generated ad events into the Kafka topic, as a burst or a steady flow, and the
// gold metrics the lake must compute from them.
import { randomInt } from 'node:crypto';
import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { LakeError } from '../errors.js';
import { type ProduceAdEventsReport, defaultBatchSize, produceAdEvents } from '../kafka/produce-ad-events.js';
import type { ProduceProgress } from '../kafka/producer.js';
import { parseDuration, parseInstant, parsePositiveNumber, parseSeed, parseShare, parseWholeNumber } from '../kafka/produce-options.js';
import { type Compression, compressions } from '../kafka/sender-protocol.js';
import { defaultTopicPartitions } from '../kafka/topics.js';
import { formatTable } from './table.js';

interface ProduceCliOptions {
  count?: string;
  rate?: string;
  duration?: string;
  dirtyRate: string;
  partitions: string;
  seed?: string;
  now?: string;
  batchSize: string;
  threads?: string;
  compression: string;
  expectedOut?: string;
}

const examples = `
Examples:
  $ lake produce --count 100000                   # as fast as possible, then exit
  $ lake produce --rate 200 --duration 60s        # a steady flow of 200 events/s for a minute
  $ lake produce --count 5000 --seed 42 --dirty-rate 5%

Events go to LAKE_KAFKA_TOPIC (default ad-events) on KAFKA_BROKERS (default 127.0.0.1:9092).
Ctrl-C stops generating, waits for the batches in flight, prints the summary and exits with 130.`;

const log = (line: string) => process.stderr.write(`${line}\n`);

function rate(events: number, ms: number): string {
  return ms > 0 ? `${Math.round((events * 1000) / ms)} events/s` : '-';
}

/** One line a second on stderr; rewritten in place on a terminal. */
function progressPrinter(): { print: (progress: ProduceProgress) => void; note: (line: string) => void; end: () => void } {
  let previous = { acknowledged: 0, elapsedMs: 0 };
  let printed = false;
  return {
    note: (line) => log(printed && process.stderr.isTTY ? `\n${line}` : line),
    print: (progress) => {
      const line = `sent ${progress.sent}  acknowledged ${progress.acknowledged}  failed ${progress.failed}  ${rate(
        progress.acknowledged - previous.acknowledged,
        progress.elapsedMs - previous.elapsedMs,
      )}`;
      previous = progress;
      printed = true;
      process.stderr.write(process.stderr.isTTY ? `\r\x1b[K${line}` : `${line}\n`);
    },
    end: () => {
      if (printed && process.stderr.isTTY) process.stderr.write('\n');
    },
  };
}

function printSummary(report: ProduceAdEventsReport): void {
  const { expected } = report;
  const seconds = (report.elapsedMs / 1000).toFixed(1);
  const quarantined = Object.entries(expected.quarantine);
  const lines = [
    `run ${report.runId}: topic ${report.topic}${report.topicCreated ? ' (created)' : ''}, seed ${report.seed}${report.interrupted ? ', interrupted' : ''}`,
    `sent ${report.sent}, acknowledged ${report.acknowledged}, failed ${report.failed} in ${seconds} s (${rate(report.acknowledged, report.elapsedMs)})`,
  ];
  if (report.offsets.length > 0) {
    lines.push(
      formatTable(
        ['partition', 'first offset', 'last offset', 'records'],
        report.offsets.map((o) => [String(o.partition), String(o.firstOffset), String(o.lastOffset), String(o.records)]),
      ),
    );
  }
  lines.push(
    `silver rows ${expected.silver_rows}, quarantined ${expected.quarantined}` +
      (quarantined.length > 0 ? ` (${quarantined.map(([reason, count]) => `${reason} ${count}`).join(', ')})` : ''),
    `expected metrics: ${report.expectedFile}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

function parseCompression(text: string): Compression {
  const codec = compressions.find((name) => name === text.trim().toLowerCase());
  if (!codec) throw new LakeError(`--compression ${JSON.stringify(text)} is not a codec the producer has`, `use one of: ${compressions.join(', ')}`);
  return codec;
}

/** The run's size from the options: a count, or a rate over a duration. */
function plan(options: ProduceCliOptions): { count?: number; ratePerSecond?: number; durationMs?: number } {
  const usage = 'give --count N (as fast as possible), or --rate R --duration D (a steady flow)';
  if (options.count !== undefined && options.duration !== undefined) throw new LakeError('--count and --duration cannot go together', usage);
  if (options.duration !== undefined && options.rate === undefined) throw new LakeError('--duration needs --rate', usage);
  if (options.count === undefined && options.duration === undefined) throw new LakeError('how many events?', usage);
  return {
    ...(options.count !== undefined ? { count: parseWholeNumber(options.count, '--count') } : {}),
    ...(options.rate !== undefined ? { ratePerSecond: parsePositiveNumber(options.rate, '--rate') } : {}),
    ...(options.duration !== undefined ? { durationMs: parseDuration(options.duration) } : {}),
  };
}

export function produceCommand(): Command {
  return new Command('produce')
    .description(
      'send generated ad events (impressions and clicks of a dozen campaigns, with a share of dirty records) to the Kafka topic, ' +
        'with an idempotent producer, and write the gold campaign metrics the lake must compute from the acknowledged ones',
    )
    .option('-n, --count <events>', 'send this many events as fast as the broker takes them (with --rate: at that rate)')
    .option('-r, --rate <events/s>', 'a steady real-time flow of this many events per second')
    .option('-d, --duration <time>', 'how long the steady flow lasts: 60s, 5m, 1h')
    .option('--dirty-rate <share>', 'share of invalid or redelivered events, covering every quarantine reason', '2%')
    .option('--partitions <n>', 'partitions of the topic if it has to be created', String(defaultTopicPartitions))
    .option('--seed <n>', 'seed of the generator, 0 to 4294967295: the same seed gives the same events (default: random, printed)')
    .option('--now <instant>', 'place event times around this instant, not the current time (ISO-8601 or epoch ms); with --seed, every byte repeats')
    .option('--batch-size <events>', 'events per batch sent', String(defaultBatchSize))
    .option('--threads <n>', 'producer threads sending side by side, each partition always by the same one (default: one a core, at most one a partition; 1 with --rate)')
    .option('--compression <codec>', `how batches are compressed: ${compressions.join(' or ')}`, 'none')
    .option('--expected-out <file>', 'where to write the expected metrics (default: <LAKE_INPUT>/_expected/ad-events-<run id>.json)')
    .addHelpText('after', examples)
    .action(async (options: ProduceCliOptions) => {
      const config = loadConfig();
      const interrupt = new AbortController();
      const progress = progressPrinter();
      const onSigint = () => {
        if (interrupt.signal.aborted) {
          progress.note('lake: stopped without waiting for Kafka; the expected metrics were not written');
          // Dies of the signal itself, as a Ctrl-C'd program should.
          process.off('SIGINT', onSigint);
          process.kill(process.pid, 'SIGINT');
          return;
        }
        progress.note('stopping: waiting for the batches in flight (Ctrl-C again to quit at once)');
        interrupt.abort();
      };
      process.on('SIGINT', onSigint);
      let report: ProduceAdEventsReport;
      try {
        report = await produceAdEvents(config, {
          ...plan(options),
          partitions: parseWholeNumber(options.partitions, '--partitions'),
          dirtyRate: parseShare(options.dirtyRate, '--dirty-rate'),
          seed: options.seed !== undefined ? parseSeed(options.seed) : randomInt(0, 2 ** 32),
          ...(options.now !== undefined ? { nowMs: parseInstant(options.now, '--now') } : {}),
          batchSize: parseWholeNumber(options.batchSize, '--batch-size'),
          ...(options.threads !== undefined ? { senders: parseWholeNumber(options.threads, '--threads') } : {}),
          compression: parseCompression(options.compression),
          ...(options.expectedOut !== undefined ? { expectedFile: options.expectedOut } : {}),
          signal: interrupt.signal,
          onProgress: progress.print,
          log,
        });
      } finally {
        progress.end();
        process.off('SIGINT', onSigint);
      }
      printSummary(report);
      if (report.failed > 0) {
        const cause = report.error instanceof Error ? report.error.message : String(report.error);
        throw new LakeError(
          `Kafka did not acknowledge ${report.failed} of the ${report.sent} events sent (${cause})`,
          `the expected metrics count only the acknowledged ones and say "exact": false; check the broker (\`npm run lake -- stack status\`)`,
        );
      }
      if (report.interrupted) process.exitCode = 130;
    });
}
