// How fast `lake` starts: the compiled CLI (bin/lake.mjs → dist/, what users run) against the same
// sources transpiled at start by tsx (what every command did before), alternating, N rounds each;
// `--help` (no command loaded) and `sql "SELECT 1"` (a command with the Spark client and a round
// trip; the stack must be up). Prints the median and the spread of each, and their ratio.
//
//   npm run bench:cli [-- rounds]      (default 7; `npm run setup` first, so dist/ is current)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../control/config.js';
import { cliBuildState } from '../bin/cli-build.mjs';
import { median, spread } from './stats.js';

const rounds = Number(process.argv[2] ?? 7);
if (cliBuildState(repoRoot) !== 'current') throw new Error('dist/ is not current: run `npm run setup` first');

const ways = {
  compiled: [path.join(repoRoot, 'bin', 'lake.mjs')],
  tsx: ['--import', 'tsx', path.join(repoRoot, 'control', 'cli', 'main.ts')],
};
const commands = { '--help': ['--help'], 'sql "SELECT 1"': ['sql', 'SELECT 1'] };

function seconds(args: string[]): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  if (run.status !== 0) throw new Error(`${args.join(' ')} failed: ${run.stderr.toString()}`);
  return (performance.now() - started) / 1000;
}

const lines = [`${rounds} rounds each, alternating`, '', '| command | compiled (median, spread) | tsx (median, spread) | tsx / compiled |', '| --- | ---: | ---: | ---: |'];
for (const [name, command] of Object.entries(commands)) {
  const times: Record<keyof typeof ways, number[]> = { compiled: [], tsx: [] };
  for (let round = 0; round < rounds; round++) for (const way of ['compiled', 'tsx'] as const) times[way].push(seconds([...ways[way], ...command]));
  const cell = (values: number[]) => `${median(values).toFixed(2)} s (${spread(values, 2, '')})`;
  lines.push(`| \`lake ${name}\` | ${cell(times.compiled)} | ${cell(times.tsx)} | ${(median(times.tsx) / median(times.compiled)).toFixed(1)}× |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
