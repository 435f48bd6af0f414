// Re-reads a generated xs sample with a plain, separate reading of the data contract (and of the
// decisions written in transactions.ts, server-logs.ts and social-posts.ts), and checks that the
// expected results the generator tracked while writing are what the files really hold.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExpectedFiles, ExpectedGold, ExpectedSource } from './expected.js';
import { generateSample } from './generate.js';

interface Reading {
  records: number;
  blankLines: number;
  silver: number;
  reasons: Record<string, number>;
  files: { path: string; records: number; blank_lines: number }[];
}

function newReading(): Reading {
  return { records: 0, blankLines: 0, silver: 0, reasons: {}, files: [] };
}

function count(reading: Reading, reason: string | null): void {
  reading.records++;
  if (reason === null) reading.silver++;
  else reading.reasons[reason] = (reading.reasons[reason] ?? 0) + 1;
}

/** The physical lines of a file, without BOM; a final line break does not start another line. */
function linesOf(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

const isBlank = (line: string) => /^\s*$/.test(line);

async function inputFiles(root: string, folder: string): Promise<string[]> {
  return (await readdir(path.join(root, folder))).filter((name) => !name.startsWith('.')).sort();
}

/** One CSV line, strictly by RFC 4180: throws on a stray or unterminated quote. */
function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let at = 0;
  for (;;) {
    if (line[at] === '"') {
      let value = '';
      at++;
      for (;;) {
        const quote = line.indexOf('"', at);
        if (quote < 0) throw new Error(`unterminated quote: ${line}`);
        value += line.slice(at, quote);
        at = quote + 1;
        if (line[at] !== '"') break;
        value += '"';
        at++;
      }
      fields.push(value);
    } else {
      const comma = line.indexOf(',', at);
      const end = comma < 0 ? line.length : comma;
      if (line.slice(at, end).includes('"')) throw new Error(`quote inside an unquoted field: ${line}`);
      fields.push(line.slice(at, end));
      at = end;
    }
    if (at === line.length) return fields;
    if (line[at] !== ',') throw new Error(`text after a closing quote: ${line}`);
    at++;
    if (at === line.length) return [...fields, ''];
  }
}

const monthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function realDateTime(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): boolean {
  if (hour > 23 || minute > 59 || second > 59) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DDTHH:MM:SS` with optional `Z` or `±HH:MM`. */
function contractTimestamp(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:([ T])(\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{2}:\d{2})?)?$/.exec(text);
  if (!match) return false;
  if (match[8] && match[4] !== 'T') return false;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 5, 6, 7].map((i) => Number(match[i] ?? 0)) as [number, number, number, number, number, number];
  return realDateTime(year, month, day, hour, minute, second);
}

function readTransactions(files: string[], texts: string[]) {
  const reading = newReading();
  const kept = new Set<string>();
  const sales = new Map<string, { cents: bigint; transactions: number; quantity: number }>();
  files.forEach((file, index) => {
    const [headerLine, ...rows] = linesOf(texts[index] as string);
    const header = parseCsvLine(headerLine as string).map((name) => name.trim().toLowerCase());
    let records = 0;
    let blanks = 0;
    for (const line of rows) {
      if (isBlank(line)) {
        blanks++;
        continue;
      }
      records++;
      const fields = parseCsvLine(line);
      const value = (column: string) => (header.includes(column) ? (fields[header.indexOf(column)] as string).trim() : '');
      const reason = ((): string | null => {
        if (fields.length !== header.length) return 'malformed_row';
        if (!value('transaction_id')) return 'missing_required:transaction_id';
        if (!value('produit')) return 'missing_required:produit';
        const quantite = value('quantite');
        if (!quantite) return 'missing_required:quantite';
        if (!/^[+-]?\d+$/.test(quantite)) return 'bad_integer:quantite';
        if (Number(quantite) < 1 || Number(quantite) > 1_000_000) return 'out_of_range:quantite';
        const prix = value('prix');
        if (!prix) return 'missing_required:prix';
        const price = /^([+-]?)(\d+)(?:[.,](\d{1,2}))?$/.exec(prix);
        if (!price) return 'bad_decimal:prix';
        const cents = (price[1] === '-' ? -1 : 1) * (Number(price[2]) * 100 + Number((price[3] ?? '').padEnd(2, '0')));
        if (cents < 0 || cents > 100_000_000) return 'out_of_range:prix';
        const date = value('date_transaction');
        if (!date) return 'missing_required:date_transaction';
        if (!contractTimestamp(date)) return 'bad_timestamp:date_transaction';
        if (kept.has(value('transaction_id'))) return 'duplicate:transaction_id';
        kept.add(value('transaction_id'));
        const product = sales.get(value('produit')) ?? { cents: 0n, transactions: 0, quantity: 0 };
        product.cents += BigInt(Number(quantite)) * BigInt(cents);
        product.transactions++;
        product.quantity += Number(quantite);
        sales.set(value('produit'), product);
        return null;
      })();
      count(reading, reason);
    }
    reading.blankLines += blanks;
    reading.files.push({ path: `transactions/${file}`, records, blank_lines: blanks });
  });
  const gold: ExpectedGold['total_sales_per_product'] = [...sales]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([produit, s]) => ({
      produit,
      total_ventes: `${s.cents / 100n}.${String(s.cents % 100n).padStart(2, '0')}`,
      nb_transactions: s.transactions,
      quantite_totale: s.quantity,
    }));
  return { reading, gold };
}

const quoted = String.raw`"((?:[^"\\]|\\.)*)"`;
const logLine = new RegExp(String.raw`^(\S+) (\S+) (\S+) \[([^\]]*)\] ${quoted} (\S+) (\S+)(?: ${quoted} ${quoted})? *$`);

