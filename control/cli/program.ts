// The `lake` command. Each subcommand lives in its own file and is registered here;
// npm scripts (`npm run stack:up`, `npm run demo`, ...) are thin aliases of these commands.
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../config.js';
import { stackCommand } from './stack.js';
import { setupCommand } from './setup.js';
import { sqlCommand } from './sql.js';
import { demoCommand } from './demo.js';
import { jobCommand } from './job.js';
import { runsCommand } from './runs.js';
import { historyCommand } from './history.js';
import { maintainCommand } from './maintain.js';
import { produceCommand } from './produce.js';
import { generateCommand } from './generate.js';
import { vizCommand } from './viz.js';
import { apiCommand } from './api.js';
import { userCommand } from './user.js';

const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };

export const program = new Command('lake')
  .description('A medallion data lake on Apache Spark, driven over Spark Connect.')
  .version(version)
  .showHelpAfterError()
  .addCommand(setupCommand())
  .addCommand(stackCommand())
  .addCommand(generateCommand())
  .addCommand(produceCommand())
  .addCommand(jobCommand())
  .addCommand(runsCommand())
  .addCommand(historyCommand())
  .addCommand(sqlCommand())
  .addCommand(maintainCommand())
  .addCommand(vizCommand())
  .addCommand(apiCommand())
  .addCommand(userCommand())
  .addCommand(demoCommand());
