import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AdEventRecord, adEventGenerator, adEventReasons } from './ad-events.js';
import { ExpectedTally, expectedFilePath, writeExpected } from './expected.js';
import { recount } from './testing/reference-validator.js';

const run = {
  runId: '20260131T120000Z-0000abcd',
  topic: 'ad-events',
  seed: 5,
  dirtyRate: 0.05,
  now: new Date('2026-01-31T12:00:00Z'),
  startedAt: new Date('2026-01-31T12:00:00Z'),
  finishedAt: new Date('2026-01-31T12:00:10Z'),
  interrupted: false,
};

function generate(count: number): AdEventRecord[] {
  const next = adEventGenerator({ seed: 5, dirtyRate: 0.05, firstEventMs: Date.UTC(2026, 0, 31, 11), spacingMs: 100 });
  return Array.from({ length: count }, next);
}

function batches<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

describe('expected metrics of a run', () => {
  it('agrees with an independent recount of the acknowledged records', () => {
    const records = generate(20_000);
    const tally = new ExpectedTally();
    for (const batch of batches(records, 700)) tally.acknowledged(batch);
    const expected = tally.result(run, []);
    const truth = recount(records.map((r) => r.value));

    expect(expected.bronze_records).toBe(20_000);
    expect(expected.silver_rows).toBe(truth.valid);
    expect(expected.gold.campaign_metrics).toEqual(truth.campaigns);
    expect(expected.quarantine).toEqual(truth.quarantine);
    expect(Object.keys(expected.quarantine)).toEqual([...adEventReasons].sort());
    expect(Object.values(expected.quarantine).reduce((a, b) => a + b, 0)).toBe(expected.quarantined);
    expect(expected.silver_rows + expected.quarantined).toBe(expected.bronze_records);
    expect(expected).toMatchObject({ exact: true, generator: { seed: 5, dirty_rate: 0.05, now: '2026-01-31T12:00:00.000Z' } });
    expect(expected.gold.campaign_metrics.map((m) => m.campaign_id).slice(0, 3)).toEqual(['Campagne 1', 'Campagne 10', 'Campagne 11']);
  });

  it('counts only acknowledged records, and a redelivery whose original failed as the first copy', () => {
    const records = generate(6_000);
    const parts = batches(records, 100);
    const batchOf = (index: number) => Math.floor(index / 100);
    // A batch holding the original of a redelivery sent in a later batch.
    const rescued = records.find((r) => r.fate.kind === 'redelivery' && batchOf(r.fate.originalIndex) < batchOf(r.index));
    if (rescued?.fate.kind !== 'redelivery') throw new Error('no redelivery across batches in the sample');
    const failed = parts[batchOf(rescued.fate.originalIndex)] ?? [];
    const tally = new ExpectedTally();
    for (const batch of parts) {
      if (batch === failed) tally.failedBatch(batch);
      else tally.acknowledged(batch);
    }
    const expected = tally.result(run, []);
    const truth = recount(records.filter((r) => !failed.includes(r)).map((r) => r.value));

    expect(expected.failed_records).toBe(100);
    expect(expected.exact).toBe(false);
    expect(expected.bronze_records).toBe(5_900);
    expect(expected.silver_rows).toBe(truth.valid);
    expect(expected.gold.campaign_metrics).toEqual(truth.campaigns);
    expect(expected.quarantine).toEqual(truth.quarantine);
  });

  it('takes only the first acknowledged redelivery of a failed record as valid', () => {
    const fate = { campaignId: 'Campagne 1', eventType: 'click' as const };
    const original: AdEventRecord = { index: 0, key: 'Campagne 1', value: Buffer.from('{}'), fate: { kind: 'valid', ...fate } };
    const redelivery = (index: number): AdEventRecord => ({ ...original, index, fate: { kind: 'redelivery', ...fate, originalIndex: 0 } });
    const tally = new ExpectedTally();
    tally.failedBatch([original]);
    tally.acknowledged([redelivery(1)]);
    tally.acknowledged([redelivery(2)]);
    const expected = tally.result(run, []);
    expect(expected.silver_rows).toBe(1);
    expect(expected.quarantine).toEqual({ 'duplicate:event_id': 1 });
    expect(expected.gold.campaign_metrics).toEqual([{ campaign_id: 'Campagne 1', total_clicks: 1, total_impressions: 0 }]);
  });

  it('writes the file whole, under <input>/_expected/ad-events-<run id>.json', async () => {
    const inputDir = await mkdtemp(path.join(os.tmpdir(), 'lake-expected-'));
    try {
      const tally = new ExpectedTally();
      tally.acknowledged(generate(100));
      const expected = tally.result(run, [{ partition: 0, first_offset: 10, last_offset: 109, records: 100 }]);
      const file = expectedFilePath(inputDir, run.runId);
      await writeExpected(file, expected);
      expect(file).toBe(path.join(inputDir, '_expected', 'ad-events-20260131T120000Z-0000abcd.json'));
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(expected);
      expect(await readdir(path.dirname(file))).toEqual([path.basename(file)]);
    } finally {
      await rm(inputDir, { recursive: true, force: true });
    }
  });
});
