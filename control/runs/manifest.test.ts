import { describe, expect, it } from 'vitest';
import type { HdfsFileStatus, WebHdfs } from '../hdfs/webhdfs.js';
import { LayerLock } from './lock.js';
import { RunStore, runsOf, sealFrom, type RunManifest } from './manifest.js';

/**
 * A lake's files in memory, with HDFS's answers to the calls the run store makes, counting the
 * files read (the store's cache is what is tested) and the folders listed.
 */
function lakeInMemory() {
  const files = new Map<string, { text: string; modificationTime: number }>();
  const reads: string[] = [];
  let clock = 1;
  const hdfs = {
    list: async (folder: string): Promise<HdfsFileStatus[]> => {
      const children = new Map<string, HdfsFileStatus>();
      for (const [path, file] of files) {
        if (!path.startsWith(`${folder}/`)) continue;
        const [name, ...deeper] = path.slice(folder.length + 1).split('/');
        children.set(name!, deeper.length > 0 ? { pathSuffix: name!, type: 'DIRECTORY', length: 0, modificationTime: 0 } : { pathSuffix: name!, type: 'FILE', length: file.text.length, modificationTime: file.modificationTime });
      }
      return [...children.values()];
    },
    read: async (path: string): Promise<Buffer | undefined> => {
      reads.push(path.slice(path.lastIndexOf('/') + 1));
      const file = files.get(path);
      return file && Buffer.from(file.text);
    },
    write: async (path: string, text: string, options: { overwrite?: boolean } = {}): Promise<void> => {
      if (files.has(path) && !options.overwrite) throw new Error(`${path} is already there`);
      files.set(path, { text, modificationTime: clock++ });
    },
    delete: async (path: string): Promise<boolean> => files.delete(path),
  };
  const put = (root: string, manifest: RunManifest, modificationTime = 1) => files.set(`${root}/_runs/${manifest.runId}.json`, { text: JSON.stringify(manifest), modificationTime });
  const names = (folder: string) => [...files.keys()].filter((path) => path.startsWith(`${folder}/`)).map((path) => path.slice(folder.length + 1)).sort();
  return { hdfs: hdfs as unknown as WebHdfs, files, reads, put, names };
}

const run = (runId: string, outcome: RunManifest['outcome'] = 'succeeded'): RunManifest =>
  ({ runId, layer: 'bronze', startedAt: '2026-12-03T00:00:00Z', endedAt: '2026-12-03T00:00:01Z', outcome }) as RunManifest;

/** A run id of the given second of 2026-12-03, as `newRunId` makes them. */
const idAt = (second: number) => `20261203T${new Date(second * 1000).toISOString().slice(11, 19).replace(/:/g, '')}Z-${second.toString(16).padStart(6, '0')}`;

