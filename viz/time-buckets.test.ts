import { describe, expect, it } from 'vitest';
import { bucketFor, bucketIntervalSql, bucketStartSql } from './time-buckets.js';

describe('time buckets', () => {
  it('cut any span into at most 300 buckets, as fine as that allows', () => {
    expect(bucketFor(0).name).toBe('minute');
    expect(bucketFor(90 * 60).name).toBe('minute');
    expect(bucketFor(4 * 86_400).name).toBe('hour');
    expect(bucketFor(120 * 86_400).name).toBe('day');
    expect(bucketFor(3 * 365 * 86_400).name).toBe('week');
    expect(bucketFor(20 * 365 * 86_400).name).toBe('month');
    for (const span of [1, 3_600, 86_400, 1e6, 1e7, 1e8]) expect(span / bucketFor(span).seconds).toBeLessThan(300);
  });

  it('are counted from the epoch, or truncated to the calendar for weeks and longer', () => {
    expect(bucketStartSql(bucketFor(4 * 86_400), 'ts')).toBe('timestamp_seconds(floor(unix_seconds(ts) / 3600) * 3600)');
    expect(bucketStartSql(bucketFor(20 * 365 * 86_400), 'ts')).toBe("date_trunc('MONTH', ts)");
    expect(bucketIntervalSql(bucketFor(3 * 365 * 86_400))).toBe('INTERVAL 7 DAYS');
    expect(bucketIntervalSql(bucketFor(86_400))).toBe('INTERVAL 300 SECONDS');
  });
});
