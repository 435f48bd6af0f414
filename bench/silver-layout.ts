// What a long stream does to `silver/ad_events`, and so to every cycle's duplicate check, which
// reads the key of every row silver holds: a stream appends a small batch a cycle (about 700 an
// hour when busy). Two layouts side by side, taking turns, each a Delta table with silver's
// columns: a partition per bronze batch (the layout before; a partition's one or two files can
// never be compacted), and one unpartitioned table with Delta's auto compaction switched on in the
// session as the stream's silver runs switch it on (the layout now, jobs/silver.ts). For each:
// `appends` appends of `events` rows, each its own batch as a cycle's is, then the duplicate
// check's scan (a cycle's 6 000 new keys semi-joined with the table's keys,
// jobs/silver/duplicates.ts), `repeats` times, and one batch read back by `batch_id` (gold's merge
// reads the batches silver added so). Prints the files, the append times (the largest includes a
// compaction) and the scans' median and spread, and their ratio.
//
//   npm run bench:silver-layout -- [appends, default 300] [events an append, default 3000] [repeats, default 5]
import { loadConfig } from '../control/config.js';
import { WebHdfs, hdfsPath } from '../control/hdfs/webhdfs.js';
import { parseWholeNumber } from '../control/kafka/produce-options.js';
import { SparkSession } from '@lake/spark-connect';
import { columnsDdl, silver } from '../jobs/catalog.js';
import { deltaTable } from '../jobs/delta.js';
import { streamCompactFromFiles } from '../jobs/stream.js';
import { median, spread } from './stats.js';

const appends = parseWholeNumber(process.argv[2] ?? '300', 'appends');
const events = parseWholeNumber(process.argv[3] ?? '3000', 'events');
const repeats = parseWholeNumber(process.argv[4] ?? '5', 'repeats');

/** Each layout's table definition and the session settings its appends run with. */
const layouts = {
  'a partition a batch (before)': { definition: 'PARTITIONED BY (batch_id)', settings: { 'spark.databricks.delta.autoCompact.enabled': false } },
  'one table, auto compaction (now)': {
    definition: '',
    settings: { 'spark.databricks.delta.autoCompact.enabled': true, 'spark.databricks.delta.autoCompact.minNumFiles': streamCompactFromFiles },
  },
};
type Layout = keyof typeof layouts;

const config = loadConfig();
const hdfs = new WebHdfs(config.webHdfs);
const root = `hdfs://127.0.0.1:8020/lake-bench-layout-${Date.now()}`;
const session = await SparkSession.connect(config.sparkRemote);

const columns = { ...silver.ad_events.columns, batch_id: 'STRING' };
/** A batch of `events` rows of silver's ad events, with random event ids. */
const batchRows = (batch: string) =>
  `SELECT uuid() AS event_id, concat('campaign-', id % 20) AS campaign_id, concat('ad-', id % 200) AS ad_id,
     IF(id % 10 = 0, 'click', 'impression') AS event_type, concat('user-', id % 5000) AS user_id,
     TIMESTAMP '2026-12-05 00:00:00' + make_interval(0, 0, 0, 0, 0, 0, id) AS ts, CAST(id % 100 / 100 AS DECIMAL(12,4)) AS cost,
     CAST(id % 3 AS INT) AS kafka_partition, id AS kafka_offset, '${batch}' AS batch_id
   FROM range(${events})`;
const batchId = (n: number) => `20261205T${String(n).padStart(6, '0')}Z-bench`;

const time = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

interface Result {
  files: number;
  appendP50: number;
  appendMax: number;
  scans: number[];
  batchRead: number;
}

async function measure(layout: Layout, uri: string): Promise<Result> {
  const table = deltaTable(uri);
  await session.config.set(layouts[layout].settings);
  await session.sql(`CREATE TABLE ${table} (${columnsDdl(columns)}) USING delta ${layouts[layout].definition}`);
  const appendMs: number[] = [];
  for (let n = 0; n < appends; n++) appendMs.push(await time(() => session.sql(`INSERT INTO ${table}\n${batchRows(batchId(n))}`)));
  const scans: number[] = [];
  for (let n = 0; n < repeats; n++) {
    scans.push(await time(() => session.query(`SELECT count(*) FROM ${table} h LEFT SEMI JOIN (SELECT uuid() AS key FROM range(6000)) v ON h.event_id = v.key`).collect()));
  }
  const batchRead = await time(() => session.query(`SELECT count(*) FROM ${table} WHERE batch_id IN ('${batchId(appends - 1)}')`).collect());
  const [detail] = await (await session.sql(`DESCRIBE DETAIL ${table}`)).collect<{ numFiles: bigint }>();
  return { files: Number(detail?.numFiles), appendP50: median(appendMs), appendMax: Math.max(...appendMs), scans, batchRead };
}

try {
  process.stdout.write(`silver/ad_events after ${appends} appends of ${events} events, ${new Date().toISOString().slice(0, 16)} UTC; scans of 6 000 new keys, ${repeats} each\n\n`);
  const results = new Map<Layout, Result>();
  for (const layout of Object.keys(layouts) as Layout[]) results.set(layout, await measure(layout, `${root}/${results.size}`));
  process.stdout.write('| layout | files | append p50 / max | duplicate check scan: median (min–max) | one batch read |\n| --- | ---: | ---: | ---: | ---: |\n');
  for (const [layout, result] of results) {
    const { files, appendP50, appendMax, scans, batchRead } = result;
    process.stdout.write(`| ${layout} | ${files} | ${seconds(appendP50)} / ${seconds(appendMax)} | ${seconds(median(scans))} (${spread(scans.map((one) => one / 1000), 2)}) | ${seconds(batchRead)} |\n`);
  }
  const [before, now] = [...results.values()] as [Result, Result];
  process.stdout.write(`\nscan before / now: ${(median(before.scans) / median(now.scans)).toFixed(1)}×\n`);
} finally {
  await session.close();
  await hdfs.delete(hdfsPath(root), true);
}
