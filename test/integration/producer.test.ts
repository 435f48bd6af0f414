// `lake produce` against the real broker: what lands in the topic is what the run reports and what
// its expected file predicts; an absent broker is a clear error within seconds; Ctrl-C flushes.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, repoRoot } from '../../control/config.js';
import { createKafka } from '../../control/kafka/client.js';
import type { ExpectedAdEvents } from '../../control/kafka/expected.js';
import { adEventGenerator } from '../../control/kafka/ad-events.js';
import { produceAdEvents } from '../../control/kafka/produce-ad-events.js';
import { judgeAdEvent, recount } from '../../control/kafka/testing/reference-validator.js';

interface Consumed {
  partition: number;
  offset: number;
  key: string | null;
  value: Buffer;
}

const config = loadConfig();
const kafka = createKafka(config, 'lake-producer-test');
const topics: string[] = [];
let admin: Admin;
let workDir: string;
let entry: string;

function freshTopic(): string {
  const topic = `ad-events-test-${randomUUID()}`;
  topics.push(topic);
  return topic;
}

/** Every record of the topic, in (partition, offset) order. */
async function consumeAll(topic: string): Promise<Consumed[]> {
  const ends = await admin.fetchTopicOffsets(topic);
  const expectedCount = ends.reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
  const records: Consumed[] = [];
  if (expectedCount === 0) return records;
  const consumer = kafka.consumer({ groupId: `lake-producer-test-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumed ${records.length} of ${expectedCount} records`)), 60_000);
      void consumer.run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            records.push({ partition: batch.partition, offset: Number(message.offset), key: message.key?.toString('utf8') ?? null, value: message.value ?? Buffer.alloc(0) });
          }
          if (records.length >= expectedCount) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

function lake(args: string[], env: NodeJS.ProcessEnv): ChildProcess & { output: { stdout: string; stderr: string } } {
  const child = spawn(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [entry, ...args], { env: { ...process.env, ...env }, cwd: repoRoot });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  return Object.assign(child, { output });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('close', (code) => resolve(code)));
}

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  workDir = await mkdtemp(path.join(os.tmpdir(), 'lake-produce-'));
  // `lake produce` as the CLI runs it, without depending on its registration in program.ts.
  entry = path.join(workDir, 'produce.mts');
  const cli = (file: string) => JSON.stringify(pathToFileURL(path.join(repoRoot, 'control', 'cli', file)).href);
  await writeFile(
    entry,
    [
      `import { runCommand } from ${cli('run-command.ts')};`,
      `import { produceCommand } from ${cli('produce.ts')};`,
      `await runCommand(() => produceCommand().parseAsync(process.argv.slice(2), { from: 'user' }));`,
    ].join('\n'),
  );
});

afterAll(async () => {
  if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
  await rm(workDir, { recursive: true, force: true });
});

