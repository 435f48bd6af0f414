// The aggregates of silver that the silver charts draw, computed by Spark: per bucket of time,
// histogram bins, box-plot statistics, reason counts. Only these small results cross into Node —
// never a silver table — and each is bounded: at most ~300 time buckets (times 5 status classes),
// ~40 bins, top N + 1 boxes, one row per quarantine reason.
import type { Row, SparkSession } from '@lake/spark-connect';
import { silverTables } from '../../jobs/catalog.js';
import type { AdEventsRow } from '../silver/ad-events.js';
import type { Histogram } from '../silver/histogram.js';
import type { LikesBoxRow } from '../silver/likes-box-plot.js';
import type { QuarantineRow } from '../silver/quarantine.js';
import type { RequestsRow } from '../silver/requests-over-time.js';
import type { RevenueRow } from '../silver/revenue.js';
import { bucketFor, bucketIntervalSql, bucketStartSql, type TimeBucket } from '../time-buckets.js';
import { othersLabel } from '../top-n.js';
import { histogramStep } from './histogram-step.js';

export interface TimeSeries<T> {
  bucket: TimeBucket;
  rows: T[];
}

export interface SilverAggregates {
  revenue: TimeSeries<RevenueRow>;
  quantities: Histogram;
  prices: Histogram;
  requests: TimeSeries<RequestsRow>;
  likes: LikesBoxRow[];
  adEvents: TimeSeries<AdEventsRow>;
  quarantine: QuarantineRow[];
}

export interface SilverOptions {
  /** Products (post subjects) with a box of their own (default 15). */
  topProducts?: number;
}

const rowsOf = async (session: SparkSession, sql: string): Promise<Row[]> => session.query(sql).collect();
const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const epochMs = (value: unknown): number => (value as Date).getTime();

export async function aggregateSilver(session: SparkSession, options: SilverOptions = {}): Promise<SilverAggregates> {
  // Independent queries run side by side: each is small, and most of its time is Spark's
  // scheduling, which overlaps well.
  const [spans, histograms, likes, quarantine] = await Promise.all([
    timeSpans(session),
    histogramsOf(session),
    likesPerProduct(session, options.topProducts ?? 15),
    quarantineReasons(session),
  ]);
  const [revenue, requests, adEvents] = await Promise.all([
    revenuePer(session, bucketFor(spans.transactions)),
    requestsPer(session, bucketFor(spans.server_logs)),
    adEventsPer(session, bucketFor(spans.ad_events)),
  ]);
  return { revenue, requests, adEvents, likes, quarantine, ...histograms };
}

/** Seconds between the first and the last record of each time series (0 when empty). */
async function timeSpans(session: SparkSession): Promise<Record<'transactions' | 'server_logs' | 'ad_events', number>> {
  const span = (column: string, table: string) => `(SELECT unix_seconds(max(${column})) - unix_seconds(min(${column})) FROM silver_${table})`;
  const [row] = await rowsOf(
    session,
    `SELECT ${span('date_transaction', 'transactions')} AS transactions, ${span('ts', 'server_logs')} AS server_logs, ${span('ts', 'ad_events')} AS ad_events`,
  );
  return { transactions: num(row?.transactions), server_logs: num(row?.server_logs), ad_events: num(row?.ad_events) };
}

async function revenuePer(session: SparkSession, bucket: TimeBucket): Promise<TimeSeries<RevenueRow>> {
  const rows = await rowsOf(
    session,
    `SELECT ${bucketStartSql(bucket, 'date_transaction')} AS period, sum(montant) AS revenue, count(*) AS transactions
     FROM silver_transactions GROUP BY 1 ORDER BY 1`,
  );
  return { bucket, rows: rows.map((r) => ({ period: epochMs(r.period), revenue: num(r.revenue), transactions: num(r.transactions) })) };
}

/** Bins of a round width from 0 to the 99th percentile, for quantities and unit prices. */
async function histogramsOf(session: SparkSession): Promise<{ quantities: Histogram; prices: Histogram }> {
  const [stats] = await rowsOf(
    session,
    `SELECT count(*) AS total, percentile_approx(quantite, 0.99) AS quantite_p99, percentile_approx(prix, 0.99) AS prix_p99 FROM silver_transactions`,
  );
  const total = num(stats?.total);
  const columns = [
    { column: 'quantite', step: histogramStep(num(stats?.quantite_p99), { integers: true }), p99: num(stats?.quantite_p99) },
    { column: 'prix', step: histogramStep(num(stats?.prix_p99), { integers: false }), p99: num(stats?.prix_p99) },
  ];
  // Bin i holds [i × step, (i + 1) × step); bins past the one holding the 99th percentile are
  // left out. The step goes in as a decimal literal, so that DECIMAL prices divide exactly.
  const rows = await rowsOf(
    session,
    columns
      .map(
        ({ column, step, p99 }) =>
          `SELECT '${column}' AS column, CAST(floor(${column} / ${step}) AS BIGINT) AS bin, count(*) AS count
           FROM silver_transactions WHERE floor(${column} / ${step}) <= ${Math.floor(p99 / step)} GROUP BY 2`,
      )
      .join(' UNION ALL '),
  );
  const histogram = (column: string, step: number): Histogram => ({
    step,
    total,
    bins: rows
      .filter((r) => r.column === column)
      .map((r) => ({ bin_start: round(num(r.bin) * step), bin_end: round((num(r.bin) + 1) * step), count: num(r.count) }))
      .sort((a, b) => a.bin_start - b.bin_start),
  });
  return { quantities: histogram('quantite', columns[0]!.step), prices: histogram('prix', columns[1]!.step) };
}

