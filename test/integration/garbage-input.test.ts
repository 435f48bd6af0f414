// Garbage input against the real stack: random bytes, empty files, a 64 MB single line, wrong
// encodings, a CSV with only a header, JSON with nesting where scalars belong, Kafka values that
// are not JSON. No job may crash; every such record is quarantined with a stable reason and
// counted, and the conservation law (bronze records = silver rows + quarantined) still holds.
// Then a 1 GB single line, on a lake of its own.
import { publishedTableSql } from '../../control/runs/published.js';
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type LakeConfig } from '../../control/config.js';
import { WebHdfs, hdfsPath } from '../../control/hdfs/webhdfs.js';
import { createKafka } from '../../control/kafka/client.js';
import type { BronzeRun, SilverRun } from '../../control/runs/manifest.js';
import { SparkSession } from '@lake/spark-connect';
import { runBronze } from '../../jobs/bronze.js';
import { runSilver } from '../../jobs/silver.js';
import { LakeFixture } from './support/lake-fixture.js';

/** Deterministic pseudo-random bytes (SHA-256 in counter mode): the same garbage on every run. */
function garbageBytes(size: number, seed: string): Buffer {
  const out = Buffer.alloc(size);
  for (let offset = 0, counter = 0; offset < size; counter++) {
    offset += createHash('sha256').update(`${seed}:${counter}`).digest().copy(out, offset);
  }
  return out;
}

