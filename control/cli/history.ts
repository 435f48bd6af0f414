// `lake history [<table>] [--json] [-n N]`: the Delta commits of the lake's tables — when, what,
// how many rows, which run — and which version each layer's pointer names, so a user can tell
// what readers see, what a run changed, and what `lake sql --as-of` and `lake maintain` work with.
import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { SparkSession } from '@lake/spark-connect';
import { lakeHistory, type TableCommit } from '../../jobs/history.js';
import { lakeTables, parseLakeTable } from '../../jobs/lake-tables.js';
import { countOption } from './count-option.js';
import { formatTable } from './table.js';

const HELP = `
Tables are named as in \`lake sql\`: ${lakeTables.map((table) => table.name).join(', ')}.
A table not created yet is left out. "current" marks the version its layer's pointer names: what
readers read now. The run column is the run that made the commit (\`lake runs\`), or the
maintenance (\`lake maintain\`).

Examples:
  npm run lake -- history silver_transactions
  npm run lake -- history -n 3
  npm run lake -- history gold_campaign_metrics --json`;

const number = (value: number | undefined) => (value === undefined ? '' : String(value));

function rowOf(commit: TableCommit): string[] {
  return [
    commit.table,
    String(commit.version),
    commit.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    commit.operation,
    commit.rowsCopied === undefined ? number(commit.rowsWritten) : `${number(commit.rowsWritten)} (${commit.rowsCopied} copied)`,
    number(commit.rowsDeleted),
    number(commit.filesRemoved),
    commit.runId ?? '',
    commit.published ? 'current' : '',
  ];
}

export function historyCommand(): Command {
  return new Command('history')
    .description("list the Delta commits of the lake's tables, with the run that made each and the published version")
    .argument('[table]', 'one table, by its `lake sql` view name (e.g. silver_transactions); every table by default')
    .option('--json', 'print the commits as one JSON array')
    .option('-n, --last <count>', 'only the newest commits of each table', countOption)
    .addHelpText('after', HELP)
    .action(async (name: string | undefined, options: { json?: boolean; last?: number }) => {
      const tables = name === undefined ? undefined : [parseLakeTable(name)];
      const config = loadConfig();
      const session = await SparkSession.connect(config.sparkRemote);
      try {
        const { commits, missing } = await lakeHistory(session, config, { tables, last: options.last });
        if (tables && missing.length > 0) process.stderr.write(`lake: ${missing[0]} was not created yet in ${config.lakeRoot}\n`);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(commits, null, 2)}\n`);
          return;
        }
        if (commits.length === 0) {
          if (!tables) process.stdout.write(`no Delta table yet in ${config.lakeRoot}\n`);
          return;
        }
        const headers = ['table', 'version', 'time (UTC)', 'operation', 'rows written', 'rows deleted', 'files removed', 'run', 'published'];
        process.stdout.write(`${formatTable(headers, commits.map(rowOf))}\n`);
      } finally {
        await session.close();
      }
    });
}