/** Requests per bucket and status class, with 0 where a class had none (a stack needs them). */
async function requestsPer(session: SparkSession, bucket: TimeBucket): Promise<TimeSeries<RequestsRow>> {
  const rows = await rowsOf(
    session,
    `WITH counted AS (
       SELECT ${bucketStartSql(bucket, 'ts')} AS period, concat(CAST(status_code div 100 AS STRING), 'xx') AS status_class, count(*) AS requests
       FROM silver_server_logs GROUP BY 1, 2),
     periods AS (
       SELECT explode(sequence(min(period), max(period), ${bucketIntervalSql(bucket)})) AS period FROM counted),
     classes AS (SELECT DISTINCT status_class FROM counted)
     SELECT p.period, c.status_class, coalesce(n.requests, 0) AS requests
     FROM periods p CROSS JOIN classes c LEFT JOIN counted n ON n.period = p.period AND n.status_class = c.status_class
     ORDER BY 1, 2`,
  );
  return { bucket, rows: rows.map((r) => ({ period: epochMs(r.period), status_class: r.status_class as RequestsRow['status_class'], requests: num(r.requests) })) };
}

/**
 * Box statistics of likes per post for the `top` most discussed subjects, and one box for all the
 * others (when more than one is left): quartiles from Spark's percentile_approx, whiskers at the
 * furthest post within 1.5 × the interquartile range of the box.
 */
async function likesPerProduct(session: SparkSession, top: number): Promise<LikesBoxRow[]> {
  const rows = await rowsOf(
    session,
    `WITH ranked AS (
       SELECT contenu, row_number() OVER (ORDER BY count(*) DESC, contenu) AS rank, count(*) OVER () AS subjects
       FROM silver_social_posts GROUP BY contenu),
     grouped AS (
       SELECT CASE WHEN r.rank <= ${top} OR r.subjects <= ${top + 1} THEN p.contenu END AS contenu, r.subjects, p.likes
       FROM silver_social_posts p JOIN ranked r ON p.contenu = r.contenu),
     boxes AS (
       SELECT contenu, count(*) AS posts, first(subjects) AS subjects, percentile_approx(likes, array(0.25, 0.5, 0.75)) AS q
       FROM grouped GROUP BY contenu),
     fenced AS (
       SELECT *, q[0] - 1.5 * (q[2] - q[0]) AS low, q[2] + 1.5 * (q[2] - q[0]) AS high FROM boxes)
     SELECT f.contenu, f.posts, f.subjects, f.q[0] AS q1, f.q[1] AS median, f.q[2] AS q3,
            min(CASE WHEN g.likes >= f.low THEN g.likes END) AS lower_whisker,
            max(CASE WHEN g.likes <= f.high THEN g.likes END) AS upper_whisker,
            count_if(g.likes < f.low OR g.likes > f.high) AS outliers
     FROM grouped g JOIN fenced f ON g.contenu <=> f.contenu
     GROUP BY f.contenu, f.posts, f.subjects, f.q`,
  );
  return rows.map((r) => ({
    contenu: r.contenu === null ? othersLabel('subjects', num(r.subjects) - top) : String(r.contenu),
    others: r.contenu === null,
    posts: num(r.posts),
    q1: num(r.q1),
    median: num(r.median),
    q3: num(r.q3),
    lower_whisker: num(r.lower_whisker),
    upper_whisker: num(r.upper_whisker),
    outliers: num(r.outliers),
  }));
}

async function adEventsPer(session: SparkSession, bucket: TimeBucket): Promise<TimeSeries<AdEventsRow>> {
  const rows = await rowsOf(
    session,
    `SELECT ${bucketStartSql(bucket, 'ts')} AS period, event_type, count(*) AS events FROM silver_ad_events GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  return { bucket, rows: rows.map((r) => ({ period: epochMs(r.period), event_type: String(r.event_type), events: num(r.events) })) };
}

async function quarantineReasons(session: SparkSession): Promise<QuarantineRow[]> {
  const rows = await rowsOf(
    session,
    silverTables.map((table) => `SELECT '${table}' AS source, reason, count(*) AS records FROM silver_${table}_quarantine GROUP BY reason`).join(' UNION ALL ') +
      ' ORDER BY source, records DESC, reason',
  );
  return rows.map((r) => ({ source: String(r.source), reason: String(r.reason), records: num(r.records) }));
}

/** A bin edge without the float noise of `i × step` (0.30000000000000004). */
function round(value: number): number {
  return Number(value.toPrecision(12));
}
