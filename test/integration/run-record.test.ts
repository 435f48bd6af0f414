// The run record of a lake that a long stream fills (three manifests a cycle): once a thousand
// manifests are loose in `_runs`, the next run seals them into one file, on the real HDFS of the
// stack; the record then lists as it did, to this process and to a new one (`lake runs --json`).
// The expected record is the manifests this test wrote itself.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, repoRoot } from '../../control/config.js';
import { WebHdfs, hdfsPath } from '../../control/hdfs/webhdfs.js';
import { runLayer } from '../../control/runs/layer-run.js';
import { RunStore, sealFrom, type BronzeRun, type RunManifest } from '../../control/runs/manifest.js';
import { newRunId } from '../../control/runs/run-id.js';
import { sideBySide } from '../../control/side-by-side.js';

const config = loadConfig({ ...process.env, LAKE_ROOT: `hdfs://127.0.0.1:8020/lake-test-run-record-${randomUUID().slice(0, 8)}` });
const hdfs = new WebHdfs(config.webHdfs);
const root = hdfsPath(config.lakeRoot);

/** A streamed bronze run's manifest, as a cycle of `lake stream` records it. */
function streamedRun(cycle: number): BronzeRun {
  const runId = newRunId(new Date(Date.UTC(2026, 11, 4) + cycle * 5_000));
  const offsets = (end: number) => ({ '0': end, '1': end, '2': end });
  return {
    runId,
    layer: 'bronze',
    startedAt: new Date(Date.UTC(2026, 11, 4) + cycle * 5_000).toISOString(),
    endedAt: new Date(Date.UTC(2026, 11, 4) + cycle * 5_000 + 100).toISOString(),
    outcome: 'succeeded',
    kafka: {
      topic: 'ad-events',
      ranges: { '0': { from: cycle * 10, until: cycle * 10 + 10 } },
      records: 10,
      committed: offsets(cycle * 10 + 10),
      deltaVersion: cycle,
      batches: [runId],
      stream: { queryId: 'd9c3c4a4-8f1e-4a55-9d0e-3b8f2e0c1a77', lastEpoch: cycle },
    },
  };
}

describe('the run record of a long stream', () => {
  afterAll(async () => {
    await hdfs.delete(root, true);
  });

  it('is sealed by the run after the thousandth loose manifest, and lists the same in a new process', async () => {
    const store = new RunStore(hdfs, root);
    const written: RunManifest[] = Array.from({ length: sealFrom }, (_, cycle) => streamedRun(cycle));
    await sideBySide(written, (manifest) => store.save(manifest), { atOnce: 16 });
    expect(await store.list()).toEqual(written);

    // A real run of a layer (one that finds nothing new): its manifest is the thousand-and-first.
    const gold = await runLayer(config, 'gold', { work: async () => 'nothing new', undo: async () => undefined });
    const expected = [...written, gold];

    const runs = await hdfs.list(`${root}/_runs`);
    expect(runs.map((entry) => entry.pathSuffix)).toEqual(['_sealed']);
    const sealed = await hdfs.list(`${root}/_runs/_sealed`);
    expect(sealed.map((entry) => entry.pathSuffix)).toEqual([`${written[0]!.runId}_${gold.runId}.jsonl`]);
    expect(await store.list()).toEqual(expected);
    expect(await store.read(written[500]!.runId)).toEqual(written[500]);
    // No lock is left behind by the sealing.
    expect(await hdfs.list(`${root}/_locks`)).toEqual([]);

    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'control/cli/main.ts'), 'runs', '--json'], {
      env: { ...process.env, LAKE_ROOT: config.lakeRoot },
      cwd: repoRoot,
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(JSON.parse(stdout)).toEqual(expected);
  }, 180_000);
});
