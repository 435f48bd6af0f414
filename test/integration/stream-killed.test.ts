// Fault: the `lake stream` process itself is killed (SIGKILL: no handler runs, no lock is released,
// and the Spark statements it had sent go on running on the Connect server without it) while a
// steady flow of events arrives, once mid-silver and once mid-gold, and started again at once each
// time. The lake must end up holding every acknowledged event exactly once: bronze, silver,
// quarantine and gold equal the producers' own tally.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExpectedAdEvents } from '../../control/kafka/expected.js';
import { produceAdEvents } from '../../control/kafka/produce-ad-events.js';
import { repoRoot } from '../../control/config.js';
import { runStream } from '../../jobs/stream.js';
import { expectLakeHoldsWhatWasProduced } from './support/ad-event-truth.js';
import { waitFor } from './support/faults.js';
import { LakeFixture } from './support/lake-fixture.js';

let lake: LakeFixture;
const produced: ExpectedAdEvents[] = [];

/** `lake stream --verbose` in a process group of its own (so SIGKILL reaches a tsx child too), its output collected. */
function startStream(output: string[]): ChildProcess {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'lake.mjs'), 'stream', '--trigger', '1s', '--verbose'], {
    env: { ...process.env, LAKE_ROOT: lake.config.lakeRoot, LAKE_INPUT: lake.config.inputDir, LAKE_KAFKA_TOPIC: lake.config.kafkaTopic },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return child;
}

/** Kills the stream's whole process group with SIGKILL once `line` appears among its output lines after `from`. */
async function killWhen(child: ChildProcess, output: string[], from: number, line: string): Promise<void> {
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`lake stream exited (${child.exitCode}) before "${line}":\n${output.join('\n')}`);
      return output.slice(from).some((printed) => printed.includes(line));
    },
    180_000,
    `lake stream to print "${line}"`,
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGKILL');
  await exited;
}

describe('the lake stream process killed (SIGKILL) mid-cycle', () => {
  beforeAll(async () => {
    lake = await LakeFixture.create({ name: 'stream-killed', events: 1500, seed: 41 });
    produced.push(lake.produced.expected);
  });

  afterAll(async () => {
    await lake?.destroy();
  });

  it('restarted at once, mid-silver and mid-gold, lands every acknowledged event exactly once', async () => {
    const output: string[] = [];
    const flow = produceAdEvents(lake.config, { ratePerSecond: 500, durationMs: 20_000, partitions: 3, dirtyRate: 0.05, seed: 42 });
    try {
      // The silver run's cleaning is under way (classification sent to Spark), then gold's.
      await killWhen(startStream(output), output, 0, 'silver ad_events: cleaning');
      await killWhen(startStream(output), output, output.length, 'gold: computing');
    } finally {
      const report = await flow;
      expect(report.expected.exact).toBe(true);
      produced.push(report.expected);
    }
    process.stderr.write(`[faults] lake stream killed twice; its output:\n${output.join('\n')}\n`);

    const restarted = await runStream(lake.config, { untilIdle: true });
    expect(restarted.ended).toBe('idle');
    await expectLakeHoldsWhatWasProduced(lake.config, produced);
  });
});