describe('the run store reads each manifest once', () => {
  it('reads only the manifests that are new or changed since the last listing', async () => {
    const lake = lakeInMemory();
    const store = new RunStore(lake.hdfs, '/lake-a');
    lake.put('/lake-a', run('20261203T000000Z-aaaaaa'));
    lake.put('/lake-a', run('20261203T000001Z-bbbbbb', 'failed'));
    expect((await store.list()).map((m) => m.runId)).toEqual(['20261203T000000Z-aaaaaa', '20261203T000001Z-bbbbbb']);
    expect(lake.reads).toHaveLength(2);

    lake.put('/lake-a', run('20261203T000002Z-cccccc'));
    // A rerun rewrote the failed run's manifest: a new modification time.
    lake.put('/lake-a', run('20261203T000001Z-bbbbbb'), 2);
    const again = await new RunStore(lake.hdfs, '/lake-a').list();
    expect(lake.reads.slice(2).sort()).toEqual(['20261203T000001Z-bbbbbb.json', '20261203T000002Z-cccccc.json']);
    expect(again.map((m) => m.outcome)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('hands out frozen manifests: a caller cannot change what other callers get', async () => {
    const lake = lakeInMemory();
    lake.put('/lake-b', run('20261203T000000Z-aaaaaa'));
    const store = new RunStore(lake.hdfs, '/lake-b');
    const [listed] = await store.list();
    expect(() => Object.assign(listed!, { outcome: 'failed' })).toThrow(TypeError);
    expect((await store.list())[0]!.outcome).toBe('succeeded');
    expect(lake.reads).toHaveLength(1);
  });

  it('forgets a manifest that left the folder', async () => {
    const lake = lakeInMemory();
    const store = new RunStore(lake.hdfs, '/lake-c');
    lake.put('/lake-c', run('20261203T000000Z-aaaaaa'));
    await store.list();
    lake.files.clear();
    expect(await store.list()).toEqual([]);
    // Back with the very same stamp, it is read again: nothing of it was kept.
    lake.put('/lake-c', run('20261203T000000Z-aaaaaa'));
    await store.list();
    expect(lake.reads).toEqual(['20261203T000000Z-aaaaaa.json', '20261203T000000Z-aaaaaa.json']);
  });

  it('keeps the manifests of the last lakes listed only', async () => {
    const first = lakeInMemory();
    first.put('/lake-0', run('20261203T000000Z-aaaaaa'));
    await new RunStore(first.hdfs, '/lake-0').list();
    for (let lake = 1; lake <= 8; lake++) {
      const other = lakeInMemory();
      other.put(`/lake-${lake}`, run('20261203T000000Z-aaaaaa'));
      await new RunStore(other.hdfs, `/lake-${lake}`).list();
    }
    await new RunStore(first.hdfs, '/lake-0').list();
    expect(first.reads).toHaveLength(2);
  });
});

describe('sealing the run record', () => {
  const manyRuns = (lake: ReturnType<typeof lakeInMemory>, root: string, count: number, from = 0) =>
    Array.from({ length: count }, (_, i) => {
      const manifest = run(idAt(from + i), i % 7 === 0 ? 'failed' : 'succeeded');
      lake.put(root, manifest);
      return manifest;
    });

  it('waits for `sealFrom` loose manifests, then seals them into one file that lists as they did', async () => {
    const lake = lakeInMemory();
    const store = new RunStore(lake.hdfs, '/lake-s');
    const runs = manyRuns(lake, '/lake-s', sealFrom - 1);
    await store.list();
    expect(await store.sealIfDue('sealer')).toBe(0);
    expect(lake.names('/lake-s/_runs')).toHaveLength(sealFrom - 1);

    runs.push(...manyRuns(lake, '/lake-s', 1, sealFrom - 1));
    await store.list();
    expect(await store.sealIfDue('sealer')).toBe(sealFrom);
    expect(lake.names('/lake-s/_runs')).toEqual([`_sealed/${runs[0]!.runId}_${runs.at(-1)!.runId}.jsonl`]);
    // The locks it took are released.
    expect(lake.names('/lake-s/_locks')).toEqual([]);
    expect(await store.list()).toEqual(runs);
    expect(await store.succeeded('bronze')).toEqual(runs.filter((manifest) => manifest.outcome === 'succeeded'));
    // A sealed run is still found by its id.
    expect(await store.read(runs[5]!.runId)).toEqual(runs[5]);
  });

  it('merges sealed and loose manifests in run order, a run that started before a sealing but ended after it included', async () => {
    const lake = lakeInMemory();
    const store = new RunStore(lake.hdfs, '/lake-o');
    const sealed = manyRuns(lake, '/lake-o', sealFrom, 100);
    await store.list();
    await store.sealIfDue('sealer');
    // Started at second 50, before every sealed run, and recorded only now; then a new one.
    const [late, next] = [run(idAt(50)), run(idAt(5_000))];
    lake.put('/lake-o', late);
    lake.put('/lake-o', next);
    expect((await store.list()).map((manifest) => manifest.runId)).toEqual([late, ...sealed, next].map((manifest) => manifest.runId));
  });

  it('does not seal while a layer run is under way, and leaves its lock alone', async () => {
    const lake = lakeInMemory();
    const store = new RunStore(lake.hdfs, '/lake-l');
    manyRuns(lake, '/lake-l', sealFrom);
    await store.list();
    const silver = await LayerLock.acquire(lake.hdfs, '/lake-l', 'silver', 'a-silver-run');
    expect(await store.sealIfDue('sealer')).toBe(0);
    expect(lake.names('/lake-l/_runs')).toHaveLength(sealFrom);
    // The bronze lock it had taken before it met silver's is released; silver's is still the run's.
    expect(lake.names('/lake-l/_locks')).toEqual(['silver']);
    await silver.release();
    expect(await store.sealIfDue('sealer')).toBe(sealFrom);
  });

  it('removes the loose copies a sealing left behind without sealing them twice', async () => {
    const lake = lakeInMemory();
    const store = new RunStore(lake.hdfs, '/lake-r');
    const runs = manyRuns(lake, '/lake-r', sealFrom);
    await store.list();
    await store.sealIfDue('sealer');
    // As if the sealing had stopped before its deletes: the first 10 loose copies are back.
    for (const manifest of runs.slice(0, 10)) lake.put('/lake-r', manifest);
    const more = manyRuns(lake, '/lake-r', sealFrom - 10, 10_000);
    expect(await store.list()).toEqual([...runs, ...more]);
    expect(await store.sealIfDue('sealer')).toBe(sealFrom - 10);
    expect(lake.names('/lake-r/_runs')).toHaveLength(2);
    expect(await store.list()).toEqual([...runs, ...more]);
  });

  it('reads the record again when another process sealed it between the listing and the reading', async () => {
    const lake = lakeInMemory();
    const runs = manyRuns(lake, '/lake-x', 5);
    const read = lake.hdfs.read.bind(lake.hdfs);
    let sealedMeanwhile = false;
    // The first manifest read: before it, the other process writes the sealed file and removes the loose ones.
    Object.assign(lake.hdfs, {
      read: async (path: string) => {
        if (!sealedMeanwhile && path.endsWith('.json')) {
          sealedMeanwhile = true;
          lake.files.set('/lake-x/_runs/_sealed/a_b.jsonl', { text: runs.map((run) => `${JSON.stringify(run)}\n`).join(''), modificationTime: 9 });
          for (const run of runs) lake.files.delete(`/lake-x/_runs/${run.runId}.json`);
        }
        return read(path);
      },
    });
    expect(await new RunStore(lake.hdfs, '/lake-x').list()).toEqual(runs);
    expect(sealedMeanwhile).toBe(true);
  });

  it('says which file of the record is not valid JSON', async () => {
    const lake = lakeInMemory();
    lake.files.set('/lake-j/_runs/_sealed/a_b.jsonl', { text: '{"runId":\n', modificationTime: 1 });
    await expect(new RunStore(lake.hdfs, '/lake-j').list()).rejects.toThrow('run manifest file /lake-j/_runs/_sealed/a_b.jsonl is not valid JSON');
  });
});

describe('the runs of a layer in a listing', () => {
  it('keeps the committed runs of the layer by default, and the outcomes asked for otherwise, in the listing order', () => {
    const silver = { ...run('s1'), layer: 'silver' } as RunManifest;
    const listing = [run('b1'), run('b2', 'failed'), silver, run('b3', 'nothing new'), run('b4')];
    expect(runsOf(listing, 'bronze').map((entry) => entry.runId)).toEqual(['b1', 'b4']);
    expect(runsOf(listing, 'bronze', ['succeeded', 'nothing new']).map((entry) => entry.runId)).toEqual(['b1', 'b3', 'b4']);
    expect(runsOf(listing, 'silver').map((entry) => entry.runId)).toEqual(['s1']);
  });
});
