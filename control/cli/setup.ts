// `lake setup`: what the project needs before anything runs, done once and cached.
import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { setup } from '../setup/setup.js';

export function setupCommand(): Command {
  return new Command('setup')
    .description('check Java, resolve the Spark, Hadoop and Kafka jars with Maven (once) and generate the Spark Connect protocol code')
    .action(async () => {
      await setup(loadConfig(), (line) => process.stderr.write(`${line}\n`));
    });
}
