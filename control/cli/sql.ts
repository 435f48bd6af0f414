// `lake sql "<query>" [--json | --csv] [--as-of <run id>]`: runs SQL on the cluster, with every
// lake table available as a view named <layer>_<table> — as published now, or as a past silver or
// gold run published it. Ctrl-C interrupts the query on the server too.
import { once } from 'node:events';
import { Command, Option } from 'commander';
import { loadConfig } from '../config.js';
import { explainRemovedVersion, lakeViewsNamedIn, registerLakeViews } from '../../jobs/lake-views.js';
import { SparkInterruptedError, SparkSession, rowsOf, tuplesOf, type DataFrame, type QueryOptions } from '@lake/spark-connect';
import { createProgressBar } from './progress-bar.js';
import { cellText, csvLine, toJson } from './row-format.js';
import { formatTable } from './table.js';

type Format = 'table' | 'json' | 'csv';

const FORMAT_HELP = `
Output (stdout):
  default  an aligned text table, NULL for nulls, then the row count
  --json   one JSON array of row objects, nothing else. BIGINT is a number when a double
           holds it exactly (|n| <= 2^53 - 1), else a string; DECIMAL is a string with its
           exact digits ("12.50"); DATE is "YYYY-MM-DD"; TIMESTAMP an ISO-8601 UTC string
           (milliseconds); BINARY base64; arrays, structs and maps nest as JSON
  --csv    RFC 4180: a header line, CRLF line ends, quotes only where needed, empty for NULL

Lake tables are views named <layer>_<table>, e.g. silver_transactions; SHOW VIEWS lists them.
--as-of <run id> reads the lake as a succeeded silver or gold run published it (\`lake runs\`):
a gold run's gold with the silver it was computed from; a silver run's silver with the newest gold
computed from it; bronze with the batches that silver held. \`lake maintain\` keeps the last
versions only (\`lake history\` shows them).
Progress goes to stderr (on a terminal, for queries over a second). Ctrl-C cancels the query on
the server and exits with status 130.

Examples:
  npm run lake -- sql "SHOW VIEWS"
  npm run lake -- sql "SELECT * FROM gold_total_sales_per_product ORDER BY total_ventes DESC LIMIT 10"
  npm run lake -- sql --csv "SELECT * FROM silver_transactions" > transactions.csv
  npm run lake -- sql --as-of 20261128T070812Z-3fa9c1 "SELECT count(*) FROM silver_transactions"`;

export function sqlCommand(): Command {
  return new Command('sql')
    .description('run a SQL query on the cluster and print its rows; lake tables are views named <layer>_<table>')
    .argument('<query>', 'the SQL statement, quoted')
    .addOption(new Option('--json', 'print one JSON array of row objects').conflicts('csv'))
    .addOption(new Option('--csv', 'print RFC 4180 CSV with a header line'))
    .option('--as-of <run id>', 'read the lake as this silver or gold run published it')
    .addHelpText('after', FORMAT_HELP)
    .action(async (query: string, options: { json?: boolean; csv?: boolean; asOf?: string }) => {
      await runSql(query, options.json ? 'json' : options.csv ? 'csv' : 'table', options.asOf);
    });
}

async function runSql(query: string, format: Format, asOf: string | undefined): Promise<void> {
  const config = loadConfig();
  const session = await SparkSession.connect(config.sparkRemote);
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  // Only the first Ctrl-C is ours; a second one kills the process the usual way.
  process.once('SIGINT', onSigint);
  const progress = createProgressBar();
  try {
    // Progress every half second rather than Spark's default 2 s, when there is a bar to feed.
    if (process.stderr.isTTY) await session.config.set('spark.connect.progress.reportInterval', '500ms');
    const views = await registerLakeViews(session, config, { asOf, only: lakeViewsNamedIn(query) });
    if (views.asOf) process.stderr.write(`lake: silver as run ${views.asOf.silver} published it${views.asOf.gold ? `, gold as run ${views.asOf.gold} did` : ''}\n`);
    for (const warning of views.warnings) process.stderr.write(`lake: warning: ${warning}\n`);
    const execution: QueryOptions = { signal: interrupt.signal, onProgress: progress.onProgress };
    if (interrupt.signal.aborted) throw new SparkInterruptedError();
    try {
      const df = await session.sql(query, undefined, execution);
      await print(df, format, execution, progress.stop);
    } catch (error) {
      throw explainRemovedVersion(error, views.versions);
    }
  } catch (error) {
    if (!(error instanceof SparkInterruptedError)) throw error;
    progress.stop();
    process.stderr.write('lake: interrupted; the query was cancelled on the server\n');
    process.exitCode = 130;
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
    await session.close();
  }
}

async function print(df: DataFrame, format: Format, execution: QueryOptions, stopProgress: () => void): Promise<void> {
  let columns: string[] | undefined;
  let count = 0;
  const table: string[][] = [];
  for await (const batch of df.batches(execution)) {
    let chunk = '';
    if (!columns) {
      columns = batch.schema.fields.map((field) => field.name);
      if (format === 'json') chunk += '[';
      if (format === 'csv') chunk += csvLine(columns);
    }
    if (format === 'json') for (const row of rowsOf(batch)) chunk += `${count++ > 0 ? ',' : ''}\n${toJson(row)}`;
    else if (format === 'csv') for (const values of tuplesOf(batch)) chunk += csvLine(values);
    else for (const values of tuplesOf(batch)) table.push(values.map(cellText));
    if (format !== 'json') count += batch.numRows;
    await write(chunk);
  }
  stopProgress();

  if (format === 'json') await write(columns ? '\n]\n' : '[]\n');
  if (format !== 'table') return;
  if (!columns || columns.length === 0) process.stderr.write('OK\n');
  else await write(`${formatTable(columns, table)}\n(${count} row${count === 1 ? '' : 's'})\n`);
}

/** Writes to stdout, waiting when a slow reader (a pipe, a file on a slow disk) is behind. */
async function write(text: string): Promise<void> {
  if (text && !process.stdout.write(text)) await once(process.stdout, 'drain');
}
