// `lake generate`: sample input files for the three file sources, with dirty records, and the
// results the pipeline must produce from them.
import { Command, InvalidArgumentError, Option } from 'commander';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { expectedFilePath, generateSample, generatedFolders, maxDirtyRate, scales } from '../sample/index.js';
import type { Scale } from '../sample/index.js';
import { formatTable } from './table.js';

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!/^\d+$/.test(value) || seed >= 2 ** 32) throw new InvalidArgumentError(`Expected an integer from 0 to ${2 ** 32 - 1}.`);
  return seed;
}

function parseDirtyRate(value: string): number {
  const percent = value.endsWith('%');
  const number = Number(percent ? value.slice(0, -1) : value);
  const rate = percent ? number / 100 : number;
  if (value.trim() === '' || !(rate >= 0 && rate <= maxDirtyRate)) {
    throw new InvalidArgumentError(`Expected a share from 0 to ${maxDirtyRate}, as a fraction (0.02) or a percentage (2%).`);
  }
  return rate;
}

const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1);

const scaleLines = Object.entries(scales)
  .map(([name, scale]) => `  ${name.padEnd(3)}${scale.records.toLocaleString('en').padStart(11)} records a source, over ${scale.files} files`)
  .join('\n');

export function generateCommand(): Command {
  return new Command('generate')
    .description(
      'write sample input for the file sources (transactions CSV, server logs, social posts JSON) with a share of invalid records, and the results the pipeline must produce from it',
    )
    .addOption(new Option('--scale <scale>', 'how much data').choices(Object.keys(scales)).default('s'))
    .option('--seed <n>', 'seed of the generator: the same seed and scale give byte-identical files', parseSeed, 1)
    .option('--dirty-rate <rate>', 'share of invalid records in each source, as a fraction or a percentage', parseDirtyRate, 0.02)
    .option('--out <dir>', 'folder to write into (default: LAKE_INPUT, or data/input)')
    .option('--force', `replace ${generatedFolders.map((f) => `${f}/`).join(', ')} and ${expectedFilePath} when they already exist`)
    .addHelpText(
      'after',
      `
Scales:
${scaleLines}

Writes into the folder:
  transactions/ventes-YYYY-MM.csv    CSV exports: BOM, CRLF, header spelling, column order and
                                     extra columns vary between files
  server_logs/access-YYYY-MM-DD.log  Combined Log Format access logs, some Common Log Format lines
  social/posts-YYYY-MM.json          JSON Lines, the second file one JSON array
  ${expectedFilePath.padEnd(35)}what the pipeline must find: per source the bronze records, blank
                                     lines, silver rows and quarantined rows per reason; the gold
                                     metrics of the file sources (type ExpectedFiles in control/sample)

Invalid records cover every quarantine reason of the contract that a file source can have, and
each of them occurs at least once whatever the scale (unless --dirty-rate is 0). Hidden files
(names starting with ".") are written too: sources must ignore them.

Without --force, the command refuses to write when one of its source folders already holds files
or ${expectedFilePath} exists; with it, those are replaced and nothing else in the folder is
touched (the other files of _expected/, e.g. those of \`lake produce\`, stay).`,
    )
    .action(async (options: { scale: string; seed: number; dirtyRate: number; out?: string; force?: boolean }) => {
      const outDir = path.resolve(options.out ?? loadConfig().inputDir);
      const summary = await generateSample({
        outDir,
        scale: options.scale as Scale,
        seed: options.seed,
        dirtyRate: options.dirtyRate,
        force: options.force ?? false,
        onFile: (file) => process.stderr.write(`  ${file.path}  ${file.records.toLocaleString('en')} records, ${megabytes(file.bytes)} MB\n`),
      });
      const rows = summary.sources.map((s) => [s.table, String(s.files), String(s.records), String(s.blankLines), String(s.quarantined), megabytes(s.bytes)]);
      process.stdout.write(`${formatTable(['source', 'files', 'records', 'blank lines', 'quarantined', 'MB'], rows)}\n`);
      const files = summary.sources.reduce((sum, s) => sum + s.files, 0);
      const bytes = summary.sources.reduce((sum, s) => sum + s.bytes, 0);
      const seconds = summary.elapsedMs / 1000;
      process.stdout.write(
        `wrote ${files} files, ${megabytes(bytes)} MB, into ${summary.outDir} in ${seconds.toFixed(1)} s (${megabytes(bytes / seconds)} MB/s); expected results in ${summary.expectedFile}\n`,
      );
    });
}
