// `lake generate`: writes the sample input of the three file sources and, beside it, what the
// pipeline must make of it (`_expected/files.json`). Everything is written into a staging folder
// first and moved into place at the end, so an interrupted run never leaves half a sample behind.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LakeError } from '../errors.js';
import { LikesTally, SalesTally, SourceTally, StatusTally } from './expected.js';
import type { ExpectedFiles, FileSourceTable } from './expected.js';
import { Random } from './random.js';
import { isScale, scales, splitRecords } from './scale.js';
import type { Scale } from './scale.js';
import { serverLogsSource } from './server-logs.js';
import { socialPostsSource } from './social-posts.js';
import type { SampleSource, WrittenFile } from './source.js';
import { writeSource } from './source.js';
import { transactionsSource } from './transactions.js';

export interface GenerateOptions {
  /** The input folder to fill (`LAKE_INPUT`). */
  outDir: string;
  scale: Scale;
  /** An integer in [0, 2³²): the same seed and scale give byte-identical files. */
  seed: number;
  /** Share of invalid records in each source, in [0, 0.5]. */
  dirtyRate: number;
  /** Replace the generated folders when they already hold files. */
  force: boolean;
  /**
   * The number in the first record's key, in the sources with a key (transactions, social posts):
   * 1 unless given. A later day's sample starts after the earlier days' ids, so that its records
   * are new ones, not copies of the first day's.
   */
  firstId?: number;
  /** Called after each file is written. */
  onFile?: (file: WrittenFile) => void;
}

export interface GenerateSummary {
  outDir: string;
  /** Path of `_expected/files.json`. */
  expectedFile: string;
  sources: { table: FileSourceTable; folder: string; files: number; records: number; blankLines: number; quarantined: number; bytes: number }[];
  elapsedMs: number;
}

/** The source folders `generate` owns in the input folder: it replaces them. */
export const generatedFolders = ['transactions', 'server_logs', 'social'] as const;

/** Its expected results. Other files of `_expected/` (those of `lake produce`) are left alone. */
export const expectedFilePath = '_expected/files.json';

export const maxDirtyRate = 0.5;

const stagingPrefix = '.lake-generate-';

function checkOptions(options: GenerateOptions): void {
  if (!isScale(options.scale)) {
    throw new LakeError(`unknown scale "${options.scale}"`, `use one of ${Object.keys(scales).join(', ')}`);
  }
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed >= 2 ** 32) {
    throw new LakeError(`the seed must be an integer from 0 to ${2 ** 32 - 1}, not ${options.seed}`);
  }
  if (options.firstId !== undefined && !(Number.isInteger(options.firstId) && options.firstId >= 1)) {
    throw new LakeError(`the first id must be a positive integer, not ${options.firstId}`);
  }
  if (!(options.dirtyRate >= 0 && options.dirtyRate <= maxDirtyRate)) {
    throw new LakeError(`the dirty rate must be between 0 and ${maxDirtyRate}, not ${options.dirtyRate}`, 'give it as a fraction (0.02) or a percentage (2%)');
  }
}

/** The generated folders that hold files, and the expected file if it exists. */
async function occupied(outDir: string): Promise<string[]> {
  const found: string[] = [];
  for (const folder of generatedFolders) {
    const entries = await readdir(path.join(outDir, folder)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    if (entries.length > 0) found.push(`${folder}/`);
  }
  if (existsSync(path.join(outDir, expectedFilePath))) found.push(expectedFilePath);
  return found;
}

export async function generateSample(options: GenerateOptions): Promise<GenerateSummary> {
  checkOptions(options);
  const started = performance.now();
  const outDir = path.resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  const existing = await occupied(outDir);
  if (existing.length > 0 && !options.force) {
    throw new LakeError(
      `${outDir} already holds ${existing.join(', ')}: a new sample would mix with those files`,
      'pass --force to replace them (nothing else in the folder is touched), or choose another folder with --out',
    );
  }

  // A run stopped half-way (Ctrl-C) leaves its staging folder: the next run clears it.
  for (const name of await readdir(outDir)) {
    if (name.startsWith(stagingPrefix)) await rm(path.join(outDir, name), { recursive: true, force: true });
  }
  const staging = await mkdtemp(path.join(outDir, stagingPrefix));
  try {
    const { expected, summary } = await writeSources(staging, options);
    await writeFile(path.join(staging, 'files.json'), `${JSON.stringify(expected, null, 2)}\n`);
    for (const folder of generatedFolders) {
      await rm(path.join(outDir, folder), { recursive: true, force: true });
      await rename(path.join(staging, folder), path.join(outDir, folder));
    }
    await mkdir(path.join(outDir, path.dirname(expectedFilePath)), { recursive: true });
    await rename(path.join(staging, 'files.json'), path.join(outDir, expectedFilePath));
    return { outDir, expectedFile: path.join(outDir, expectedFilePath), sources: summary, elapsedMs: performance.now() - started };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function writeSources(inputDir: string, options: GenerateOptions) {
  const { records, files } = scales[options.scale];
  const sales = new SalesTally();
  const statuses = new StatusTally();
  const likes = new LikesTally();
  // Each source draws from its own stream: changing one source leaves the others' bytes alone.
  const makers: [FileSourceTable, (random: Random, fileRecords: number[]) => SampleSource][] = [
    ['transactions', (random, fileRecords) => transactionsSource(random, fileRecords, sales, options.firstId)],
    ['server_logs', (random, fileRecords) => serverLogsSource(random, fileRecords, statuses)],
    ['social_posts', (random, fileRecords) => socialPostsSource(random, fileRecords, likes, options.firstId)],
  ];
  const expectedSources: Partial<ExpectedFiles['sources']> = {};
  const ignored: string[] = [];
  const summary: GenerateSummary['sources'] = [];
  for (const [table, make] of makers) {
    const random = new Random(options.seed, table);
    const source = make(random, splitRecords(records, files, random));
    const tally = new SourceTally();
    await writeSource(source, inputDir, random, options.dirtyRate, tally, options.onFile ?? (() => {}));
    const expected = tally.expected(source.folder);
    expectedSources[table] = expected;
    ignored.push(...source.hiddenFiles.map((hidden) => `${source.folder}/${hidden.name}`));
    summary.push({
      table,
      folder: source.folder,
      files: expected.files.length,
      records: expected.bronze_records,
      blankLines: expected.blank_lines,
      quarantined: expected.quarantined,
      bytes: expected.files.reduce((sum, file) => sum + file.bytes, 0),
    });
  }
  const expected: ExpectedFiles = {
    generator: { seed: options.seed, scale: options.scale, dirty_rate: options.dirtyRate },
    sources: expectedSources as ExpectedFiles['sources'],
    ignored_files: ignored.sort(),
    gold: {
      total_sales_per_product: sales.expected(),
      status_code_counts: statuses.expected(),
      avg_likes_per_product: likes.expected(),
    },
  };
  return { expected, summary };
}
