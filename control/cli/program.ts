// The `lake` command. Each subcommand lives in its own file and is loaded only when it runs: a
// command imports what it uses (the Spark client, Express, the charting libraries), and
// `lake --help` imports none of them. npm scripts (`npm run stack:up`, `npm run demo`, ...) are
// thin aliases of these commands.
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../config.js';

interface Subcommand {
  name: string;
  /** The line `lake --help` shows; the command's own help (`lake <name> --help`) says more. */
  summary: string;
  load: () => Promise<Command>;
}

const subcommands: Subcommand[] = [
  { name: 'setup', summary: 'check Java, resolve the JVM jars (once), generate the Spark Connect code, compile the CLI', load: async () => (await import('./setup.js')).setupCommand() },
  { name: 'stack', summary: 'start, stop and inspect the embedded HDFS, Kafka and Spark', load: async () => (await import('./stack.js')).stackCommand() },
  { name: 'generate', summary: 'write sample input files with known dirty records and their truth', load: async () => (await import('./generate.js')).generateCommand() },
  { name: 'produce', summary: 'send ad events to Kafka', load: async () => (await import('./produce.js')).produceCommand() },
  { name: 'stream', summary: 'land, clean and publish the ad events as they arrive (Structured Streaming)', load: async () => (await import('./stream.js')).streamCommand() },
  { name: 'job', summary: 'run a layer of the pipeline on the cluster', load: async () => (await import('./job.js')).jobCommand() },
  { name: 'runs', summary: 'list the runs of every layer', load: async () => (await import('./runs.js')).runsCommand() },
  { name: 'history', summary: "list the Delta commits of the lake's tables", load: async () => (await import('./history.js')).historyCommand() },
  { name: 'sql', summary: 'run a SQL query on the cluster and print its rows', load: async () => (await import('./sql.js')).sqlCommand() },
  { name: 'maintain', summary: 'compact the Delta tables and delete the files of old versions', load: async () => (await import('./maintain.js')).maintainCommand() },
  { name: 'viz', summary: 'write charts of the current gold and silver', load: async () => (await import('./viz.js')).vizCommand() },
  { name: 'api', summary: 'serve the gold metrics over HTTP, with JWT authentication', load: async () => (await import('./api.js')).apiCommand() },
  { name: 'user', summary: 'manage the users of the API', load: async () => (await import('./user.js')).userCommand() },
  { name: 'demo', summary: 'the whole lake on sample data: stack, pipeline, charts and API', load: async () => (await import('./demo.js')).demoCommand() },
];

const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };

/** The program for these arguments: the subcommand they name is loaded, the others are listed. */
export async function lakeProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command('lake').description('A medallion data lake on Apache Spark, driven over Spark Connect.').version(version).showHelpAfterError();
  const words = argv.slice(2).filter((argument) => !argument.startsWith('-'));
  const named = words[0] === 'help' ? words[1] : words[0];
  for (const subcommand of subcommands) {
    const command = subcommand.name === named ? await subcommand.load() : new Command(subcommand.name);
    program.addCommand(command.summary(subcommand.summary));
  }
  return program;
}