function readServerLogs(files: string[], texts: string[]) {
  const reading = newReading();
  const statuses = new Map<number, number>();
  files.forEach((file, index) => {
    let records = 0;
    let blanks = 0;
    for (const line of linesOf(texts[index] as string)) {
      if (isBlank(line)) {
        blanks++;
        continue;
      }
      records++;
      const reason = ((): string | null => {
        const match = logLine.exec(line);
        if (!match) return 'malformed_row';
        const time = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) [+-]\d{4}$/.exec(match[4] as string);
        const month = time ? monthNames.indexOf(time[2] as string) + 1 : 0;
        if (!time || month === 0 || !realDateTime(Number(time[3]), month, Number(time[1]), Number(time[4]), Number(time[5]), Number(time[6]))) {
          return 'bad_timestamp:ts';
        }
        if (!/^\d+$/.test(match[6] as string)) return 'bad_integer:status_code';
        const status = Number(match[6]);
        if (status < 100 || status > 599) return 'out_of_range:status_code';
        if (match[7] !== '-' && !/^\d+$/.test(match[7] as string)) return 'bad_integer:bytes';
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        return null;
      })();
      count(reading, reason);
    }
    reading.blankLines += blanks;
    reading.files.push({ path: `server_logs/${file}`, records, blank_lines: blanks });
  });
  const gold: ExpectedGold['status_code_counts'] = [...statuses].sort(([a], [b]) => a - b).map(([status_code, count_requests]) => ({ status_code, count_requests }));
  return { reading, gold };
}

/** A record of a JSON source: its text as written, and its parsed value (undefined: not JSON). */
interface JsonRecord {
  raw: string;
  value: unknown;
}

/** The literal a number field was written with (JSON.parse turns `3.0` into 3). */
function numberLiteral(raw: string, key: string): string | undefined {
  return new RegExp(String.raw`"${key}"\s*:\s*(-?[0-9][0-9.eE+-]*)`).exec(raw)?.[1];
}

