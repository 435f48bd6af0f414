// What the lake must compute from one run of `lake produce`: gold campaign metrics and quarantine
// counts, tallied from the records Kafka acknowledged, written next to the file inputs so an
// end-to-end check can compare gold with them.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type AdEventReason, type AdEventRecord, adEventReasons } from './ad-events.js';

export interface ExpectedCampaignMetrics {
  campaign_id: string;
  total_clicks: number;
  total_impressions: number;
}

/** Where the run's acknowledged records are in one partition (offsets both included). */
export interface WrittenOffsets {
  partition: number;
  first_offset: number;
  last_offset: number;
  /** Fewer than the span when other producers wrote to the partition meanwhile. */
  records: number;
}

/**
 * The content of `<LAKE_INPUT>/_expected/ad-events-<run_id>.json`. Named like the file sources'
 * `_expected/files.json`: `bronze_records = silver_rows + quarantined`, gold under `gold`.
 */
export interface ExpectedAdEvents {
  run_id: string;
  topic: string;
  /** How the events were made: the same seed, dirty rate and anchor time give the same bytes. */
  generator: { seed: number; dirty_rate: number; now: string };
  started_at: string;
  finished_at: string;
  /**
   * True when every record handed to Kafka was acknowledged. When false, the `failed_records` may
   * or may not be in the topic, so the lake can count more than this file says.
   */
  exact: boolean;
  /** Stopped early by Ctrl-C; the counts still cover every acknowledged record. */
  interrupted: boolean;
  failed_records: number;
  /** Records acknowledged by Kafka: what bronze gains from this run. */
  bronze_records: number;
  /** Valid records, redeliveries of ones already there aside. */
  silver_rows: number;
  quarantined: number;
  /** Quarantined records per reason code (codes of the contract, sorted); only reasons that occur. */
  quarantine: Partial<Record<AdEventReason, number>>;
  /** The gold rows of this run alone, sorted by key (code-point order: "Campagne 10" before "Campagne 2"). */
  gold: { campaign_metrics: ExpectedCampaignMetrics[] };
  /** Where the acknowledged records are, per partition, sorted by partition. */
  offsets: WrittenOffsets[];
}

export interface ExpectedRunInfo {
  runId: string;
  topic: string;
  seed: number;
  dirtyRate: number;
  /** The anchor of event times. */
  now: Date;
  startedAt: Date;
  finishedAt: Date;
  interrupted: boolean;
}

const codePointOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Counts what silver and gold will make of the records, fed batch by batch in the order they were
 * sent. Order matters for redeliveries only: a redelivery is a duplicate when its original reached
 * Kafka, and the original's batch was settled before (or with) the redelivery's.
 */
export class ExpectedTally {
  private readonly metrics = new Map<string, { clicks: number; impressions: number }>();
  private readonly reasons = Object.fromEntries(adEventReasons.map((reason) => [reason, 0])) as Record<AdEventReason, number>;
  /** Index ranges of failed batches; a run stops at its first failure, so there are few. */
  private readonly failedRanges: { from: number; to: number }[] = [];
  /** Failed records whose redelivery was acknowledged, and so stands in for them in silver. */
  private readonly redeliveredFailures = new Set<number>();
  private total = 0;
  private valid = 0;
  private failed = 0;

  acknowledged(records: readonly AdEventRecord[]): void {
    for (const record of records) {
      this.total += 1;
      const fate = record.fate;
      if (fate.kind === 'quarantined') this.reasons[fate.reason] += 1;
      else if (fate.kind === 'valid' || this.firstDelivered(fate.originalIndex)) this.countValid(fate.campaignId, fate.eventType);
      else this.reasons['duplicate:event_id'] += 1;
    }
  }

  failedBatch(records: readonly AdEventRecord[]): void {
    const first = records[0];
    const last = records.at(-1);
    if (!first || !last) return;
    this.failed += records.length;
    this.failedRanges.push({ from: first.index, to: last.index });
  }

  result(run: ExpectedRunInfo, offsets: readonly WrittenOffsets[]): ExpectedAdEvents {
    const quarantine = Object.entries(this.reasons)
      .filter(([, count]) => count > 0)
      .sort(([a], [b]) => codePointOrder(a, b));
    return {
      run_id: run.runId,
      topic: run.topic,
      generator: { seed: run.seed, dirty_rate: run.dirtyRate, now: run.now.toISOString() },
      started_at: run.startedAt.toISOString(),
      finished_at: run.finishedAt.toISOString(),
      exact: this.failed === 0,
      interrupted: run.interrupted,
      failed_records: this.failed,
      bronze_records: this.total,
      silver_rows: this.valid,
      quarantined: this.total - this.valid,
      quarantine: Object.fromEntries(quarantine),
      gold: {
        campaign_metrics: [...this.metrics.entries()]
          .sort(([a], [b]) => codePointOrder(a, b))
          .map(([campaign_id, { clicks, impressions }]) => ({ campaign_id, total_clicks: clicks, total_impressions: impressions })),
      },
      offsets: [...offsets].sort((a, b) => a.partition - b.partition),
    };
  }

  /** Whether a redelivery of `originalIndex` is the first copy in Kafka: its original failed, and no earlier redelivery made it. */
  private firstDelivered(originalIndex: number): boolean {
    if (!this.failedRanges.some(({ from, to }) => originalIndex >= from && originalIndex <= to)) return false;
    if (this.redeliveredFailures.has(originalIndex)) return false;
    this.redeliveredFailures.add(originalIndex);
    return true;
  }

  private countValid(campaignId: string, eventType: 'click' | 'impression'): void {
    this.valid += 1;
    const metrics = this.metrics.get(campaignId) ?? { clicks: 0, impressions: 0 };
    if (eventType === 'click') metrics.clicks += 1;
    else metrics.impressions += 1;
    this.metrics.set(campaignId, metrics);
  }
}

/** The default place of a run's expected file. */
export function expectedFilePath(inputDir: string, runId: string): string {
  return path.join(inputDir, '_expected', `ad-events-${runId}.json`);
}

/** Writes the file whole or not at all (a temporary file renamed into place). */
export async function writeExpected(file: string, expected: ExpectedAdEvents): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(expected, null, 2)}\n`);
  await rename(temporary, file);
}
