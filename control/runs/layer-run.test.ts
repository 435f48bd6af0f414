// A run's commit and publication against failures of the steps around them, on a stand-in
// WebHDFS whose faults strike one operation: refused before HDFS does it, or done and then
// answered with an error (the answer lost). What the run committed or published must stay so,
// and only a run known not to have committed is undone. No Spark: the work here writes files.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LakeConfig } from '../config.js';
import { MemoryWebHdfs } from '../hdfs/testing/memory-webhdfs.js';
import { runLayer, type LayerRunContext } from './layer-run.js';
import type { RunManifest, SilverRun } from './manifest.js';
import { LayerPointer, type PublishedLayer } from './published.js';

let hdfs: MemoryWebHdfs;
let config: LakeConfig;

beforeEach(async () => {
  hdfs = await MemoryWebHdfs.start();
  config = { webHdfs: hdfs.url, lakeRoot: 'hdfs://namenode:8020/lake', sparkRemote: 'sc://127.0.0.1:1' } as LakeConfig;
});

afterEach(() => hdfs.stop());

const pointerFile = '/lake/silver/_current.json';
const manifestOf = (runId: string) => JSON.parse(hdfs.text(`/lake/_runs/${runId}.json`) ?? 'null') as RunManifest | null;
const earlier: PublishedLayer = { runId: 'earlier', publishedAt: '2026-12-01T00:00:00Z', tables: { t: { path: 'silver/t', version: 3 } }, madeFrom: ['b0'] };

/**
 * A silver-like run: its work writes a data file of its own and names version 4 of the table;
 * publish moves the pointer, then (`cleanUp`) removes a folder; undo removes the data file.
 */
function silverLike(options: { cleanUp?: boolean } = {}) {
  const undone: string[] = [];
  const work = async ({ hdfs: client, root, runId, manifest }: LayerRunContext<SilverRun>) => {
    await client.write(`${root}/silver/t/part-${runId}`, 'rows');
    // As silver does: the manifest names the run's own batch and its base.
    Object.assign(manifest, { madeFrom: ['b1'], builtOn: earlier.runId });
    manifest.published = { runId, publishedAt: '2026-12-02T00:00:00Z', tables: { t: { path: 'silver/t', version: 4 } } };
    return 'succeeded' as const;
  };
  const publish = async ({ hdfs: client, root, manifest }: LayerRunContext<SilverRun>) => {
    await new LayerPointer(client, root, 'silver').publish(manifest.published!);
    if (options.cleanUp) await client.delete(`${root}/silver/_versions`, true);
  };
  const undo = async ({ hdfs: client, root, runId }: LayerRunContext<SilverRun>) => {
    undone.push(runId);
    await client.delete(`${root}/silver/t/part-${runId}`);
  };
  return { work, publish, undo, undone };
}

/** A bronze-like run: lands a batch file; the manifest is its commit; undo removes the batch. */
function bronzeLike() {
  const undone: string[] = [];
  return {
    undone,
    work: async ({ hdfs: client, root, runId }: LayerRunContext) => {
      await client.write(`${root}/bronze/t/batch_id=${runId}/in.csv`, 'a\n1\n');
      return 'succeeded' as const;
    },
    undo: async ({ hdfs: client, root, runId }: LayerRunContext) => {
      undone.push(runId);
      await client.delete(`${root}/bronze/t/batch_id=${runId}`, true);
    },
  };
}

beforeEach(() => {
  hdfs.files.set(pointerFile, { content: Buffer.from(JSON.stringify(earlier)), modificationTime: 0 });
});