/** Writes `head`, then `size` bytes of `fill`, then `tail`, streamed (a single line of any size). */
async function writeLongLine(file: string, head: string, fill: string, size: number, tail: string): Promise<void> {
  const stream = createWriteStream(file);
  const chunk = Buffer.alloc(8 * 1024 * 1024, fill);
  // events.once rejects on 'error' and removes its listeners either way (a listener a chunk piled up).
  const write = async (data: Buffer | string) => {
    if (!stream.write(data)) await once(stream, 'drain');
  };
  await write(head);
  for (let left = size; left > 0; left -= chunk.length) await write(left >= chunk.length ? chunk : chunk.subarray(0, left));
  await write(tail);
  await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/**
 * A JSON array of `count` valid posts of more than 16 MiB (ids `<prefix><i>`, padded), one element a
 * line as exports write them, or `indented` over several lines each, as a pretty-printer does.
 */
function postsArray(prefix: string, count: number, indented: boolean): Buffer {
  const pad = 'p'.repeat(40);
  const posts = Array.from({ length: count }, (_, i) =>
    indented ? `  {\n    "post_id": "${prefix}${i}",\n    "contenu": "Produit A",\n    "texte": "${pad}"\n  }` : `{"post_id":"${prefix}${i}","contenu":"Produit A","texte":"${pad}"}`,
  );
  return Buffer.from(`[\n${posts.join(',\n')}\n]\n`);
}
const bigArrayPosts = 200_000;

const latin1 = (text: string) => Buffer.from(text, 'latin1');
const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const header = 'transaction_id,client_id,produit,quantite,prix,date_transaction';
const logLine = (path: string) => `10.0.0.1 - - [17/May/2026:10:05:03 +0000] "GET ${path} HTTP/1.1" 200 12 "-" "curl/8"`;
const bigLineBytes = 64 * 1024 * 1024;
const quarantineCodes = /^(malformed_row|malformed_json|bad_encoding|record_too_large|missing_required:\w+|bad_integer:\w+|bad_decimal:\w+|bad_timestamp:\w+|out_of_range:\w+|bad_event_type|duplicate:\w+)$/;

/** The garbage files of each source folder (under `zz-garbage/`), and what silver must make of them. */
interface GarbageFile {
  name: string;
  content?: Buffer;
  /** For files too large to hold: written streamed. */
  write?: (file: string) => Promise<void>;
  /** Records in the file when it is not one a non-blank line (a JSON array file). */
  records?: number;
  /** Exactly these reasons; `random` files: only quarantined, in any valid reason. */
  reasons?: Record<string, number>;
  silverRows?: number;
}

const garbage: Record<'transactions' | 'server_logs' | 'social', GarbageFile[]> = {
  transactions: [
    { name: 'random.bin', content: garbageBytes(64 * 1024, 'transactions') },
    { name: 'empty.csv', content: Buffer.alloc(0), reasons: {} },
    { name: 'header-only.csv', content: Buffer.from(`${header}\r\n`), reasons: {} },
    { name: 'header-only-no-newline.csv', content: Buffer.from(`\ufeff${header}`), reasons: {} },
    {
      name: 'latin1.csv',
      content: Buffer.concat([Buffer.from(`${header}\n`), latin1('GARBAGE-1,c1,Caf\xe9,1,2.00,2026-01-01\n'), Buffer.from('GARBAGE-2,c1,Produit A,1,2.00,2026-01-01\n')]),
      reasons: { bad_encoding: 1 },
      silverRows: 1,
    },
    // UTF-16 ends each line with 0A 00: the 00 starts one more (non-blank) line after the last LF.
    { name: 'utf16.csv', content: utf16(`${header}\r\nGARBAGE-3,c1,Produit A,1,2.00,2026-01-01\r\nGARBAGE-4,c1,Produit B,1,2.00,2026-01-01\r\n`), reasons: { bad_encoding: 3 } },
    {
      name: 'nul.csv',
      content: Buffer.from(`${header}\nGARBAGE-5,c1,Produit\0A,1,2.00,2026-01-01\n`),
      reasons: { bad_encoding: 1 },
    },
    {
      name: 'big-line.csv',
      write: (file) => writeLongLine(file, `${header}\nGARBAGE-6,c1,`, 'A', bigLineBytes, ',1,2.00,2026-01-01\nGARBAGE-7,c1,Produit A,1,2.00,2026-01-01\n'),
      reasons: { record_too_large: 1 },
      silverRows: 1,
    },
  ],
  server_logs: [
    { name: 'random.log', content: garbageBytes(64 * 1024, 'server_logs') },
    { name: 'empty.log', content: Buffer.alloc(0), reasons: {} },
    { name: 'latin1.log', content: Buffer.concat([latin1(`${logLine('/caf\xe9')}\n`), Buffer.from(`${logLine('/ok')}\n`)]), reasons: { bad_encoding: 1 }, silverRows: 1 },
    { name: 'utf16.log', content: utf16(`${logLine('/a')}\n${logLine('/b')}\n`), reasons: { bad_encoding: 3 } },
    { name: 'nul.log', content: Buffer.from(`${logLine('/a\0b')}\n`), reasons: { bad_encoding: 1 } },
    {
      name: 'big-line.log',
      write: (file) => writeLongLine(file, `${logLine('/before')}\n10.0.0.1 - - [17/May/2026:10:05:03 +0000] "GET /`, 'x', bigLineBytes, ` HTTP/1.1" 200 12\n${logLine('/after')}`),
      reasons: { record_too_large: 1 },
      silverRows: 2,
    },
  ],
  social: [
    // A first byte that is not `[`: JSON Lines, every non-blank line a record.
    { name: 'random.json', content: Buffer.concat([Buffer.from('x'), garbageBytes(64 * 1024, 'social')]) },
    { name: 'empty.json', content: Buffer.alloc(0), reasons: {} },
    { name: 'latin1.json', content: latin1('{"post_id":"G1","contenu":"Caf\xe9"}\n'), reasons: { bad_encoding: 1 } },
    { name: 'utf16.json', content: utf16('{"post_id":"G2","contenu":"Produit A"}\n'), reasons: { bad_encoding: 2 } },
    {
      name: 'nested.jsonl',
      content: Buffer.from(
        [
          '{"post_id":{"id":"G3"},"contenu":"Produit A"}',
          '{"post_id":"G4","contenu":["Produit A"]}',
          '{"post_id":"G5","contenu":"Produit A","likes":{"n":3}}',
          '{"post_id":"G6","contenu":"Produit A","partages":[1,2]}',
          '{"post_id":"G7","contenu":"Produit A","date_publication":{"at":"2026-01-01"}}',
          `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
          `{"post_id":"G8","contenu":"Produit A","texte":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`,
          '{"post_id":"G9","contenu":"Produit A","utilisateur":{"name":"x"},"texte":{"t":[1,2]}}',
        ].join('\n'),
      ),
      reasons: {
        'missing_required:post_id': 1,
        'missing_required:contenu': 1,
        'bad_integer:likes': 1,
        'bad_integer:partages': 1,
        'bad_timestamp:date_publication': 1,
        malformed_json: 2,
      },
      silverRows: 1,
    },
    {
      name: 'nested-array.json',
      content: Buffer.from('[\n{"post_id":{"id":1},"contenu":"Produit A"},\n{"post_id":"G10","contenu":{"c":1}},\n42\n]\n'),
      records: 3,
      reasons: { 'missing_required:post_id': 1, 'missing_required:contenu': 1, malformed_json: 1 },
    },
    // A key given twice in one element: the text is not JSON by the contract's rule, so the file
    // is one record (and bronze's count of the file's records says so too).
    {
      name: 'repeated-key-array.json',
      content: Buffer.from('[\n{"post_id":"G13","contenu":"Produit A"},\n{"post_id":"G14","post_id":"G15","contenu":"Produit A"}\n]\n'),
      records: 1,
      reasons: { malformed_json: 1 },
    },
    // Larger than a record may be (16 MiB): one element a line, every element is a record, read
    // line by line; in another layout, the file would be parsed whole, and is one record instead.
    { name: 'big-array.json', content: postsArray('GA', bigArrayPosts, false), records: bigArrayPosts, reasons: {}, silverRows: bigArrayPosts },
    { name: 'big-indented-array.json', content: postsArray('GB', bigArrayPosts, true), records: 1, reasons: { record_too_large: 1 } },
    {
      name: 'big-line.json',
      write: (file) => writeLongLine(file, '{"post_id":"G11","contenu":"Produit A"}\n{"post_id":"G12","contenu":"', 'y', bigLineBytes, '"}\n'),
      reasons: { record_too_large: 1 },
      silverRows: 1,
    },
  ],
};

const tableOf = { transactions: 'transactions', server_logs: 'server_logs', social: 'social_posts' } as const;

/** Kafka values that are not (good) JSON, and the reason each must get. */
const garbageEvents: { value: Buffer | null; reason: string }[] = [
  { value: garbageBytes(300, 'kafka'), reason: 'malformed_json' },
  { value: Buffer.from('not json at all'), reason: 'malformed_json' },
  { value: Buffer.alloc(0), reason: 'malformed_json' },
  { value: null, reason: 'malformed_json' },
  { value: latin1('{"event_id":"garbage-1","campaign_id":"Caf\xe9","event_type":"click","ts":"2026-01-01T00:00:00Z"}'), reason: 'malformed_json' },
  { value: Buffer.from(`${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`), reason: 'malformed_json' },
  { value: Buffer.alloc(500_000, 'z'), reason: 'malformed_json' },
  { value: Buffer.from('[1,2,3]'), reason: 'malformed_json' },
  { value: Buffer.from('{"event_id":{"id":"garbage-2"},"campaign_id":"c","event_type":"click","ts":"2026-01-01T00:00:00Z"}'), reason: 'missing_required:event_id' },
  { value: Buffer.from('{"event_id":"garbage-3","campaign_id":["c"],"event_type":"click","ts":"2026-01-01T00:00:00Z"}'), reason: 'missing_required:campaign_id' },
  { value: Buffer.from('{"event_id":"garbage-4","campaign_id":"c","event_type":{"t":"click"},"ts":"2026-01-01T00:00:00Z"}'), reason: 'bad_event_type' },
  { value: Buffer.from('{"event_id":"garbage-5","campaign_id":"c","event_type":"click","ts":{"at":1}}'), reason: 'bad_timestamp:ts' },
  { value: Buffer.from('{"event_id":"garbage-6","campaign_id":"c","event_type":"click","ts":"2026-01-01T00:00:00Z","cost":{"eur":1}}'), reason: 'bad_decimal:cost' },
];

async function produceGarbage(config: LakeConfig): Promise<void> {
  const producer = createKafka(config, 'garbage-test').producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
  await producer.connect();
  try {
    await producer.send({ topic: config.kafkaTopic, messages: garbageEvents.map(({ value }, i) => ({ key: `garbage ${i}`, value })) });
  } finally {
    await producer.disconnect();
  }
}

/**
 * Records bronze holds in a garbage file, counted here apart from bronze's own counting: its lines
 * (after a UTF-8 BOM; the last one without an LF too) that hold something other than spaces, tabs,
 * CR, VT or FF, but the header of a CSV.
 */
async function recordsIn(file: string, folder: keyof typeof garbage): Promise<number> {
  let text = (await readFile(file)).toString('latin1');
  if (text.startsWith('\xef\xbb\xbf')) text = text.slice(3);
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const nonBlank = lines.filter((line) => /[^ \t\r\v\f]/.test(line)).length;
  return folder === 'transactions' ? Math.max(0, nonBlank - 1) : nonBlank;
}

describe('garbage input never crashes a job, and every bad record is quarantined with a reason', () => {
  let lake: LakeFixture;
  let session: SparkSession;
  let bronze: BronzeRun;
  let silver: SilverRun;
  const records = new Map<string, number>();
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    lake = await LakeFixture.create({ name: 'garbage' });
    for (const [folder, files] of Object.entries(garbage) as [keyof typeof garbage, GarbageFile[]][]) {
      await mkdir(path.join(lake.config.inputDir, folder, 'zz-garbage'), { recursive: true });
      for (const file of files) {
        const at = path.join(lake.config.inputDir, folder, 'zz-garbage', file.name);
        if (file.write) await file.write(at);
        else await writeFile(at, file.content ?? Buffer.alloc(0));
        records.set(`${folder}/${file.name}`, file.records ?? (await recordsIn(at, folder)));
      }
    }
    await produceGarbage(lake.config);
    let started = Date.now();
    bronze = await runBronze(lake.config);
    timings.bronze = Date.now() - started;
    started = Date.now();
    silver = await runSilver(lake.config);
    timings.silver = Date.now() - started;
    session = await SparkSession.connect(lake.config.sparkRemote);
  });

  afterAll(async () => {
    process.stderr.write(`[garbage] bronze ${timings.bronze} ms, silver ${timings.silver} ms\n`);
    await session?.close().catch(() => undefined);
    await lake?.destroy();
  });

  const quarantined = async (table: string) =>
    (await (await session.sql(`SELECT source_file, reason, count(*) AS n FROM ${publishedTableSql(lake.config, silver.published!, `${table}_quarantine`)} GROUP BY source_file, reason`)).collect<{
      source_file: string | null;
      reason: string;
      n: bigint;
    }>()).map((row) => ({ ...row, n: Number(row.n) }));

  it('lands every garbage file (the empty ones once: they share their content)', () => {
    expect(bronze.outcome).toBe('succeeded');
    const landed = Object.values(bronze.files ?? {}).flatMap((source) => source.landed.map((f) => f.path)).filter((p) => p.startsWith('zz-garbage/'));
    const skipped = Object.values(bronze.files ?? {}).flatMap((source) => source.skipped.map((f) => f.path));
    expect(landed.length + skipped.length).toBe(Object.values(garbage).flat().length);
    expect(skipped.sort()).toEqual(['zz-garbage/empty.json', 'zz-garbage/empty.log']);
  });

  it('keeps the conservation law for every source, and the generated records as the generator expects', () => {
    expect(silver.outcome).toBe('succeeded');
    for (const [table, counts] of Object.entries(silver.silver ?? {})) expect(counts.bronzeRecords, table).toBe(counts.silverRows + counts.quarantined);
    for (const [folder, files] of Object.entries(garbage) as [keyof typeof garbage, GarbageFile[]][]) {
      const table = tableOf[folder];
      const truth = lake.expected.sources[table];
      const garbageRecords = files.reduce((sum, file) => sum + (records.get(`${folder}/${file.name}`) ?? 0), 0);
      const garbageRows = files.reduce((sum, file) => sum + (file.silverRows ?? 0), 0);
      expect(silver.silver?.[table], table).toMatchObject({ bronzeRecords: truth.bronze_records + garbageRecords, silverRows: truth.silver_rows + garbageRows });
    }
  });

  for (const [folder, files] of Object.entries(garbage) as [keyof typeof garbage, GarbageFile[]][]) {
    it(`quarantines each bad record of the ${folder} garbage files with its reason`, async () => {
      const rows = (await quarantined(tableOf[folder])).filter((row) => row.source_file?.startsWith('zz-garbage/'));
      for (const file of files) {
        const mine = rows.filter((row) => row.source_file === `zz-garbage/${file.name}`);
        const reasons = Object.fromEntries(mine.map((row) => [row.reason, row.n]));
        const expectedCount = (records.get(`${folder}/${file.name}`) ?? 0) - (file.silverRows ?? 0);
        expect(mine.reduce((sum, row) => sum + row.n, 0), file.name).toBe(expectedCount);
        if (file.reasons) expect(reasons, file.name).toEqual(file.reasons);
        else for (const reason of Object.keys(reasons)) expect(reason, file.name).toMatch(quarantineCodes);
      }
    });
  }

  it('keeps a record too large to hold as its first bytes, with its whole size in raw_record_bytes', async () => {
    const rows = await (
      await session.sql(`SELECT source_file, line_number, octet_length(raw_record) AS kept, raw_record LIKE 'GARBAGE-6,c1,AAA%' AS starts_right, raw_record_bytes
                         FROM ${publishedTableSql(lake.config, silver.published!, 'transactions_quarantine')} WHERE reason = 'record_too_large'`)
    ).collect<{ source_file: string; line_number: number; kept: number; starts_right: boolean; raw_record_bytes: bigint }>();
    // The data contract's limit and prefix (docs/data-contract.md), by hand: 16 MiB, 1 KiB.
    expect(bigLineBytes).toBeGreaterThan(16 * 1024 * 1024);
    expect(rows).toEqual([
      {
        source_file: 'zz-garbage/big-line.csv',
        line_number: 2,
        kept: 1024,
        starts_right: true,
        raw_record_bytes: BigInt('GARBAGE-6,c1,'.length + bigLineBytes + ',1,2.00,2026-01-01'.length),
      },
    ]);
  });

  it('quarantines every Kafka value that is not a good JSON event, with its reason', async () => {
    const counts = silver.silver?.ad_events;
    expect(counts).toMatchObject({ bronzeRecords: lake.produced.expected.bronze_records + garbageEvents.length });
    const rows = await (
      await session.sql(`SELECT reason, raw_record FROM ${publishedTableSql(lake.config, silver.published!, 'ad_events_quarantine')} WHERE kafka_offset >= 0`)
    ).collect<{ reason: string; raw_record: string | null }>();
    for (const event of garbageEvents) {
      const raw = event.value === null ? null : event.value.toString('utf8') === new TextDecoder('utf-8', { fatal: false }).decode(event.value) && isUtf8(event.value) ? event.value.toString('utf8') : `base64:${event.value.toString('base64')}`;
      expect(rows.filter((row) => row.raw_record === raw).map((row) => row.reason), raw?.slice(0, 60) ?? 'null').toEqual([event.reason]);
    }
  });
});


// A single line of 1 GB: bronze streams it (hash, line facts) without holding it; silver must not
// read it into an executor of 2 GiB. Measured at ~40 s (write, upload, scan) on the 2-core machine,
// under the ~2 min that would have put it behind an env var, so it always runs.
describe('a 1 GB single line', () => {
  const hdfs = new WebHdfs(loadConfig().webHdfs);
  let input: string;
  let config: LakeConfig;

  beforeAll(async () => {
    input = await mkdtemp(path.join(os.tmpdir(), 'lake-huge-'));
    config = loadConfig({ ...process.env, LAKE_ROOT: `hdfs://127.0.0.1:8020/lake-test-huge-${Date.now()}`, LAKE_INPUT: input });
    await mkdir(path.join(input, 'server_logs'), { recursive: true });
    await writeLongLine(path.join(input, 'server_logs', 'huge.log'), `${logLine('/before')}\n10.0.0.1 - - [17/May/2026:10:05:03 +0000] "GET /`, 'h', 1024 ** 3, ` HTTP/1.1" 200 1\n${logLine('/after')}\n`);
  }, 600_000);

  afterAll(async () => {
    await hdfs.delete(hdfsPath(config.lakeRoot), true);
    await rm(input, { recursive: true, force: true });
  });

  it('lands it, and quarantines it as record_too_large while the lines around it are kept', async () => {
    const started = Date.now();
    const bronze = await runBronze(config, { tables: ['server_logs'] });
    const landedMs = Date.now() - started;
    expect(bronze.files?.server_logs?.landed[0]).toMatchObject({ lines: 3, blankLines: 0 });
    const silver = await runSilver(config);
    process.stderr.write(`[garbage] 1 GB line: bronze ${landedMs} ms, silver ${Date.now() - started - landedMs} ms\n`);
    expect(silver.silver?.server_logs).toMatchObject({ bronzeRecords: 3, silverRows: 2, quarantined: 1, reasons: { record_too_large: 1 } });
  }, 900_000);
});
