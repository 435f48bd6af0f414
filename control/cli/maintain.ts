// `lake maintain [--keep N]`: compacts the small files of every Delta table of the lake and deletes
// the files that no version worth keeping references (jobs/maintain.ts): the last N published
// versions of silver and of gold, and the current ones, stay readable (`lake sql --as-of`).
import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { maintainLake, type TableMaintenance } from '../../jobs/maintain.js';
import { countOption } from './count-option.js';
import { formatTable } from './table.js';

const HELP = `
For each Delta table: OPTIMIZE (small files into larger ones, as a new version), then VACUUM (files
that no kept version references are deleted). Kept: every version named by the last N published
versions of silver and of gold (their runs' manifests) and the current ones, whatever N is; older
versions can no longer be read with \`lake sql --as-of\`. bronze_ad_events keeps Delta's default
retention (7 days). Runs cannot start while it works: it holds the bronze, silver and gold locks.

Example:
  npm run lake -- maintain --keep 5`;

function rowOf(table: TableMaintenance): string[] {
  const { compacted, vacuum, versions } = table;
  return [
    table.table,
    compacted.filesRemoved === 0 ? '–' : `${compacted.filesRemoved} → ${compacted.filesAdded}`,
    'skipped' in vacuum ? 'not vacuumed' : vacuum.retainHours === 'default' ? 'Delta default' : `${vacuum.retainHours} h`,
    String(table.filesDeleted),
    versions.from === undefined ? `latest ${versions.to}` : `${versions.from}–${versions.to}`,
  ];
}

export function maintainCommand(): Command {
  return new Command('maintain')
    .description('compact the Delta tables and delete the files of versions older than the last N published ones')
    .option('--keep <count>', 'published versions of each layer to keep readable', countOption, 3)
    .addHelpText('after', HELP)
    .action(async (options: { keep: number }) => {
      const config = loadConfig();
      const report = await maintainLake(config, { keep: options.keep, log: (line) => process.stderr.write(`${line}\n`) });
      if (report.tables.length === 0) {
        process.stdout.write(`no Delta table yet in ${config.lakeRoot}\n`);
        return;
      }
      const headers = ['table', 'compacted files', 'retention', 'files deleted', 'readable versions'];
      process.stdout.write(`maintenance ${report.id}, keeping the last ${report.keep} published versions of each layer\n`);
      process.stdout.write(`${formatTable(headers, report.tables.map(rowOf))}\n`);
      for (const table of report.tables) if ('skipped' in table.vacuum) process.stdout.write(`${table.table}: ${table.vacuum.skipped}\n`);
    });
}