describe('a failure after the run published', () => {
  it('leaves the run succeeded when the pointer was replaced but its answer was lost', async () => {
    hdfs.inject({ op: 'RENAME', path: /\/silver\/_current\.json\._landing_/, when: 'after' });
    const job = silverLike();
    const run = await runLayer(config, 'silver', job);
    expect(run.outcome).toBe('succeeded');
    expect(job.undone).toEqual([]);
    expect(JSON.parse(hdfs.text(pointerFile)!)).toMatchObject({ runId: run.runId, tables: { t: { version: 4 } } });
    expect(hdfs.text(`/lake/silver/t/part-${run.runId}`)).toBe('rows');
    expect(manifestOf(run.runId)).toMatchObject({ outcome: 'succeeded', published: { runId: run.runId }, afterPublication: expect.stringContaining('injected fault: RENAME') });
  });

  it('leaves the run succeeded when a clean-up after the pointer fails', async () => {
    hdfs.files.set('/lake/silver/_versions/old/x.parquet', { content: Buffer.from('old'), modificationTime: 0 });
    hdfs.inject({ op: 'DELETE', path: /\/silver\/_versions$/, when: 'before' });
    const job = silverLike({ cleanUp: true });
    const run = await runLayer(config, 'silver', job);
    expect(run.outcome).toBe('succeeded');
    expect(job.undone).toEqual([]);
    expect(JSON.parse(hdfs.text(pointerFile)!)).toMatchObject({ runId: run.runId });
    expect(manifestOf(run.runId)).toMatchObject({ outcome: 'succeeded', afterPublication: expect.stringContaining('DELETE /lake/silver/_versions') });
  });

  it("keeps a bronze batch whose manifest HDFS moved into place, though the rename's answer was lost", async () => {
    hdfs.inject({ op: 'RENAME', path: /\/_runs\/.*\.json\._landing_/, when: 'after' });
    const job = bronzeLike();
    const run = await runLayer(config, 'bronze', job);
    expect(run.outcome).toBe('succeeded');
    expect(job.undone).toEqual([]);
    expect(manifestOf(run.runId)).toMatchObject({ outcome: 'succeeded' });
    expect(hdfs.text(`/lake/bronze/t/batch_id=${run.runId}/in.csv`)).toBe('a\n1\n');
  });

  it('undoes nothing when HDFS cannot say whether the run committed', async () => {
    // HDFS goes down right after the manifest's rename: the read-back cannot answer.
    hdfs.inject({ op: 'RENAME', path: /\/_runs\/.*\.json\._landing_/, when: 'after', thenDown: true });
    const job = bronzeLike();
    await expect(runLayer(config, 'bronze', job)).rejects.toThrow(/injected fault: RENAME/);
    expect(job.undone).toEqual([]);
    expect([...hdfs.files.keys()].filter((file) => file.startsWith('/lake/bronze/'))).toHaveLength(1);
  });
});

describe('a failure before the run published', () => {
  it('fails the run, records it as failed and undoes it when the pointer could not be replaced', async () => {
    hdfs.inject({ op: 'RENAME', path: /\/silver\/_current\.json\._landing_/, when: 'before' });
    const job = silverLike();
    const failure = await runLayer(config, 'silver', job).catch((error: unknown) => error);
    expect(String(failure)).toMatch(/injected fault: RENAME/);
    expect(JSON.parse(hdfs.text(pointerFile)!)).toEqual(earlier);
    const [runId] = job.undone;
    expect(runId).toBeDefined();
    // The manifest recorded as succeeded before the publication is replaced: the run failed.
    const manifest = manifestOf(runId!);
    expect(manifest).toMatchObject({ outcome: 'failed', error: expect.stringContaining('injected fault') });
    expect(manifest).not.toHaveProperty('published');
    expect(hdfs.text(`/lake/silver/t/part-${runId}`)).toBeUndefined();
  });

  it('fails and undoes a run whose manifest could not be saved, publishing nothing', async () => {
    hdfs.inject({ op: 'RENAME', path: /\/_runs\/.*\.json\._landing_/, when: 'before' });
    const job = silverLike();
    await expect(runLayer(config, 'silver', job)).rejects.toThrow(/injected fault: RENAME/);
    expect(JSON.parse(hdfs.text(pointerFile)!)).toEqual(earlier);
    expect(job.undone).toHaveLength(1);
    // The failure's own manifest is saved: the history shows it.
    expect(manifestOf(job.undone[0]!)).toMatchObject({ outcome: 'failed' });
  });

  it('fails and undoes a run whose work fails', async () => {
    const job = bronzeLike();
    const run = runLayer(config, 'bronze', {
      undo: job.undo,
      work: async (context) => {
        await job.work(context);
        throw new Error('the work broke');
      },
    });
    await expect(run).rejects.toThrow('the work broke');
    expect(job.undone).toHaveLength(1);
    expect(manifestOf(job.undone[0]!)).toMatchObject({ outcome: 'failed', error: expect.stringContaining('the work broke') });
    expect([...hdfs.files.keys()].filter((file) => file.startsWith('/lake/bronze/'))).toEqual([]);
  });
});
