import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LakeError } from '../errors.js';
import { listDirectories, registerLakeViews } from './lake-views.js';
import type { SparkSession } from './session.js';

const root = await mkdtemp(path.join(os.tmpdir(), 'lake-views-'));
afterAll(() => rm(root, { recursive: true, force: true }));

/** A session stand-in that records the views it is asked to create. */
function recordingSession(failFor: string[] = []) {
  const created: { path: string; view: string }[] = [];
  const session = {
    read: {
      parquet: (dataPath: string) => ({
        createOrReplaceTempView: async (view: string) => {
          if (failFor.includes(view)) throw new Error('UNABLE_TO_INFER_SCHEMA');
          created.push({ path: dataPath, view });
        },
      }),
    },
  } as unknown as SparkSession;
  return { session, created };
}

describe('registerLakeViews', () => {
  it('registers <layer>_<table> for every table directory of a file:// lake', async () => {
    for (const dir of ['bronze/transactions', 'bronze/_checkpoints', 'silver/transactions', 'gold/daily_revenue', 'gold/bad-name', 'gold/empty']) {
      await mkdir(path.join(root, dir), { recursive: true });
    }
    await writeFile(path.join(root, 'gold', 'README'), 'not a table');
    const lakeRoot = pathToFileURL(root).href;
    const { session, created } = recordingSession(['gold_empty']);

    const result = await registerLakeViews(session, { lakeRoot, webHdfs: 'http://unused' });
    expect(result.views.sort()).toEqual(['bronze_transactions', 'gold_daily_revenue', 'silver_transactions']);
    expect(created).toContainEqual({ path: `${lakeRoot}/gold/daily_revenue`, view: 'gold_daily_revenue' });
    expect(result.warnings).toEqual(['gold/bad-name: not a valid table name, no view', 'gold/empty: no view: UNABLE_TO_INFER_SCHEMA']);
  });

  it('reads each table the way the reader says, or leaves it out', async () => {
    const { session, created } = recordingSession();
    const lakeRoot = pathToFileURL(root).href;
    const result = await registerLakeViews(session, { lakeRoot, webHdfs: 'http://unused' }, (s, table) =>
      table.layer === 'bronze' ? undefined : s.read.parquet(table.uri),
    );
    expect(result.views.sort()).toEqual(['gold_daily_revenue', 'gold_empty', 'silver_transactions']);
    expect(created.map((view) => view.view)).not.toContain('bronze_transactions');
  });

  it('finds nothing, quietly, when the lake does not exist yet', async () => {
    const { session, created } = recordingSession();
    const lakeRoot = pathToFileURL(path.join(root, 'missing')).href;
    expect(await registerLakeViews(session, { lakeRoot, webHdfs: 'http://unused' })).toEqual({ views: [], warnings: [] });
    expect(created).toEqual([]);
  });

  it('refuses roots it cannot list, which registering turns into a warning', async () => {
    await expect(listDirectories('s3a://bucket/lake/bronze', 'http://unused')).rejects.toBeInstanceOf(LakeError);
    const { session } = recordingSession();
    const result = await registerLakeViews(session, { lakeRoot: 's3a://bucket/lake', webHdfs: 'http://unused' });
    expect(result.views).toEqual([]);
    expect(result.warnings).toEqual([expect.stringContaining('cannot list the lake at s3a://bucket/lake/bronze')]);
  });
});
