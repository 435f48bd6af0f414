// `lake demo` (`npm run demo`): everything on one machine, from nothing. It grows with the
// project: today it starts the embedded stack and proves the whole path — a distributed query on
// the Spark cluster, a Parquet table written to HDFS and read back through Spark Connect.
import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { SparkSession, expr } from '../spark/index.js';
import { cellText } from '../spark/row-format.js';
import { createProgressBar } from '../spark/progress-bar.js';
import { stackUp } from '../stack/stack.js';
import { formatTable } from './table.js';

const say = (line = '') => process.stdout.write(`${line}\n`);

async function show(session: SparkSession, title: string, query: string): Promise<void> {
  const progress = createProgressBar();
  try {
    const rows = await (await session.sql(query)).collect({ onProgress: progress.onProgress });
    progress.stop();
    const columns = Object.keys(rows[0] ?? {});
    say(`\n${title}\n  ${query}\n`);
    say(formatTable(columns, rows.map((row) => columns.map((c) => cellText(row[c])))));
  } finally {
    progress.stop();
  }
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('start the embedded stack and run queries on it end to end (what `npm run demo` does)')
    .action(async () => {
      const config = loadConfig();
      say('Starting the embedded stack (HDFS, Kafka, Spark standalone, Spark Connect)…');
      const statuses = await stackUp(config, (line) => process.stderr.write(`${line}\n`));
      say(formatTable(['component', 'pid', 'address', 'state'], statuses.map((s) => [s.name, String(s.pid ?? '-'), s.address, s.state])));

      const session = await SparkSession.connect(config.sparkRemote);
      try {
        say(`\nConnected to Spark ${await session.version()} at ${session.remote} (master ${config.sparkMaster}).`);
        await show(
          session,
          'A distributed aggregation, run by the executors of the standalone cluster:',
          'SELECT id % 10 AS bucket, count(*) AS n, sum(id) AS total FROM range(0, 20000000, 1, 8) GROUP BY bucket ORDER BY bucket',
        );
        const table = `${config.lakeRoot}/_demo/squares`;
        await session.range(1, 1001).select(expr('id AS n'), expr('id * id AS square')).write.format('parquet').mode('overwrite').save(table);
        await show(session, `A Parquet table written to ${table} and read back:`, `SELECT count(*) AS rows, max(square) AS max_square FROM parquet.\`${table}\``);
      } finally {
        await session.close();
      }
      say('\nTry it yourself:');
      say('  npm run lake -- sql "SELECT version()"');
      say('  npm run lake -- stack status        npm run lake -- stack logs spark-connect');
      say('  npm run stack:down                  # stops the stack; its data is kept');
    });
}
