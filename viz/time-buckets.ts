// Time series are drawn per bucket of time chosen from the data's span, so that a chart carries a
// bounded number of points whether the data covers an hour (per minute) or years (per month).
// Buckets are in UTC, as every timestamp of the lake.
import type { PositionDef, StringFieldDef } from 'vega-lite/types_unstable/channeldef.js';

export interface TimeBucket {
  /** As a title says it: "per day", "per 5 minutes". */
  name: string;
  /** Approximate length, to count the buckets a span needs. */
  seconds: number;
  /** Calendar unit for Spark's date_trunc; fixed-length buckets are counted from the epoch instead. */
  calendar?: 'WEEK' | 'MONTH' | 'YEAR';
  /** How a tooltip names the bucket it shows. */
  tooltipTitle: string;
  /** d3 time format for the bucket's start, in tooltips. */
  format: string;
}

const minute = 60;
const hour = 60 * minute;
const day = 24 * hour;

export const timeBuckets: readonly TimeBucket[] = [
  { name: 'minute', seconds: minute, tooltipTitle: 'Minute', format: '%Y-%m-%d %H:%M UTC' },
  { name: '5 minutes', seconds: 5 * minute, tooltipTitle: '5 minutes from', format: '%Y-%m-%d %H:%M UTC' },
  { name: '15 minutes', seconds: 15 * minute, tooltipTitle: '15 minutes from', format: '%Y-%m-%d %H:%M UTC' },
  { name: 'hour', seconds: hour, tooltipTitle: 'Hour', format: '%Y-%m-%d %H:%M UTC' },
  { name: '6 hours', seconds: 6 * hour, tooltipTitle: '6 hours from', format: '%Y-%m-%d %H:%M UTC' },
  { name: 'day', seconds: day, tooltipTitle: 'Day', format: '%Y-%m-%d' },
  { name: 'week', seconds: 7 * day, calendar: 'WEEK', tooltipTitle: 'Week', format: 'week of %Y-%m-%d' },
  { name: 'month', seconds: 30.44 * day, calendar: 'MONTH', tooltipTitle: 'Month', format: '%B %Y' },
  { name: 'year', seconds: 365.25 * day, calendar: 'YEAR', tooltipTitle: 'Year', format: '%Y' },
];

/** The finest bucket that cuts `spanSeconds` into at most `maxBuckets` buckets. */
export function bucketFor(spanSeconds: number, maxBuckets = 300): TimeBucket {
  return timeBuckets.find((bucket) => spanSeconds / bucket.seconds < maxBuckets) ?? (timeBuckets.at(-1) as TimeBucket);
}

/** Spark SQL giving the start of the bucket of the timestamp `column`. */
export function bucketStartSql(bucket: TimeBucket, column: string): string {
  if (bucket.calendar) return `date_trunc('${bucket.calendar}', ${column})`;
  return `timestamp_seconds(floor(unix_seconds(${column}) / ${bucket.seconds}) * ${bucket.seconds})`;
}

/** Spark SQL for the step from one bucket's start to the next (for `sequence`). */
export function bucketIntervalSql(bucket: TimeBucket): string {
  if (bucket.calendar === 'WEEK') return 'INTERVAL 7 DAYS';
  if (bucket.calendar) return `INTERVAL 1 ${bucket.calendar}`;
  return `INTERVAL ${bucket.seconds} SECONDS`;
}

/** The x axis of a time series whose rows carry their bucket's start as `period` (epoch ms). */
export const periodAxis: PositionDef<string> = { field: 'period', type: 'temporal', title: 'Time (UTC)', scale: { type: 'utc' }, axis: { tickCount: 8 } };

/** The tooltip line naming a row's bucket, in UTC. */
export function periodTooltip(bucket: TimeBucket): StringFieldDef<string> {
  return { field: 'period', type: 'temporal', title: bucket.tooltipTitle, timeUnit: 'utcyearmonthdatehoursminutes', format: bucket.format };
}
