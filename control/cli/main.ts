#!/usr/bin/env node
// Entry point of `lake`. The Spark Connect client is generated code that exists only after setup,
// so on a fresh clone setup runs first, then the commands (which import the client) are loaded.
import { loadConfig } from '../config.js';
import { protocolGenerated, setup } from '../setup/setup.js';
import { runCommand } from './run-command.js';

await runCommand(async () => {
  if (!protocolGenerated()) await setup(loadConfig(), (line) => process.stderr.write(`${line}\n`));
  const { lakeProgram } = await import('./program.js');
  await (await lakeProgram(process.argv)).parseAsync(process.argv);
});
