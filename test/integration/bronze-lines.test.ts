// Silver reads bronze text files in splits (many tasks a file, no executor holding a whole file)
// and must still give every line its exact 1-based physical line number, its raw bytes, and skip
// every oversized line — whatever split size cuts the files, and wherever a split ends relative to
// an oversized line. The files are landed by bronze; the expected lines are computed here, in
// Node, straight from the bytes of each file, never from the code under test.
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type LakeConfig } from '../../control/config.js';
import { WebHdfs, hdfsPath } from '../../control/hdfs/webhdfs.js';
import { RunStore, type BronzeRun } from '../../control/runs/manifest.js';
import { SparkSession, type Row } from '@lake/spark-connect';
import { runBronze } from '../../jobs/bronze.js';
import type { LandedFileWithLines } from '../../jobs/bronze/oversized-lines.js';
import { registerBronzeViews } from '../../jobs/silver/bronze-views.js';

const MiB = 1024 * 1024;
/** The contract's limit: a line whose bytes, with its LF, exceed 16 MiB is too large to be a record. */
const limit = 16 * MiB;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Deterministic pseudo-random numbers: the same files on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/**
 * A file built piece by piece: ordinary lines (varied lengths, CRLF, blank lines, Latin-1 and
 * NUL bytes now and then) up to a given byte offset, and oversized lines placed exactly.
 */
class FileBuilder {
  private parts: Buffer[] = [];
  size = 0;
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = random(seed);
  }

  add(bytes: Buffer | string): this {
    const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
    this.parts.push(buffer);
    this.size += buffer.length;
    return this;
  }

  /** Ordinary lines until the file is exactly `offset` bytes long (the last one cut to fit). */
  fillTo(offset: number, maxLine = 4000): this {
    while (this.size < offset) {
      const left = offset - this.size;
      const roll = this.next();
      let line: Buffer;
      if (roll < 0.03) line = Buffer.from(' \t\r\n');
      else if (roll < 0.05) line = Buffer.from(`l\xe9gacy ${this.size}\n`, 'latin1');
      else if (roll < 0.06) line = Buffer.from(`nul\0${this.size}\r\n`);
      else line = Buffer.from(`${this.size} ${'x'.repeat(Math.floor(this.next() * maxLine))}\n`);
      if (line.length > left) line = Buffer.from(`${'y'.repeat(left - 1)}\n`.slice(-left));
      this.add(line);
    }
    return this;
  }

  /** A line of `bytes` bytes (`fill` repeated), then an LF unless `last`. */
  oversized(bytes: number, fill = 'O', last = false): this {
    return this.add(Buffer.alloc(bytes, fill)).add(last ? '' : '\n');
  }

  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** The server-log files: names in server_logs/, and what each one tests. */
