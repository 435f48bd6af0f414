// Throughput of `lake produce` against the real broker: events/s, MB/s and batch latency of the
// idempotent producer (acks=-1) with one producer thread and with the default (one a core, at most
// one a partition), uncompressed and gzip, and of a leader-only, non-idempotent one (acks=1).
// The settings take turns, round after round; each run writes to a fresh topic, deleted afterwards.
//
//   npx tsx bench/producer.ts [events, default 1000000] [batch size, default 2500] [rounds, default 3]
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../control/config.js';
import { adEventGenerator } from '../control/kafka/ad-events.js';
import { createKafka } from '../control/kafka/client.js';
import { defaultBatchSize, produceAdEvents } from '../control/kafka/produce-ad-events.js';
import { parseWholeNumber } from '../control/kafka/produce-options.js';
import type { Compression } from '../control/kafka/sender-protocol.js';
import { median, spread } from './stats.js';

interface Setting {
  label: string;
  acks: -1 | 1;
  senders?: number;
  compression: Compression;
}

interface Measure {
  events: number;
  seconds: number;
  megabytes: number;
  latenciesMs: number[];
}

const count = parseWholeNumber(process.argv[2] ?? '1000000', 'events');
const batchSize = parseWholeNumber(process.argv[3] ?? String(defaultBatchSize), 'batch size');
const rounds = parseWholeNumber(process.argv[4] ?? '3', 'rounds');
const partitions = 3;
const defaultThreads = Math.min(os.availableParallelism(), partitions);
const settings: Setting[] = [
  { label: 'acks=-1, idempotent, 1 thread, uncompressed', acks: -1, senders: 1, compression: 'none' },
  { label: `acks=-1, idempotent, ${defaultThreads} threads (default), uncompressed`, acks: -1, compression: 'none' },
  { label: `acks=-1, idempotent, ${defaultThreads} threads (default), gzip`, acks: -1, compression: 'gzip' },
  { label: `acks=1, not idempotent, ${defaultThreads} threads (default), uncompressed`, acks: 1, compression: 'none' },
];
const config = loadConfig();
const admin = createKafka(config, 'lake-bench').admin();

function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [headers, headers.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

/** The generator alone, on the main thread: the ceiling of the producer, whose threads only send. */
function measureGeneration(): Measure {
  const next = adEventGenerator({ seed: 1, dirtyRate: 0.02, firstEventMs: Date.now(), spacingMs: 1 });
  let bytes = 0;
  const started = performance.now();
  for (let i = 0; i < count; i++) bytes += next().value.length;
  return { events: count, seconds: (performance.now() - started) / 1000, megabytes: bytes / 1e6, latenciesMs: [] };
}

async function measureProducer({ label, acks, senders, compression }: Setting, scratch: string): Promise<Measure> {
  const topic = `bench-producer-${randomUUID()}`;
  const latenciesMs: number[] = [];
  try {
    const report = await produceAdEvents(
      { ...config, kafkaTopic: topic },
      {
        count,
        partitions,
        dirtyRate: 0.02,
        seed: 1,
        batchSize,
        acks,
        compression,
        ...(senders !== undefined ? { senders } : {}),
        expectedFile: path.join(scratch, `${topic}.json`),
        onBatch: (batch) => latenciesMs.push(batch.latencyMs),
      },
    );
    if (report.failed > 0) throw new Error(`${label}: ${report.failed} events not acknowledged`);
    return { events: report.acknowledged, seconds: report.elapsedMs / 1000, megabytes: report.acknowledgedBytes / 1e6, latenciesMs };
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  }
}

const scratch = await mkdtemp(path.join(os.tmpdir(), 'lake-bench-producer-'));
await admin.connect();
try {
  process.stderr.write(`${count} events a run, batches of ${batchSize}, ${partitions} partitions, ${rounds} rounds, to ${config.kafkaBrokers.join(',')}\n`);
  const generation = measureGeneration();
  const measures = new Map<Setting, Measure[]>(settings.map((setting) => [setting, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const setting of settings) {
      process.stderr.write(`round ${round}: ${setting.label}…\n`);
      measures.get(setting)?.push(await measureProducer(setting, scratch));
    }
  }
  const eventsPerSecond = (m: Measure) => m.events / m.seconds;
  const rows = [
    ['generation only (no Kafka), main thread', String(count), (count / generation.seconds).toFixed(0), '-', (generation.megabytes / generation.seconds).toFixed(1), '-', '-'],
    ...settings.map((setting) => {
      const runs = measures.get(setting) ?? [];
      const rates = runs.map(eventsPerSecond);
      const latencies = runs.flatMap((run) => run.latenciesMs).sort((a, b) => a - b);
      return [
        setting.label,
        String(runs[0]?.events ?? 0),
        median(rates).toFixed(0),
        spread(rates, 0, ''),
        median(runs.map((run) => run.megabytes / run.seconds)).toFixed(1),
        percentile(latencies, 0.5).toFixed(1),
        percentile(latencies, 0.99).toFixed(1),
      ];
    }),
  ];
  const medianOf = (setting: Setting | undefined) => median((measures.get(setting as Setting) ?? []).map(eventsPerSecond));
  const [oneThread, threads, gzip] = settings;
  process.stdout.write(
    [
      `Machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; broker and producer on the same host; ${new Date().toISOString()}.`,
      '',
      ...markdownTable(['producer', 'events a run', 'events/s (median)', 'events/s (spread)', 'MB/s (uncompressed)', 'batch p50 ms', 'batch p99 ms'], rows),
      '',
      `${defaultThreads} threads are ${(medianOf(threads) / medianOf(oneThread)).toFixed(2)}× the events/s of one; gzip costs ${(100 * (1 - medianOf(gzip) / medianOf(threads))).toFixed(0)} % of them.`,
      '',
    ].join('\n'),
  );
} finally {
  await admin.disconnect();
  await rm(scratch, { recursive: true, force: true });
}
