// Silver server logs on generated data: `xs` sample plus a few hand-written lines, landed by bronze
// into a lake of its own, then jobs/sql/silver/server_logs.sql run as is. Every record must be
// classified once with the generator's reason counts, hand-written lines must decode to exact
// values, and jobs/sql/gold/status_code_counts.sql must give the expected counts.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, repoRoot } from '../../control/config.js';
import { WebHdfs, hdfsPath } from '../../control/hdfs/webhdfs.js';
import { RunStore } from '../../control/runs/manifest.js';
import { expectedFilePath, generateSample, type ExpectedFiles } from '../../control/sample/index.js';
import { SparkSession, type Row } from '@lake/spark-connect';
import { runBronze } from '../../jobs/bronze.js';
import { registerBronzeViews } from '../../jobs/silver/bronze-views.js';

const id = randomUUID().slice(0, 8);
let input: string;
const config = () => loadConfig({ ...process.env, LAKE_ROOT: `hdfs://127.0.0.1:8020/lake-test-silver-logs-${id}`, LAKE_INPUT: input });

const silverSql = path.join(repoRoot, 'jobs/sql/silver/server_logs.sql');
const goldSql = path.join(repoRoot, 'jobs/sql/gold/status_code_counts.sql');
const handFile = 'zz-hand-written.log';

/** A hand-written line, what silver must make of it (`reason`), and for valid ones the exact row. */
interface HandLine {
  text: string;
  reason: string | null;
  row?: Record<string, unknown>;
}

// In the file, one line each, in this order (line_number = index + 1). `\\"` in these JS strings is
// the two characters `\"` of the log.
const handLines: HandLine[] = [
  {
    // Combined, +0200, escaped quotes in the path and in the user agent.
    text: '192.0.2.10 - alice [17/May/2024:10:05:03 +0200] "GET /recherche?q=\\"rouge\\" HTTP/1.1" 200 2326 "https://shop.example/" "Mozilla/5.0 (compatible; \\"QuoteBot\\"/1.0)"',
    reason: null,
    row: {
      ip: '192.0.2.10',
      ts: '2024-05-17T08:05:03.000Z',
      method: 'GET',
      path: '/recherche?q="rouge"',
      protocol: 'HTTP/1.1',
      status_code: 200,
      bytes: 2326n,
      referer: 'https://shop.example/',
      user_agent: 'Mozilla/5.0 (compatible; "QuoteBot"/1.0)',
    },
  },
  {
    // Common Log Format, a negative offset crossing midnight and a year, `-` bytes.
    text: 'proxy.example.org - - [31/Dec/2023:23:30:00 -0130] "HEAD /index.html HTTP/1.0" 304 -',
    reason: null,
    row: {
      ip: 'proxy.example.org',
      ts: '2024-01-01T01:00:00.000Z',
      method: 'HEAD',
      path: '/index.html',
      protocol: 'HTTP/1.0',
      status_code: 304,
      bytes: 0n,
      referer: null,
      user_agent: null,
    },
  },
  {
    // Request `-` (a client that sent nothing), trailing spaces, an IPv6 client, 29 February.
    text: '2a01:cb08::1 - - [29/Feb/2024:00:00:00 +0000] "-" 408 -   ',
    reason: null,
    row: {
      ip: '2a01:cb08::1',
      ts: '2024-02-29T00:00:00.000Z',
      method: null,
      path: null,
      protocol: null,
      status_code: 408,
      bytes: 0n,
      referer: null,
      user_agent: null,
    },
  },
  {
    // Referer and agent `-`, CRLF ending (the CR is not part of the record's text).
    text: '10.1.2.3 - - [17/May/2024:10:05:03 +0530] "POST /api/panier HTTP/2.0" 201 512 "-" "-"\r',
    reason: null,
    row: {
      ip: '10.1.2.3',
      ts: '2024-05-17T04:35:03.000Z',
      method: 'POST',
      path: '/api/panier',
      protocol: 'HTTP/2.0',
      status_code: 201,
      bytes: 512n,
      referer: null,
      user_agent: null,
    },
  },
  {
    // An escaped backslash ends the agent: the closing quote is a real one. Request `GET /`.
    text: '10.1.2.4 - - [17/May/2024:10:05:03 +0000] "GET /" 400 17 "-" "C:\\\\agent\\\\"',
    reason: null,
    row: { method: null, path: null, protocol: null, status_code: 400, bytes: 17n, referer: null, user_agent: 'C:\\agent\\' },
  },
  {
    // A 34 000-character agent with 4 000 escapes (a regex that recurses per character or per
    // escape overflows the stack on it), trimmed like every value.
    text: `10.1.2.6 - - [17/May/2024:10:05:03 +0000] "GET /long HTTP/1.1" 200 5 "-" "${'Mozilla \\"long\\" '.repeat(2_000)}"`,
    reason: null,
    row: { path: '/long', status_code: 200, user_agent: 'Mozilla "long" '.repeat(2_000).trim() },
  },
  {
    // Values are trimmed before any check, the time inside its brackets too.
    text: '10.1.2.7 - - [ 17/May/2024:10:05:03 +0200 ] "GET / HTTP/1.1" 200 1',
    reason: null,
    row: { ts: '2024-05-17T08:05:03.000Z', status_code: 200, bytes: 1n },
  },
  { text: '   \t', reason: 'blank' },
  { text: '10.1.2.5 - - [17/May/2024:10:05:03 +02:00] "GET / HTTP/1.1" 200 1', reason: 'bad_timestamp:ts' },
  { text: '10.1.2.5 - - [17/may/2024:10:05:03 +0200] "GET / HTTP/1.1" 200 1', reason: 'bad_timestamp:ts' },
  { text: '10.1.2.5 - - [31/Apr/2024:10:05:03 +0200] "GET / HTTP/1.1" 600 x', reason: 'bad_timestamp:ts' },
  { text: '10.1.2.5 - - [17/May/2024:10:05:03 +0200] "GET / HTTP/1.1" 2OO 1', reason: 'bad_integer:status_code' },
  { text: '10.1.2.5 - - [17/May/2024:10:05:03 +0200] "GET / HTTP/1.1" 099 1', reason: 'out_of_range:status_code' },
  { text: '10.1.2.5 - - [17/May/2024:10:05:03 +0200] "GET / HTTP/1.1" 99999999999 1', reason: 'out_of_range:status_code' },
  { text: '10.1.2.5 - - [17/May/2024:10:05:03 +0200] "GET / HTTP/1.1" 200 12kb', reason: 'bad_integer:bytes' },
  { text: '10.1.2.5 - - [17/May/2024:10:05:03 +0200] "GET / HTTP/1.1" 200 +12', reason: 'bad_integer:bytes' },
  { text: '10.1.2.5 - - [17/May/2024:10:05:03 +0200] "GET / HTTP/1.1" 200 99999999999999999999', reason: 'out_of_range:bytes' },
  { text: ' 10.1.2.5 - - [17/May/2024:10:05:03 +0200] "GET / HTTP/1.1" 200 1', reason: 'malformed_row' },
  { text: '10.1.2.5  - - [17/May/2024:10:05:03 +0200] "GET / HTTP/1.1" 200 1', reason: 'malformed_row' },
  { text: '10.1.2.5 - - [17/May/2024:10:05:03 +0200] "GET / HTTP/1.1" 200 1 "-" "Evil "Bot""', reason: 'malformed_row' },
  { text: '10.1.2.5 - - [17/May/2024:10:05:03 +0200] "GET / HTTP/1.1" 200 1 "-"', reason: 'malformed_row' },
  { text: '10.1.2.5 - - [17/May/2024:10:05:03 +0200] "GET / HTTP/1.1" 200 1 "-" "-" 0.042', reason: 'malformed_row' },
  { text: '10.1.2.5 - - [17/May/2024:10:05:03 +0200] "GET / HTTP/1.1" 200 1\t', reason: 'malformed_row' },
];
const handRecords = handLines.filter((line) => line.reason !== 'blank');