function serverLogFiles(): Record<string, Buffer> {
  return {
    // Many splits of a plain file: a BOM, every kind of ordinary line, no final LF.
    'many-splits.log': new FileBuilder(1).add(BOM).fillTo(6 * MiB + 12345, 600).add('last line, no LF').build(),
    // Against 8 MiB splits: an oversized line starting exactly at a split's start and spanning
    // two more, one whose LF is the first byte of a split, one that ends exactly at a split's end,
    // a blank one, and a last one without LF.
    'oversized-8.log': new FileBuilder(2)
      .fillTo(8 * MiB)
      .oversized(limit + 1000)
      .fillTo(32 * MiB - 5)
      .oversized(limit + 5)
      .fillTo(56 * MiB - 8)
      .oversized(limit + 7)
      .fillTo(73 * MiB)
      .oversized(limit + 2, ' ')
      .oversized(limit + 3, 'Z', true)
      .build(),
    // Against 17 MiB splits (longer than the limit: a split may end inside an oversized line it
    // read from that line's start, or after skipping into it): a split ending 5 MiB into a 30 MiB
    // line (the next one starts and ends inside it), one ending 0.5 MiB before the end of a line
    // that started 16.5 MiB before it (the tail would pass for a line), one ending right before
    // an oversized line's LF, and an oversized line starting exactly where a split ends.
    'oversized-17.log': new FileBuilder(3)
      .fillTo(12 * MiB)
      .oversized(30 * MiB)
      .fillTo(51.5 * MiB)
      .oversized(17 * MiB)
      .fillTo(85 * MiB - limit - 5)
      .oversized(limit + 5)
      .fillTo(102 * MiB)
      .oversized(limit + 10)
      .fillTo(119 * MiB)
      .build(),
    // A BOM, then a line of exactly the limit (with its LF, one byte too many): the BOM is not part
    // of the line. Against splits of limit + 2 bytes, the first split ends inside it, 1 byte after
    // the reader's limit.
    'bom-oversized.log': new FileBuilder(4).add(BOM).oversized(limit).fillTo(limit + 2 * MiB).build(),
    'bom-only.log': BOM,
    'bom-blank.log': Buffer.concat([BOM, Buffer.from(' \t\nsecond\n')]),
    'empty.log': Buffer.alloc(0),
    'odd names/a+b c%25 é.log': Buffer.from('one\n\ntwo\n'),
    // Small enough for a small day's reading file by file: a BOM, every kind of ordinary line, no final LF.
    'small-mixed.log': new FileBuilder(5).add(BOM).fillTo(300 * 1024, 300).add('last line, no LF').build(),
  };
}

/** The social-posts files, for the files view. */
const socialFiles: Record<string, Buffer> = {
  'array.json': Buffer.concat([BOM, Buffer.from('[\n{"a":1},\n{"a":2}\n]\n')]),
  'array-compact.json': Buffer.from('\n  \n  [{"a":1}, {"a":2}]'),
  'lines.jsonl': Buffer.from('\n{"a":1}\n{"a":2}\n'),
  'latin1-array.json': Buffer.from('[{"a":"caf\xe9"}]\n', 'latin1'),
  'oversized-array.json': Buffer.concat([Buffer.from('\n[\n"'), Buffer.alloc(limit + 10, 'q'), Buffer.from('"\n]\n')]),
};

interface ExpectedLine {
  line_number: number;
  bytes: Buffer;
  oversized: boolean;
  blank: boolean;
}

/** The physical lines of a file: cut at LF, without a leading BOM, no empty line after a final LF. */
function physicalLines(file: Buffer): ExpectedLine[] {
  const body = file.subarray(0, 3).equals(BOM) ? file.subarray(3) : file;
  const lines: ExpectedLine[] = [];
  let start = 0;
  while (start < body.length) {
    const lf = body.indexOf(0x0a, start);
    const end = lf === -1 ? body.length : lf;
    const bytes = body.subarray(start, end);
    lines.push({
      line_number: lines.length + 1,
      bytes,
      oversized: bytes.length + (lf === -1 ? 0 : 1) > limit,
      blank: /^[ \t\r\v\f]*$/.test(bytes.toString('latin1')),
    });
    start = end + 1;
  }
  return lines;
}

/** How the lines view must show a line: its text, or `base64:` when it is not UTF-8 or holds a NUL. */
const shown = (bytes: Buffer) => (isUtf8(bytes) && !bytes.includes(0) ? bytes.toString('utf8') : `base64:${bytes.toString('base64')}`);
const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

type LineRow = {
  file: string;
  line_number: number;
  blank: boolean;
  encoding_ok: boolean;
  too_large_bytes: bigint | null;
  /** md5 of `line`, or `line` itself for an oversized line (its prefix). */
  shown: string;
};