describe('lake produce', () => {
  it('writes to a new topic exactly what it reports, and an expected file a recount of the topic confirms', async () => {
    const topic = freshTopic();
    const expectedFile = path.join(workDir, 'expected.json');
    const report = await produceAdEvents(
      { ...config, kafkaTopic: topic },
      { count: 6_000, partitions: 4, dirtyRate: 0.05, seed: 1234, batchSize: 500, expectedFile },
    );
    expect(report).toMatchObject({ topicCreated: true, sent: 6_000, acknowledged: 6_000, failed: 0, interrupted: false });

    const records = await consumeAll(topic);
    expect(records.length).toBe(report.acknowledged);
    expect(new Set(records.map((r) => r.partition))).toEqual(new Set([0, 1, 2, 3]));
    expect(report.offsets).toEqual(
      [0, 1, 2, 3].map((partition) => {
        const inPartition = records.filter((r) => r.partition === partition);
        return { partition, firstOffset: 0, lastOffset: inPartition.length - 1, records: inPartition.length };
      }),
    );

    // The key is the campaign_id wherever the value has one; null only when it has none.
    const keyMismatches = records.filter((r) => {
      const verdict = judgeAdEvent(r.value);
      if (verdict.valid) return r.key !== verdict.campaignId;
      return verdict.reason === 'missing_required:campaign_id' ? r.key !== null : r.key === null;
    });
    expect(keyMismatches).toEqual([]);

    const written = JSON.parse(await readFile(expectedFile, 'utf8')) as ExpectedAdEvents;
    expect(written).toEqual(JSON.parse(JSON.stringify(report.expected)));
    const truth = recount(records.map((r) => r.value));
    expect(written).toMatchObject({
      topic,
      generator: { seed: 1234, dirty_rate: 0.05 },
      exact: true,
      interrupted: false,
      failed_records: 0,
      bronze_records: truth.total,
      silver_rows: truth.valid,
      quarantined: truth.total - truth.valid,
      quarantine: truth.quarantine,
    });
    expect(written.gold.campaign_metrics).toEqual(truth.campaigns);
    expect(Object.keys(truth.quarantine)).toHaveLength(10);
    expect(written.offsets).toEqual(report.offsets.map((o) => ({ partition: o.partition, first_offset: o.firstOffset, last_offset: o.lastOffset, records: o.records })));
  });

  it('sends from several threads, each partition in the order the events were generated', async () => {
    const topic = freshTopic();
    const count = 20_000;
    const nowMs = Date.UTC(2026, 5, 1, 12);
    const report = await produceAdEvents(
      { ...config, kafkaTopic: topic },
      { count, partitions: 4, dirtyRate: 0.05, seed: 77, nowMs, batchSize: 400, senders: 3, expectedFile: path.join(workDir, 'threads.json') },
    );
    expect(report).toMatchObject({ sent: count, acknowledged: count, failed: 0 });
    const records = await consumeAll(topic);
    expect(records.length).toBe(count);

    // The same stream again, here (the generator's truth): every partition must hold a subsequence of it.
    const next = adEventGenerator({ seed: 77, dirtyRate: 0.05, firstEventMs: nowMs - 3_600_000, spacingMs: 3_600_000 / count });
    const generated = Array.from({ length: count }, () => next().value.toString('hex'));
    for (const partition of [0, 1, 2, 3]) {
      const landed = records.filter((r) => r.partition === partition).map((r) => r.value.toString('hex'));
      expect(landed.length).toBeGreaterThan(0);
      let position = 0;
      const outOfOrder = landed.filter((value) => {
        const found = generated.indexOf(value, position);
        if (found < 0) return true;
        position = found + 1;
        return false;
      });
      expect(outOfOrder, `partition ${partition}`).toEqual([]);
    }
    expect(recount(records.map((r) => r.value)).campaigns).toEqual(report.expected.gold.campaign_metrics);
  });

  it('fails within seconds with a clear error when the broker is unreachable, reporting nothing as sent', async () => {
    const inputDir = path.join(workDir, 'unreachable-input');
    const started = Date.now();
    const child = lake(['--count', '100'], { KAFKA_BROKERS: '127.0.0.1:1', LAKE_KAFKA_TOPIC: freshTopic(), LAKE_INPUT: inputDir });
    const code = await exited(child);
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(code).toBe(1);
    expect(child.output.stderr).toContain('lake: cannot reach Kafka at 127.0.0.1:1');
    expect(child.output.stderr).toContain('is the stack up? run `npm run lake -- stack up`');
    expect(child.output.stderr).not.toMatch(/kafkajs|at .*\.js/);
    expect(child.output.stdout).toBe('');
    await expect(readdir(inputDir)).rejects.toThrow(/ENOENT/);
  });

  it('on Ctrl-C, stops a steady flow, flushes, prints the summary and exits with 130', async () => {
    const topic = freshTopic();
    const inputDir = path.join(workDir, 'interrupted-input');
    const child = lake(['--rate', '200', '--duration', '60s', '--seed', '9'], { LAKE_KAFKA_TOPIC: topic, LAKE_INPUT: inputDir });
    const code = exited(child);
    await new Promise<void>((resolve) => {
      child.stderr?.on('data', () => {
        if (/acknowledged [1-9]/.test(child.output.stderr)) resolve();
      });
    });
    child.kill('SIGINT');
    expect(await code).toBe(130);
    expect(child.output.stderr).toContain('stopping: waiting for the batches in flight');
    expect(child.output.stdout).toMatch(/^run .*: topic ad-events-test-.* \(created\), seed 9, interrupted$/m);

    const [file, ...others] = await readdir(path.join(inputDir, '_expected'));
    expect(others).toEqual([]);
    const expected = JSON.parse(await readFile(path.join(inputDir, '_expected', file ?? ''), 'utf8')) as ExpectedAdEvents;
    const records = await consumeAll(topic);
    expect(expected).toMatchObject({ interrupted: true, exact: true, bronze_records: records.length, generator: { seed: 9 } });
    expect(records.length).toBeGreaterThan(100);
    // A minute at 200/s was cut short: far fewer than 12 000 events.
    expect(records.length).toBeLessThan(4_000);
    expect(expected.gold.campaign_metrics).toEqual(recount(records.map((r) => r.value)).campaigns);
    expect(child.output.stdout).toContain(`acknowledged ${records.length}, failed 0`);
  });
});
