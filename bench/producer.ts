// Throughput of `lake produce` against the real broker: events/s, MB/s and batch latency with the
// idempotent producer (acks=-1), compared with a leader-only, non-idempotent one (acks=1). Each run
// writes to a fresh topic, deleted afterwards.
//
//   npx tsx bench/producer.ts [events, default 1000000] [batch size, default 2500]
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../control/config.js';
import { adEventGenerator } from '../control/kafka/ad-events.js';
import { createKafka } from '../control/kafka/client.js';
import { defaultBatchSize, produceAdEvents } from '../control/kafka/produce-ad-events.js';
import { parseWholeNumber } from '../control/kafka/produce-options.js';

interface Measure {
  label: string;
  events: number;
  seconds: number;
  megabytes: number;
  latenciesMs: number[];
}

const count = parseWholeNumber(process.argv[2] ?? '1000000', 'events');
const batchSize = parseWholeNumber(process.argv[3] ?? String(defaultBatchSize), 'batch size');
const config = loadConfig();
const admin = createKafka(config, 'lake-bench').admin();

function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [headers, headers.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

/** The generator alone: the ceiling the producer cannot pass, since both share one thread. */
function measureGeneration(): Measure {
  const next = adEventGenerator({ seed: 1, dirtyRate: 0.02, firstEventMs: Date.now(), spacingMs: 1 });
  let bytes = 0;
  const started = performance.now();
  for (let i = 0; i < count; i++) bytes += next().value.length;
  return { label: 'generation only (no Kafka)', events: count, seconds: (performance.now() - started) / 1000, megabytes: bytes / 1e6, latenciesMs: [] };
}

async function measureProducer(label: string, acks: -1 | 1, scratch: string): Promise<Measure> {
  const topic = `bench-producer-${randomUUID()}`;
  const latenciesMs: number[] = [];
  try {
    const report = await produceAdEvents(
      { ...config, kafkaTopic: topic },
      {
        count,
        partitions: 3,
        dirtyRate: 0.02,
        seed: 1,
        batchSize,
        acks,
        expectedFile: path.join(scratch, `${topic}.json`),
        onBatch: (batch) => latenciesMs.push(batch.latencyMs),
      },
    );
    if (report.failed > 0) throw new Error(`${label}: ${report.failed} events not acknowledged`);
    return { label, events: report.acknowledged, seconds: report.elapsedMs / 1000, megabytes: report.acknowledgedBytes / 1e6, latenciesMs };
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  }
}

const scratch = await mkdtemp(path.join(os.tmpdir(), 'lake-bench-producer-'));
await admin.connect();
try {
  process.stderr.write(`${count} events, batches of ${batchSize}, gzip, to ${config.kafkaBrokers.join(',')}\n`);
  const measures = [measureGeneration()];
  for (const [label, acks] of [['acks=-1, idempotent', -1], ['acks=1, not idempotent', 1]] as const) {
    process.stderr.write(`${label}…\n`);
    measures.push(await measureProducer(label, acks, scratch));
  }
  const rows = measures.map((m) => {
    const sorted = [...m.latenciesMs].sort((a, b) => a - b);
    return [
      m.label,
      String(m.events),
      (m.events / m.seconds).toFixed(0),
      (m.megabytes / m.seconds).toFixed(1),
      sorted.length > 0 ? percentile(sorted, 0.5).toFixed(1) : '-',
      sorted.length > 0 ? percentile(sorted, 0.99).toFixed(1) : '-',
    ];
  });
  const [, idempotent, leaderOnly] = measures;
  const ratio = idempotent && leaderOnly ? (leaderOnly.events / leaderOnly.seconds / (idempotent.events / idempotent.seconds)).toFixed(2) : '-';
  process.stdout.write(
    [
      `Machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; broker and producer on the same host.`,
      '',
      ...markdownTable(['producer', 'events', 'events/s', 'MB/s (uncompressed)', 'batch p50 ms', 'batch p99 ms'], rows),
      '',
      `acks=1 without idempotence is ${ratio}× the events/s of acks=-1 idempotent.`,
      '',
    ].join('\n'),
  );
} finally {
  await admin.disconnect();
  await rm(scratch, { recursive: true, force: true });
}
