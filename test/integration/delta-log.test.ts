// Reading a Delta table's log over WebHDFS, as the runs do after each write: the newest commit and
// the commits after a version come from the log's tail (after its last checkpoint), not from a
// listing of the whole log, which grows by a commit a run. Checked against a real table of the
// stack, with DESCRIBE HISTORY (Spark's own reading of the log) as the independent answer.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../control/config.js';
import { WebHdfs, hdfsPath } from '../../control/hdfs/webhdfs.js';
import { SparkSession } from '@lake/spark-connect';
import { commitVersions, deltaTable, lastCommit } from '../../jobs/delta.js';
import { deltaHistory } from '../../jobs/delta-history.js';

const config = loadConfig();
const uri = `${config.lakeRoot}/_test/delta-log-${randomUUID()}`;
/** Commits past Delta's checkpoint interval (10): the log then has a `_last_checkpoint`. */
const inserts = 13;

describe('the tail of a Delta log', () => {
  const hdfs = new WebHdfs(config.webHdfs);
  /** What each reading of the log asked the NameNode for. */
  const listings: string[] = [];
  const counted = Object.assign(Object.create(hdfs) as WebHdfs, {
    list: (path: string) => (listings.push(`list ${path.slice(path.lastIndexOf('/') + 1)}`), hdfs.list(path)),
    listAfter: (path: string, after: string) => (listings.push(`after ${after}`), hdfs.listAfter(path, after)),
  });
  let session: SparkSession;

  beforeAll(async () => {
    session = await SparkSession.connect(config.sparkRemote);
    await session.sql(`CREATE TABLE ${deltaTable(uri)} (n INT) USING delta`);
    for (let n = 1; n <= inserts; n++) await session.sql(`INSERT INTO ${deltaTable(uri)} VALUES (${n})`);
  }, 180_000);

  afterAll(async () => {
    await session?.close();
    await hdfs.delete(hdfsPath(uri), true);
  });

  it('finds the newest commit from the last checkpoint on', async () => {
    const [newest] = await deltaHistory(session, uri, { limit: 1 });
    expect(newest?.version).toBe(inserts);
    const checkpoint = JSON.parse((await hdfs.read(`${hdfsPath(uri)}/_delta_log/_last_checkpoint`))!.toString('utf8')) as { version: number };
    expect(checkpoint.version).toBe(10);

    listings.length = 0;
    const commit = await lastCommit(counted, uri);
    expect(commit).toMatchObject({ version: inserts, operation: 'WRITE', rowsWritten: 1 });
    expect(listings).toEqual(['after 00000000000000000009.json']);
  });

  it('lists the commits from a version on, oldest first, and all of them from 0', async () => {
    listings.length = 0;
    expect(await commitVersions(counted, uri, 11)).toEqual([11, 12, 13]);
    expect(await commitVersions(counted, uri, inserts + 1)).toEqual([]);
    expect(await commitVersions(counted, uri)).toEqual(Array.from({ length: inserts + 1 }, (_, v) => v));
    expect(listings).toEqual(['after 00000000000000000010.json', 'after 00000000000000000013.json', 'list _delta_log']);
  });

  it('lists the whole log of a table without a checkpoint', async () => {
    const young = `${uri}-young`;
    await session.sql(`CREATE TABLE ${deltaTable(young)} (n INT) USING delta`);
    await session.sql(`INSERT INTO ${deltaTable(young)} VALUES (1)`);
    try {
      expect(await lastCommit(hdfs, young)).toMatchObject({ version: 1, operation: 'WRITE' });
    } finally {
      await hdfs.delete(hdfsPath(young), true);
    }
  });
});
