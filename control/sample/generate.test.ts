import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LakeError } from '../errors.js';
import { LikesTally, SalesTally, StatusTally } from './expected.js';
import type { ExpectedFiles, FileSourceTable } from './expected.js';
import { generateSample } from './generate.js';
import type { GenerateOptions } from './generate.js';
import { Random } from './random.js';
import { serverLogsSource } from './server-logs.js';
import { socialPostsSource } from './social-posts.js';
import { transactionsSource } from './transactions.js';

// Every quarantine reason of the contract that can occur in each file source.
const reasonsBySource: Record<FileSourceTable, string[]> = {
  transactions: [
    'malformed_row',
    'missing_required:transaction_id',
    'missing_required:produit',
    'missing_required:quantite',
    'bad_integer:quantite',
    'out_of_range:quantite',
    'missing_required:prix',
    'bad_decimal:prix',
    'out_of_range:prix',
    'missing_required:date_transaction',
    'bad_timestamp:date_transaction',
    'duplicate:transaction_id',
  ],
  server_logs: ['malformed_row', 'bad_timestamp:ts', 'bad_integer:status_code', 'out_of_range:status_code', 'bad_integer:bytes'],
  social_posts: [
    'malformed_json',
    'missing_required:post_id',
    'missing_required:contenu',
    'bad_integer:likes',
    'out_of_range:likes',
    'bad_integer:partages',
    'out_of_range:partages',
    'bad_timestamp:date_publication',
    'duplicate:post_id',
  ],
};

const kindNames: Record<FileSourceTable, string[]> = {
  transactions: transactionsSource(new Random(0, 'names'), [2], new SalesTally()).kinds.map((kind) => kind.name),
  server_logs: serverLogsSource(new Random(0, 'names'), [2], new StatusTally()).kinds.map((kind) => kind.name),
  social_posts: socialPostsSource(new Random(0, 'names'), [2], new LikesTally()).kinds.map((kind) => kind.name),
};

/** Every file under the folder, by relative path, as its SHA-256. */
async function fingerprints(root: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    result[path.relative(root, file)] = createHash('sha256').update(await readFile(file)).digest('hex');
  }
  return result;
}