function readSocialPosts(files: string[], texts: string[]) {
  const reading = newReading();
  const kept = new Set<string>();
  const likes = new Map<string, { likes: bigint; posts: number }>();
  files.forEach((file, index) => {
    const text = texts[index] as string;
    const lines = linesOf(text);
    let records: JsonRecord[];
    let blanks = 0;
    if (text.trimStart().startsWith('[')) {
      // Array files are written an element a line: the lines give each element's literal text.
      const elements = JSON.parse(text) as unknown[];
      const elementLines = lines.slice(1, -1).map((line) => line.replace(/,$/, ''));
      expect(elementLines).toHaveLength(elements.length);
      records = elements.map((value, i) => ({ raw: elementLines[i] as string, value }));
    } else {
      records = [];
      for (const line of lines) {
        if (isBlank(line)) blanks++;
        else {
          let value: unknown;
          try {
            value = JSON.parse(line);
          } catch {
            value = undefined;
          }
          records.push({ raw: line, value });
        }
      }
    }
    for (const { raw, value } of records) {
      const reason = ((): string | null => {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'malformed_json';
        const post = value as Record<string, unknown>;
        const id = post.post_id;
        const integerId = typeof id === 'number' && /^\d+$/.test(numberLiteral(raw, 'post_id') ?? '');
        if (!((typeof id === 'string' && id !== '') || integerId)) return 'missing_required:post_id';
        if (typeof post.contenu !== 'string' || post.contenu.trim() === '') return 'missing_required:contenu';
        for (const field of ['likes', 'partages']) {
          const count = post[field];
          if (count === undefined || count === null) continue;
          if (typeof count !== 'number' || !/^-?\d+$/.test(numberLiteral(raw, field) ?? '')) return `bad_integer:${field}`;
          if (count < 0) return `out_of_range:${field}`;
        }
        const date = post.date_publication;
        if (date !== undefined && date !== null && (typeof date !== 'string' || !contractTimestamp(date))) return 'bad_timestamp:date_publication';
        if (kept.has(String(id))) return 'duplicate:post_id';
        kept.add(String(id));
        const subject = likes.get(post.contenu.trim()) ?? { likes: 0n, posts: 0 };
        subject.likes += BigInt((post.likes as number | null | undefined) ?? 0);
        subject.posts++;
        likes.set(post.contenu.trim(), subject);
        return null;
      })();
      count(reading, reason);
    }
    reading.blankLines += blanks;
    reading.files.push({ path: `social/${file}`, records: records.length, blank_lines: blanks });
  });
  const gold: ExpectedGold['avg_likes_per_product'] = [...likes]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([contenu, s]) => {
      // Half-up to 2 decimals, in hundredths: floor((200·Σ + n) / 2n).
      const hundredths = (s.likes * 200n + BigInt(s.posts)) / (2n * BigInt(s.posts));
      return { contenu, avg_likes: `${hundredths / 100n}.${String(hundredths % 100n).padStart(2, '0')}`, nb_posts: s.posts };
    });
  return { reading, gold };
}

function expectSource(expected: ExpectedSource, reading: Reading): void {
  expect(reading.files).toEqual(expected.files.map(({ path, records, blank_lines }) => ({ path, records, blank_lines })));
  expect({ records: reading.records, blank: reading.blankLines, silver: reading.silver, reasons: reading.reasons }).toEqual({
    records: expected.bronze_records,
    blank: expected.blank_lines,
    silver: expected.silver_rows,
    reasons: expected.quarantine,
  });
}

describe('the expected results of a generated sample', () => {
  let root: string;
  let expected: ExpectedFiles;
  const read = async (folder: string) => {
    const files = await inputFiles(root, folder);
    return { files, texts: await Promise.all(files.map((file) => readFile(path.join(root, folder, file), 'utf8'))) };
  };

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'lake-sample-'));
    await generateSample({ outDir: root, scale: 'xs', seed: 2024, dirtyRate: 0.02, force: false });
    expected = JSON.parse(await readFile(path.join(root, '_expected', 'files.json'), 'utf8')) as ExpectedFiles;
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('match the transactions files, which are strict RFC 4180 line by line', async () => {
    const { files, texts } = await read('transactions');
    const { reading, gold } = readTransactions(files, texts);
    expectSource(expected.sources.transactions, reading);
    expect(gold).toEqual(expected.gold.total_sales_per_product);
  });

  it('match the server logs', async () => {
    const { files, texts } = await read('server_logs');
    const { reading, gold } = readServerLogs(files, texts);
    expectSource(expected.sources.server_logs, reading);
    expect(gold).toEqual(expected.gold.status_code_counts);
  });

  it('match the social posts', async () => {
    const { files, texts } = await read('social');
    const { reading, gold } = readSocialPosts(files, texts);
    expectSource(expected.sources.social_posts, reading);
    expect(gold).toEqual(expected.gold.avg_likes_per_product);
  });

  it('give each file its real size and SHA-256, and list the hidden files no source may read', async () => {
    for (const source of Object.values(expected.sources)) {
      for (const file of source.files) {
        const bytes = await readFile(path.join(root, file.path));
        expect({ path: file.path, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }).toEqual({
          path: file.path,
          bytes: file.bytes,
          sha256: file.sha256,
        });
      }
    }
    const hidden: string[] = [];
    for (const folder of ['transactions', 'server_logs', 'social']) {
      hidden.push(...(await readdir(path.join(root, folder))).filter((name) => name.startsWith('.')).map((name) => `${folder}/${name}`));
    }
    expect(hidden.sort()).toEqual(expected.ignored_files);
    expect(hidden.length).toBeGreaterThan(0);
  });
});
