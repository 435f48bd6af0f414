import { describe, expect, it } from 'vitest';
import type { HdfsFileStatus, WebHdfs } from '../hdfs/webhdfs.js';
import { RunStore, type RunManifest } from './manifest.js';

/** A `_runs` folder in memory that counts the files read (the store's cache is what is tested). */
function runsFolder(root: string) {
  const files = new Map<string, { text: string; modificationTime: number }>();
  const reads: string[] = [];
  const hdfs = {
    list: async (path: string): Promise<HdfsFileStatus[]> => {
      expect(path).toBe(`${root}/_runs`);
      return [...files].map(([name, file]) => ({ pathSuffix: name, type: 'FILE', length: file.text.length, modificationTime: file.modificationTime }));
    },
    read: async (path: string): Promise<Buffer | undefined> => {
      reads.push(path.slice(path.lastIndexOf('/') + 1));
      const file = files.get(path.slice(path.lastIndexOf('/') + 1));
      return file && Buffer.from(file.text);
    },
  };
  const put = (manifest: RunManifest, modificationTime = 1) => files.set(`${manifest.runId}.json`, { text: JSON.stringify(manifest), modificationTime });
  return { hdfs: hdfs as unknown as WebHdfs, files, reads, put };
}

const run = (runId: string, outcome: RunManifest['outcome'] = 'succeeded'): RunManifest =>
  ({ runId, layer: 'bronze', startedAt: '2026-12-03T00:00:00Z', endedAt: '2026-12-03T00:00:01Z', outcome }) as RunManifest;

describe('the run store reads each manifest once', () => {
  it('reads only the manifests that are new or changed since the last listing', async () => {
    const folder = runsFolder('/lake-a');
    const store = new RunStore(folder.hdfs, '/lake-a');
    folder.put(run('20261203T000000Z-aaaaaa'));
    folder.put(run('20261203T000001Z-bbbbbb', 'failed'));
    expect((await store.list()).map((m) => m.runId)).toEqual(['20261203T000000Z-aaaaaa', '20261203T000001Z-bbbbbb']);
    expect(folder.reads).toHaveLength(2);

    folder.put(run('20261203T000002Z-cccccc'));
    // A rerun rewrote the failed run's manifest: a new modification time.
    folder.put(run('20261203T000001Z-bbbbbb'), 2);
    const again = await new RunStore(folder.hdfs, '/lake-a').list();
    expect(folder.reads.slice(2).sort()).toEqual(['20261203T000001Z-bbbbbb.json', '20261203T000002Z-cccccc.json']);
    expect(again.map((m) => m.outcome)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('hands out copies: a caller changing its manifest changes no other', async () => {
    const folder = runsFolder('/lake-b');
    folder.put(run('20261203T000000Z-aaaaaa'));
    const store = new RunStore(folder.hdfs, '/lake-b');
    (await store.list())[0]!.outcome = 'failed';
    expect((await store.list())[0]!.outcome).toBe('succeeded');
    expect(folder.reads).toHaveLength(1);
  });

  it('forgets a manifest that left the folder (a pruned run)', async () => {
    const folder = runsFolder('/lake-c');
    const store = new RunStore(folder.hdfs, '/lake-c');
    folder.put(run('20261203T000000Z-aaaaaa'));
    await store.list();
    folder.files.clear();
    expect(await store.list()).toEqual([]);
    // Back with the very same stamp, it is read again: nothing of it was kept.
    folder.put(run('20261203T000000Z-aaaaaa'));
    await store.list();
    expect(folder.reads).toEqual(['20261203T000000Z-aaaaaa.json', '20261203T000000Z-aaaaaa.json']);
  });

  it('keeps the manifests of the last lakes listed only', async () => {
    const first = runsFolder('/lake-0');
    first.put(run('20261203T000000Z-aaaaaa'));
    await new RunStore(first.hdfs, '/lake-0').list();
    for (let lake = 1; lake <= 8; lake++) {
      const other = runsFolder(`/lake-${lake}`);
      other.put(run('20261203T000000Z-aaaaaa'));
      await new RunStore(other.hdfs, `/lake-${lake}`).list();
    }
    await new RunStore(first.hdfs, '/lake-0').list();
    expect(first.reads).toHaveLength(2);
  });
});