describe('generateSample', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lake-generate-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const generate = async (folder: string, options: Partial<GenerateOptions> = {}): Promise<ExpectedFiles> => {
    const outDir = path.join(dir, folder);
    await generateSample({ outDir, scale: 'xs', seed: 1, dirtyRate: 0.02, force: false, ...options });
    return JSON.parse(await readFile(path.join(outDir, '_expected', 'files.json'), 'utf8')) as ExpectedFiles;
  };

  it('gives byte-identical files for the same seed and scale, and other files for another seed', async () => {
    await generate('a', { seed: 42 });
    await generate('b', { seed: 42 });
    await generate('c', { seed: 43 });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((folder) => fingerprints(path.join(dir, folder))));
    expect(Object.keys(a ?? {})).toHaveLength(12 + 4 + 1);
    expect(b).toEqual(a);
    for (const [file, hash] of Object.entries(a ?? {})) {
      // The hidden files are fixed text; every generated file changes with the seed.
      if (!path.basename(file).startsWith('.')) expect(c?.[file], file).not.toBe(hash);
    }
  });

  it('numbers a later day from firstId: other keys, the same records otherwise', async () => {
    const first = await generate('a');
    const later = await generate('b', { firstId: 1_000_001 });
    const ids = async (folder: string) => {
      const texts = await Promise.all(
        ['transactions', 'social'].map(async (source) => {
          // Hidden files (fixed text the lake ignores) aside.
          const files = (await readdir(path.join(dir, folder, source))).filter((file) => !file.startsWith('.'));
          return (await Promise.all(files.map((file) => readFile(path.join(dir, folder, source, file), 'utf8')))).join('\n');
        }),
      );
      const sales = [...(texts[0] ?? '').matchAll(/TX(\d{8})/g)].map((match) => Number(match[1]));
      const posts = [...(texts[1] ?? '').matchAll(/"post_id"\s*:\s*"?(\d{9})/g)].map((match) => Number(match[1]) - 100_000_000);
      return { sales, posts };
    };
    const [a, b] = [await ids('a'), await ids('b')];
    for (const source of ['sales', 'posts'] as const) {
      expect(a[source].length, source).toBeGreaterThan(100);
      expect(Math.min(...a[source]), source).toBe(1);
      expect(Math.min(...b[source]), source).toBe(1_000_001);
      expect(b[source].map((id) => id - 1_000_000), source).toEqual(a[source]);
    }
    // What the lake should make of them does not depend on the ids (the files' hashes do).
    const withoutHashes = (expected: ExpectedFiles) => JSON.parse(JSON.stringify(expected.sources, (key, value: unknown) => (key === 'sha256' ? undefined : value))) as unknown;
    expect(withoutHashes(later)).toEqual(withoutHashes(first));
    await expect(generate('c', { firstId: 0 })).rejects.toThrow(/the first id must be a positive integer, not 0/);
  });

  it.each([1, 2, 3])('makes every quarantine reason and every kind of record of each source at xs (seed %i)', async (seed) => {
    const expected = await generate('sample', { seed });
    for (const [table, reasons] of Object.entries(reasonsBySource) as [FileSourceTable, string[]][]) {
      const source = expected.sources[table];
      expect(Object.keys(source.quarantine).sort(), table).toEqual([...reasons].sort());
      expect(Object.keys(source.variants).sort(), table).toEqual(['plain', ...kindNames[table]].sort());
    }
  });

  it('counts every record once: bronze = silver + quarantined, file by file and reason by reason', async () => {
    const expected = await generate('sample');
    for (const source of Object.values(expected.sources)) {
      expect(source.bronze_records).toBe(1000);
      expect(source.silver_rows + source.quarantined).toBe(source.bronze_records);
      expect(Object.values(source.quarantine).reduce((a, b) => a + b, 0)).toBe(source.quarantined);
      expect(Object.values(source.variants).reduce((a, b) => a + b, 0)).toBe(source.bronze_records);
      expect(source.files.reduce((sum, file) => sum + file.records, 0)).toBe(source.bronze_records);
      expect(source.files.reduce((sum, file) => sum + file.blank_lines, 0)).toBe(source.blank_lines);
      expect(source.blank_lines).toBeGreaterThanOrEqual(source.files.length - 1);
      expect(source.files.map((file) => file.path)).toEqual(source.files.map((file) => file.path).sort());
    }
    const gold = expected.gold;
    expect(gold.total_sales_per_product.reduce((sum, row) => sum + row.nb_transactions, 0)).toBe(expected.sources.transactions.silver_rows);
    expect(gold.status_code_counts.reduce((sum, row) => sum + row.count_requests, 0)).toBe(expected.sources.server_logs.silver_rows);
    expect(gold.avg_likes_per_product.reduce((sum, row) => sum + row.nb_posts, 0)).toBe(expected.sources.social_posts.silver_rows);
  });

  it('follows the dirty rate, and with a rate of 0 writes only valid records', async () => {
    const dirty = await generate('dirty', { dirtyRate: 0.2 });
    for (const source of Object.values(dirty.sources)) {
      expect(source.quarantined / source.bronze_records).toBeGreaterThan(0.15);
      expect(source.quarantined / source.bronze_records).toBeLessThan(0.3);
    }
    const clean = await generate('clean', { dirtyRate: 0 });
    for (const source of Object.values(clean.sources)) {
      expect(source.quarantine).toEqual({});
      expect(source.silver_rows).toBe(source.bronze_records);
    }
  });

  it('refuses to mix with an earlier sample, and with force replaces only its own files', async () => {
    const outDir = path.join(dir, 'input');
    await generate('input', { seed: 1 });
    await writeFile(path.join(outDir, 'notes.txt'), 'mine');
    await writeFile(path.join(outDir, '_expected', 'ad-events-run-1.json'), '{}');
    await writeFile(path.join(outDir, 'transactions', 'ventes-2023-12.csv'), 'transaction_id\n');

    const refused = generate('input', { seed: 2 });
    await expect(refused).rejects.toBeInstanceOf(LakeError);
    await expect(refused).rejects.toThrow(/already holds transactions\/, server_logs\/, social\/, _expected\/files.json/);

    const replaced = await generate('input', { seed: 2, force: true });
    expect(replaced.generator.seed).toBe(2);
    expect(await readFile(path.join(outDir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(path.join(outDir, '_expected', 'ad-events-run-1.json'))).toBe(true);
    expect(existsSync(path.join(outDir, 'transactions', 'ventes-2023-12.csv'))).toBe(false);
    expect((await readdir(outDir)).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('writes into an empty source folder without force, and clears what an interrupted run left', async () => {
    await mkdir(path.join(dir, 'input', 'transactions'), { recursive: true });
    await mkdir(path.join(dir, 'input', '.lake-generate-abc123', 'social'), { recursive: true });
    const expected = await generate('input');
    expect(expected.sources.transactions.files.length).toBe(4);
    expect((await readdir(path.join(dir, 'input'))).sort()).toEqual(['_expected', 'server_logs', 'social', 'transactions']);
  });

  it('rejects options out of range with a LakeError', async () => {
    await expect(generate('x', { dirtyRate: 0.9 })).rejects.toThrow(/dirty rate must be between 0 and 0.5/);
    await expect(generate('x', { seed: -1 })).rejects.toThrow(/seed must be an integer/);
    await expect(generate('x', { scale: 'xl' as GenerateOptions['scale'] })).rejects.toBeInstanceOf(LakeError);
  });
});