describe('bronze lines read in splits', () => {
  const hdfs = new WebHdfs(loadConfig().webHdfs);
  let input: string;
  let config: LakeConfig;
  let runs: BronzeRun[];
  const local = new Map<string, Buffer>();

  beforeAll(async () => {
    input = await mkdtemp(path.join(os.tmpdir(), 'lake-bronze-lines-'));
    config = loadConfig({ ...process.env, LAKE_ROOT: `hdfs://127.0.0.1:8020/lake-test-bronze-lines-${Date.now()}`, LAKE_INPUT: input });
    for (const [folder, files] of [
      ['server_logs', serverLogFiles()],
      ['social', socialFiles],
    ] as const) {
      for (const [name, content] of Object.entries(files)) {
        const at = path.join(input, folder, name);
        await mkdir(path.dirname(at), { recursive: true });
        await writeFile(at, content);
        if (folder === 'server_logs') local.set(name, content);
      }
    }
    const bronze = await runBronze(config, { tables: ['server_logs', 'social_posts'] });
    expect(bronze.outcome).toBe('succeeded');
    runs = await new RunStore(hdfs, hdfsPath(config.lakeRoot)).succeeded('bronze');
  }, 600_000);

  afterAll(async () => {
    await hdfs.delete(hdfsPath(config.lakeRoot), true);
    await rm(input, { recursive: true, force: true });
  });

  /** A session of its own with this split size (none: Spark's default), and the bronze views of `manifests`. */
  async function withViews<T>(splitBytes: number | undefined, use: (session: SparkSession) => Promise<T>, manifests = runs): Promise<T> {
    const session = await SparkSession.connect(config.sparkRemote);
    try {
      if (splitBytes) await session.config.set({ 'spark.sql.files.maxPartitionBytes': splitBytes });
      await registerBronzeViews(session, config, manifests);
      return await use(session);
    } finally {
      await session.close().catch(() => undefined);
    }
  }

  /** Every line of the server-log files as the lines view shows it, and how many splits each file was read in. */
  async function linesAndSplits(session: SparkSession): Promise<{ rows: LineRow[]; splits: Map<string, number> }> {
    const rows = await (
      await session.sql(`SELECT file, line_number, blank, encoding_ok, too_large_bytes,
                                IF(too_large_bytes IS NULL, md5(CAST(line AS BINARY)), line) AS shown
                         FROM bronze_server_logs_lines`)
    ).collect<LineRow>();
    const splits = await (
      await session.sql(`SELECT url_decode(replace(regexp_extract(path, 'batch_id=[^/]+/(.*)$', 1), '+', '%2B')) AS file, count(DISTINCT block_start) AS n
                         FROM bronze_server_logs_read GROUP BY path`)
    ).collect<{ file: string; n: bigint }>();
    return { rows, splits: new Map(splits.map((split) => [split.file, Number(split.n)])) };
  }

  /** The rows of each file are its physical lines, in number, bytes, blankness and size. */
  function expectExactLines(rows: LineRow[], files: ReadonlyMap<string, Buffer> = local): void {
    for (const [name, content] of files) {
      const expected = physicalLines(content);
      const got = rows.filter((row) => row.file === name).sort((a, b) => a.line_number - b.line_number);
      expect(got.map((row) => row.line_number), name).toEqual(expected.map((line) => line.line_number));
      for (const [i, line] of expected.entries()) {
        const row = got[i] as LineRow;
        const where = `${name}:${line.line_number}`;
        expect(row.blank, where).toBe(line.blank);
        if (line.oversized) {
          expect(row.too_large_bytes, where).toBe(BigInt(line.bytes.length));
          // Its first bytes: 1 KiB (the fill is ASCII, so no character is cut).
          expect(Buffer.from(row.shown, 'utf8').equals(line.bytes.subarray(0, 1024)), where).toBe(true);
        } else {
          expect(row.too_large_bytes, where).toBeNull();
          expect(row.encoding_ok, where).toBe(isUtf8(line.bytes) && !line.bytes.includes(0));
          expect(row.shown, where).toBe(md5(shown(line.bytes)));
        }
      }
    }
  }

  const splitSizes: [string, number | undefined][] = [
    ['1 MiB', MiB],
    ['8 MiB', 8 * MiB],
    ['17 MiB', 17 * MiB],
    ['the limit + 2 bytes', limit + 2],
    ["Spark's default", undefined],
  ];

  it.each(splitSizes)('numbers every line exactly, with its bytes, in splits of %s', async (_, splitBytes) => {
    const { rows, splits } = await withViews(splitBytes, linesAndSplits);
    expectExactLines(rows);
    // Each file larger than a split was read in more than one.
    if (splitBytes) for (const [name, content] of local) if (content.length > splitBytes * 1.5) expect(splits.get(name), name).toBeGreaterThan(1);
  });

  it('reads files whole when a bronze run did not record where its oversized lines start, still exactly', async () => {
    const legacy = runs.map((run) => structuredClone(run));
    for (const file of legacy.flatMap((run) => (run.files?.server_logs?.landed ?? []) as LandedFileWithLines[])) {
      for (const line of file.oversizedLines ?? []) delete line.start;
    }
    const { rows, splits } = await withViews(MiB, linesAndSplits, legacy);
    expectExactLines(rows);
    for (const [name, n] of splits) expect(n, name).toBe(1);
  });

  describe("a small day's few small files, kept on the executors", () => {
    const small = () => new Map([...local].filter(([, content]) => content.length <= MiB));
    /** The bronze runs as if they had landed only the small server-log files. */
    const smallRuns = () =>
      runs.map((run) => {
        const copy = structuredClone(run);
        const logs = copy.files?.server_logs;
        if (logs) logs.landed = logs.landed.filter((file) => file.size <= MiB);
        return copy;
      });
    const keptViews = async <T>(splitBytes: number | undefined, use: (session: SparkSession) => Promise<T>): Promise<T> => {
      const session = await SparkSession.connect(config.sparkRemote);
      try {
        if (splitBytes) await session.config.set({ 'spark.sql.files.maxPartitionBytes': splitBytes });
        await registerBronzeViews(session, config, smallRuns(), { tables: ['server_logs'], materializeIn: `${config.lakeRoot}/_scratch` });
        return await use(session);
      } finally {
        await session.close().catch(() => undefined);
      }
    };

    /** The lines of the small files as the kept views show them, and whether the splits' views were made. */
    const keptLines = (splitBytes: number | undefined) =>
      keptViews(splitBytes, async (session) => ({
        rows: await (
          await session.sql(`SELECT file, line_number, blank, encoding_ok, too_large_bytes, md5(CAST(line AS BINARY)) AS shown FROM bronze_server_logs_lines`)
        ).collect<LineRow>(),
        bySplits: (await (await session.sql(`SHOW VIEWS LIKE 'bronze_server_logs_splits'`)).collect()).length > 0,
      }));

    it('numbers every line exactly, reading each file on its own', async () => {
      expect([...small().keys()]).toContain('small-mixed.log');
      const { rows, bySplits } = await keptLines(undefined);
      expectExactLines(rows, small());
      expect(rows.length).toBe([...small().values()].reduce((sum, content) => sum + physicalLines(content).length, 0));
      expect(bySplits).toBe(false);
    });

    it('numbers them by their splits when Spark reads a file in more than one piece', async () => {
      const { rows, bySplits } = await keptLines(64 * 1024);
      expectExactLines(rows, small());
      expect(bySplits).toBe(true);
    });
  });

  it('reads the lines in place: the per-split facts are broadcast to them, the lines are never shuffled', async () => {
    const plan = await withViews(MiB, async (session) => (await session.sql('SELECT * FROM bronze_server_logs_lines')).explain('simple'));
    // The plan prints a join's probe side (the lines) before its build side: every shuffle must
    // come after the first broadcast, under it (the per-split counts), none on the lines' side.
    const lines = plan.split('\n');
    const broadcast = lines.findIndex((line) => line.includes('BroadcastExchange'));
    const shuffles = lines.flatMap((line, i) => (/\bExchange\b/.test(line) && !line.includes('BroadcastExchange') ? [i] : []));
    expect(plan).toContain('BroadcastHashJoin');
    expect(broadcast).toBeGreaterThan(-1);
    expect(shuffles.length).toBeGreaterThan(0);
    for (const at of shuffles) expect(at, lines[at]).toBeGreaterThan(broadcast);
  });

  it('tells what each file is without putting any of them together', async () => {
    const plan = await withViews(MiB, async (session) => (await session.sql('SELECT * FROM bronze_social_posts_file_facts')).explain('simple'));
    expect(plan).not.toMatch(/collect_list/);
  });

  it('gives each file its first non-blank line and layout, and puts together only an array file parsed whole', async () => {
    const { facts, layouts, documents } = await withViews(MiB, async (session) => {
      const rows = async <T extends Row>(sql: string) => (await session.sql(sql)).collect<T>();
      return {
        facts: await rows<{ file: string; first_line: string; is_array: boolean; encoding_ok: boolean; too_large_bytes: bigint | null; final_newline: boolean | null; fits_one_record: boolean }>(
          'SELECT file, first_line, is_array, encoding_ok, too_large_bytes, final_newline, fits_one_record FROM bronze_social_posts_file_facts',
        ),
        layouts: await rows<{ file: string; one_element_a_line: boolean }>('SELECT file, one_element_a_line FROM social_posts_array_layouts'),
        documents: await rows<{ file: string; unreadable: string | null; content: string; one_array: boolean }>(
          'SELECT file, unreadable, content, elements IS NOT NULL AS one_array FROM social_posts_array_documents',
        ),
      };
    });
    const byFile = Object.fromEntries(facts.map((row) => [row.file, row]));
    expect(Object.keys(byFile).sort()).toEqual(Object.keys(socialFiles).sort());
    expect(byFile['array.json']).toEqual({ file: 'array.json', first_line: '[', is_array: true, encoding_ok: true, too_large_bytes: null, final_newline: true, fits_one_record: true });
    expect(byFile['array-compact.json']).toMatchObject({ first_line: '  [{"a":1}, {"a":2}]', is_array: true, final_newline: false });
    expect(byFile['lines.jsonl']).toMatchObject({ first_line: '{"a":1}', is_array: false, encoding_ok: true });
    expect(byFile['latin1-array.json']).toMatchObject({ is_array: true, encoding_ok: false });
    const oversized = socialFiles['oversized-array.json'] as Buffer;
    expect(byFile['oversized-array.json']).toMatchObject({ first_line: '[', is_array: true, too_large_bytes: BigInt(oversized.length), final_newline: null, fits_one_record: false });

    // Only the export laid out one element a line is read line by line.
    expect(Object.fromEntries(layouts.map((row) => [row.file, row.one_element_a_line]))).toEqual({
      'array.json': true,
      'array-compact.json': false,
      'latin1-array.json': false,
      'oversized-array.json': false,
    });
    // The others are parsed whole: the text without its BOM, exactly, final LF or not; never
    // parsed when not UTF-8, or too large (then only the first non-blank line is kept).
    const whole = Object.fromEntries(documents.map(({ file, ...row }) => [file, row]));
    expect(Object.keys(whole).sort()).toEqual(['array-compact.json', 'latin1-array.json', 'oversized-array.json']);
    expect(whole['array-compact.json']).toEqual({ unreadable: null, content: '\n  \n  [{"a":1}, {"a":2}]', one_array: true });
    expect(whole['latin1-array.json']).toMatchObject({ unreadable: 'bad_encoding', one_array: false });
    expect(whole['oversized-array.json']).toEqual({ unreadable: 'record_too_large', content: '[', one_array: false });
  });
});

// Keeps the helpers honest: the expected lines of a small file, by hand.
describe('physicalLines (the test oracle)', () => {
  it('cuts at LF only, drops a leading BOM, and adds no line after a final LF', () => {
    const lines = physicalLines(Buffer.concat([BOM, Buffer.from('a\r\n\n b\nc')]));
    expect(lines.map((line) => [line.line_number, line.bytes.toString(), line.blank])).toEqual([
      [1, 'a\r', false],
      [2, '', true],
      [3, ' b', false],
      [4, 'c', false],
    ]);
    expect(physicalLines(BOM)).toEqual([]);
    expect(physicalLines(Buffer.from('x\n')).length).toBe(1);
  });
});