const reasonCodes = /^(malformed_row|bad_integer:(status_code|bytes)|out_of_range:(status_code|bytes)|bad_timestamp:ts)$/;

/** BigInt-safe plain values: Spark BIGINT counts come back as bigint. */
const plain = (rows: Row[]) => rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));

describe('silver server logs', () => {
  let expected: ExpectedFiles;
  let session: SparkSession;
  const sql = async (query: string) => (await session.sql(query)).collect();

  beforeAll(async () => {
    input = await mkdtemp(path.join(os.tmpdir(), 'lake-silver-logs-'));
    await generateSample({ outDir: input, scale: 'xs', seed: 7, dirtyRate: 0.02, force: false });
    expected = JSON.parse(await readFile(path.join(input, expectedFilePath), 'utf8')) as ExpectedFiles;
    await writeFile(path.join(input, 'server_logs', handFile), handLines.map((line) => `${line.text}\n`).join(''));

    const manifest = await runBronze(config(), { tables: ['server_logs'] });
    expect(manifest.outcome).toBe('succeeded');
    const runs = await new RunStore(new WebHdfs(config().webHdfs), hdfsPath(config().lakeRoot)).succeeded('bronze');
    session = await SparkSession.connect(config().sparkRemote);
    await registerBronzeViews(session, config(), runs);
    // The file as is, as the silver job submits it.
    await (await session.sql(await readFile(silverSql, 'utf8'))).createOrReplaceTempView('classified_server_logs');
  });

  afterAll(async () => {
    await session?.close();
    await new WebHdfs(config().webHdfs).delete(hdfsPath(config().lakeRoot), true);
    await rm(input, { recursive: true, force: true });
  });

  it('classifies every record once, with the generator reason counts', async () => {
    const source = expected.sources.server_logs;
    const want: Record<string, number> = { ...source.quarantine };
    for (const line of handRecords) if (line.reason) want[line.reason] = (want[line.reason] ?? 0) + 1;
    const counted = plain(await sql('SELECT reason, count(*) AS n FROM classified_server_logs WHERE reason IS NOT NULL GROUP BY reason'));
    expect(Object.fromEntries(counted.map((row) => [row.reason, row.n]))).toEqual(want);
    for (const reason of Object.keys(want)) expect(reason).toMatch(reasonCodes);

    const [totals] = plain(
      await sql(`SELECT count(*) AS records, count_if(reason IS NULL) AS silver,
                        count(DISTINCT batch_id, source_file, line_number) AS distinct_origins
                 FROM classified_server_logs`),
    );
    const handValid = handRecords.filter((line) => line.reason === null).length;
    expect(totals).toEqual({
      records: source.bronze_records + handRecords.length,
      silver: source.silver_rows + handValid,
      distinct_origins: source.bronze_records + handRecords.length,
    });
  });

  it('fills the origin columns and classifies no blank line', async () => {
    const [origins] = plain(
      await sql(`SELECT count_if(batch_id IS NULL OR source_file IS NULL OR line_number IS NULL OR raw_record IS NULL) AS missing_origin,
                        count_if(element_index IS NOT NULL OR kafka_partition IS NOT NULL OR kafka_offset IS NOT NULL) AS foreign_origin,
                        count_if(raw_record RLIKE '^\\\\s*$') AS blank,
                        count(DISTINCT source_file) AS files
                 FROM classified_server_logs`),
    );
    expect(origins).toEqual({ missing_origin: 0, foreign_origin: 0, blank: 0, files: expected.sources.server_logs.files.length + 1 });

    // Blank lines are not records: the lines of bronze are the records plus the blank lines.
    const [lines] = plain(await sql('SELECT count(*) AS lines FROM bronze_server_logs_lines'));
    const blank = expected.sources.server_logs.blank_lines + handLines.length - handRecords.length;
    expect(lines?.lines).toBe(expected.sources.server_logs.bronze_records + handRecords.length + blank);
  });

  it('gives the silver columns their types, then the origin columns', async () => {
    const schema = await sql('DESCRIBE QUERY SELECT * FROM classified_server_logs');
    const columns = schema.map((row) => `${String(row.col_name)} ${String(row.data_type)}`);
    expect(columns).toEqual([
      'ip string',
      'ts timestamp',
      'method string',
      'path string',
      'protocol string',
      'status_code int',
      'bytes bigint',
      'referer string',
      'user_agent string',
      'reason string',
      'raw_record string',
      'batch_id string',
      'source_file string',
      'line_number int',
      'element_index int',
      'kafka_partition int',
      'kafka_offset bigint',
    ]);
  });

  it('decodes the hand-written lines to exact values', async () => {
    const rows = await sql(`SELECT * FROM classified_server_logs WHERE source_file = '${handFile}' ORDER BY line_number`);
    const byLine = new Map(rows.map((row) => [row.line_number as number, row]));
    expect(rows).toHaveLength(handRecords.length);
    handLines.forEach((line, index) => {
      const row = byLine.get(index + 1);
      if (line.reason === 'blank') {
        expect(row).toBeUndefined();
        return;
      }
      expect({ line: index + 1, reason: row?.reason }).toEqual({ line: index + 1, reason: line.reason });
      // raw_record: the line as in bronze, CR included.
      expect(row?.raw_record).toBe(line.text);
      if (line.row) {
        const got = Object.fromEntries(Object.keys(line.row).map((key) => [key, row?.[key] instanceof Date ? (row[key] as Date).toISOString() : row?.[key]]));
        expect(got).toEqual(line.row);
      }
    });
    // A malformed line keeps no field; a bad status keeps the good ones before it.
    const malformed = rows.filter((row) => row.reason === 'malformed_row');
    expect(malformed.every((row) => row.ip === null && row.ts === null && row.status_code === null)).toBe(true);
    const badStatus = rows.find((row) => row.reason === 'bad_integer:status_code');
    expect(badStatus).toMatchObject({ ip: '10.1.2.5', method: 'GET', path: '/', status_code: null, bytes: 1n });
  });

  it('is deterministic', async () => {
    const digest = 'SELECT count(*) AS n, sum(hash(*)) AS h FROM classified_server_logs';
    const first = await sql(digest);
    const second = await sql(digest);
    expect(second).toEqual(first);
  });

  it('counts requests per status code in gold', async () => {
    await session.sql(`CREATE OR REPLACE TEMP VIEW silver_server_logs AS
      SELECT ip, ts, method, path, protocol, status_code, bytes, referer, user_agent FROM classified_server_logs WHERE reason IS NULL`);
    const gold = await session.sql(await readFile(goldSql, 'utf8'));
    const counts = new Map(expected.gold.status_code_counts.map((row) => [row.status_code, row.count_requests]));
    for (const line of handRecords) {
      const status = line.row?.status_code as number | undefined;
      if (line.reason === null && status !== undefined) counts.set(status, (counts.get(status) ?? 0) + 1);
    }
    const want = [...counts].sort(([a], [b]) => a - b).map(([status_code, count_requests]) => ({ status_code, count_requests }));
    expect(plain(await gold.collect())).toEqual(want);
  });
});
