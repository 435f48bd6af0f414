import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryWebHdfs } from '../control/hdfs/testing/memory-webhdfs.js';
import { WebHdfs } from '../control/hdfs/webhdfs.js';
import { addedFiles, appendedBatches, batchPartitionFiles, changesRows, commitOf, filesOfChecksum, lastRowsCommit, tableSizeBytes } from './delta.js';

// The first lines of a commit file as Delta 4.4 wrote it for a REPLACE WHERE of silver (the
// `add` action cut short): one JSON action a line, the commitInfo first.
const replaceWhere = [
  JSON.stringify({
    commitInfo: {
      timestamp: 1796196554462,
      operation: 'WRITE',
      operationParameters: { mode: 'Overwrite', partitionBy: '[]', predicate: "(batch_id = '20261202T072755Z-71f4ce')" },
      readVersion: 0,
      isolationLevel: 'Serializable',
      isBlindAppend: false,
      operationMetrics: { numFiles: '1', numRemovedFiles: '0', numCopiedRows: '12', numDeletedRows: '0', numOutputRows: '976', numOutputBytes: '27757' },
      userMetadata: '20261202T072824Z-836d50',
      engineInfo: 'Apache-Spark/4.2.0 Delta-Lake/4.4.0',
    },
  }),
  JSON.stringify({ add: { path: 'batch_id=20261202T072755Z-71f4ce/part-00000.snappy.parquet', size: 27757, dataChange: true } }),
  '',
].join('\n');

/** A commit file of the table at `table` (a path in HDFS) in the stub, one JSON action a line, as Delta writes it. */
function writeCommit(stub: MemoryWebHdfs, table: string, version: number, actions: object[]): void {
  stub.files.set(`${table}/_delta_log/${String(version).padStart(20, '0')}.json`, {
    content: Buffer.from(actions.map((action) => JSON.stringify(action)).join('\n') + '\n'),
    modificationTime: 0,
  });
}

describe("a Delta commit read from the table's log", () => {
  it('gives the version, the operation, the run and the rows the write added (output less copied)', () => {
    expect(commitOf(1, replaceWhere)).toEqual({ version: 1, operation: 'WRITE', rowsWritten: 964, runId: '20261202T072824Z-836d50' });
  });

  it('reads a commit without metrics or user metadata (a CREATE TABLE) as no rows and no run', () => {
    const create = `${JSON.stringify({ protocol: { minReaderVersion: 1, minWriterVersion: 2 } })}\n${JSON.stringify({ commitInfo: { operation: 'CREATE TABLE' } })}\n`;
    expect(commitOf(0, create)).toEqual({ version: 0, operation: 'CREATE TABLE', rowsWritten: 0, runId: null });
  });

  it('refuses a file without a commitInfo', () => {
    expect(() => commitOf(3, `${JSON.stringify({ add: { path: 'x' } })}\n`)).toThrow('the commit 3 has no commitInfo');
  });
});

describe('the batches a table appended between two versions, from its log', () => {
  let stub: MemoryWebHdfs;
  let hdfs: WebHdfs;
  const uri = 'hdfs://127.0.0.1:8020/lake/silver/ad_events';
  const commit = (version: number, actions: object[]) => writeCommit(stub, '/lake/silver/ad_events', version, actions);
  const append = (...batches: string[]) => [
    { commitInfo: { operation: 'WRITE', operationParameters: { mode: 'Append', partitionBy: '["batch_id"]' } } },
    ...batches.map((batch) => ({ add: { path: `batch_id=${batch}/part-0.parquet`, partitionValues: { batch_id: batch }, size: 1000 + Number(batch.slice(1)), dataChange: true } })),
  ];

  // An unpartitioned table's append by a run, and the compaction after it (as Delta's auto compaction writes it).
  const runAppend = (runId: string, size: number) => [
    { commitInfo: { operation: 'WRITE', operationParameters: { mode: 'Append', partitionBy: '[]' }, userMetadata: runId } },
    { add: { path: `part-${runId}.parquet`, partitionValues: {}, size, dataChange: true } },
  ];
  const compaction = (runId: string) => [
    { commitInfo: { operation: 'OPTIMIZE', operationParameters: { auto: true }, userMetadata: runId } },
    { add: { path: 'part-compacted.parquet', partitionValues: {}, size: 9000, dataChange: false } },
    { remove: { path: 'part-r1.parquet', dataChange: false } },
  ];
  const vacuum = [{ commitInfo: { operation: 'VACUUM END', operationParameters: { status: 'COMPLETED' } } }];
  // What the silver run manifests say each run cleaned.
  const cleanedBy: Record<string, string[]> = { r1: ['b6', 'b7'], r2: ['b8'] };
  const batchesOfRun = async (runId: string) => cleanedBy[runId];
  const noRun = async () => undefined;

  beforeAll(async () => {
    stub = await MemoryWebHdfs.start();
    hdfs = new WebHdfs(stub.url);
    commit(3, append('b1'));
    commit(4, append('b2', 'b3'));
    commit(5, [{ commitInfo: { operation: 'RESTORE', operationParameters: { version: '3' } } }, { remove: { path: 'batch_id=b3/part-0.parquet' } }]);
    commit(6, append('b4'));
    commit(7, [{ commitInfo: { operation: 'WRITE', operationParameters: { mode: 'Overwrite' } } }, ...append('b5').slice(1)]);
    commit(8, runAppend('r1', 300));
    commit(9, compaction('r1'));
    commit(10, vacuum);
    commit(11, runAppend('r2', 40));
    commit(12, runAppend('r3', 50));
  });

  afterAll(() => stub.stop());

  it('lists the partitions of plain appends, and the bytes of the files they added', async () => {
    expect(await appendedBatches(hdfs, uri, 2, 4, noRun)).toEqual({ batches: ['b1', 'b2', 'b3'], bytes: 1001 + 1002 + 1003 });
    expect(await appendedBatches(hdfs, uri, 5, 6, noRun)).toEqual({ batches: ['b4'], bytes: 1004 });
    expect(await appendedBatches(hdfs, uri, 6, 6, noRun)).toEqual({ batches: [], bytes: 0, files: [] });
  });

  it('gives nothing when a commit did more than append (a restore, an overwrite) or is gone', async () => {
    expect(await appendedBatches(hdfs, uri, 3, 6, noRun)).toBeUndefined();
    expect(await appendedBatches(hdfs, uri, 6, 7, noRun)).toBeUndefined();
    expect(await appendedBatches(hdfs, uri, 1, 3, noRun)).toBeUndefined();
  });

  it("takes an unpartitioned append's batches from the run that committed it, and passes over compactions and vacuums", async () => {
    expect(await appendedBatches(hdfs, uri, 7, 11, batchesOfRun)).toEqual({ batches: ['b6', 'b7', 'b8'], bytes: 300 + 40 });
    expect(await appendedBatches(hdfs, uri, 8, 10, batchesOfRun)).toEqual({ batches: [], bytes: 0 });
  });

  it("names the files of unpartitioned appends, to be read as plain Parquet, unless a compaction between moved rows", async () => {
    expect(await appendedBatches(hdfs, uri, 10, 11, batchesOfRun)).toEqual({ batches: ['b8'], bytes: 40, files: [`${uri}/part-r2.parquet`] });
    expect((await appendedBatches(hdfs, uri, 7, 11, batchesOfRun))?.files).toBeUndefined();
    // Files in partitions hold no batch_id column: a plain read would lose it.
    expect((await appendedBatches(hdfs, uri, 2, 4, noRun))?.files).toBeUndefined();
  });

  it('gives nothing for an unpartitioned append whose run is unknown', async () => {
    expect(await appendedBatches(hdfs, uri, 10, 12, batchesOfRun)).toBeUndefined();
    expect(await appendedBatches(hdfs, uri, 7, 8, noRun)).toBeUndefined();
  });

  it('finds the newest commit that changed rows, passing over compactions and vacuums', async () => {
    const write = { version: 12, operation: 'WRITE', rowsWritten: 0, runId: 'r3' };
    expect(await lastRowsCommit(hdfs, uri)).toEqual({ commit: write, newest: 12, text: expect.any(String) });
    commit(13, compaction('r3'));
    commit(14, vacuum);
    const { commit: last, newest, text } = await lastRowsCommit(hdfs, uri);
    expect({ last, newest }).toEqual({ last: write, newest: 14 });
    // The text is that commit's file, not the newest one's.
    expect(commitOf(12, text)).toEqual(write);
  });

  it('ends the walk back at the first commit of the log, whatever it did', async () => {
    const bare = 'hdfs://127.0.0.1:8020/lake/silver/bare';
    const at = (version: number, actions: object[]) => writeCommit(stub, '/lake/silver/bare', version, actions);
    at(0, [{ commitInfo: { operation: 'CREATE TABLE' } }]);
    at(1, vacuum);
    expect((await lastRowsCommit(hdfs, bare)).commit).toMatchObject({ version: 0, operation: 'CREATE TABLE' });
  });
});

describe('the files a write added', () => {
  const uri = 'hdfs://127.0.0.1:8020/lake/silver/transactions_quarantine';
  const commitOfAdds = (...adds: object[]) => [{ commitInfo: { operation: 'WRITE' } }, ...adds.map((add) => ({ add }))].map((action) => JSON.stringify(action)).join('\n');

  it('names each, in a batch partition or not', () => {
    const partition = { path: 'batch_id=20261202T072755Z-71f4ce/part-00000.snappy.parquet', partitionValues: { batch_id: '20261202T072755Z-71f4ce' } };
    expect(addedFiles(uri, commitOfAdds(partition))).toEqual([`${uri}/batch_id=20261202T072755Z-71f4ce/part-00000.snappy.parquet`]);
    expect(addedFiles(uri, commitOfAdds({ path: 'part-00000-a1.c000.snappy.parquet' }, { path: 'part-00001-b2.c000.snappy.parquet' }))).toEqual([
      `${uri}/part-00000-a1.c000.snappy.parquet`,
      `${uri}/part-00001-b2.c000.snappy.parquet`,
    ]);
    expect(addedFiles(uri, commitOfAdds())).toEqual([]);
  });

  it('names none when a file is not one to read as it is: a deletion vector, an escaped or absolute path', () => {
    expect(addedFiles(uri, commitOfAdds({ path: 'part-0.parquet' }, { path: 'part-1.parquet', deletionVector: { storageType: 'u' } }))).toBeUndefined();
    expect(addedFiles(uri, commitOfAdds({ path: 'batch_id=a%20b/part-0.parquet', partitionValues: { batch_id: 'a b' } }))).toBeUndefined();
    // A partition's file whose values the log does not give, or another partition column's.
    expect(addedFiles(uri, commitOfAdds({ path: 'batch_id=b1/part-0.parquet' }))).toBeUndefined();
    expect(addedFiles(uri, commitOfAdds({ path: 'day=1/part-0.parquet', partitionValues: { day: '1' } }))).toBeUndefined();
    expect(addedFiles(uri, commitOfAdds({ path: 'hdfs://elsewhere/part-0.parquet' }))).toBeUndefined();
  });
});

describe('whether a commit may change rows', () => {
  it('says no for a compaction or a vacuum, yes for a write, a restore, or a change of schema', () => {
    const info = { commitInfo: { operation: 'X' } };
    expect(changesRows([info, { add: { dataChange: false } }, { remove: { dataChange: false } }])).toBe(false);
    expect(changesRows([info])).toBe(false);
    expect(changesRows([info, { add: { dataChange: true } }])).toBe(true);
    expect(changesRows([info, { remove: {} }])).toBe(true);
    expect(changesRows([info, { metaData: {} }])).toBe(true);
    expect(changesRows([info, { protocol: {} }])).toBe(true);
  });
});

describe("a table's size at a version, from the checksum beside its commit", () => {
  let stub: MemoryWebHdfs;
  let hdfs: WebHdfs;
  const uri = 'hdfs://127.0.0.1:8020/lake/silver/transactions';
  const checksum = (version: number, content: string) =>
    stub.files.set(`/lake/silver/transactions/_delta_log/${String(version).padStart(20, '0')}.crc`, { content: Buffer.from(content), modificationTime: 0 });

  beforeAll(async () => {
    stub = await MemoryWebHdfs.start();
    hdfs = new WebHdfs(stub.url);
    // The head of a checksum as Delta 4.4 wrote it.
    checksum(0, JSON.stringify({ txnId: '6ab79b9b', tableSizeBytes: 0, numFiles: 0, numMetadata: 1, numProtocol: 1 }));
    checksum(3, JSON.stringify({ txnId: '9f0c1d2e', tableSizeBytes: 5_242_881, numFiles: 7, numMetadata: 1, numProtocol: 1 }));
    checksum(4, JSON.stringify({ txnId: 'a1b2c3d4', numFiles: 8 }));
    checksum(5, '{"txnId":"b2c3d4e5","tableSizeBytes":12');
  });

  afterAll(() => stub.stop());

  it('reads tableSizeBytes of the version asked for', async () => {
    expect(await tableSizeBytes(hdfs, uri, 0)).toBe(0);
    expect(await tableSizeBytes(hdfs, uri, 3)).toBe(5_242_881);
  });

  it('gives nothing when the checksum is missing, holds no size or is cut short', async () => {
    expect(await tableSizeBytes(hdfs, uri, 2)).toBeUndefined();
    expect(await tableSizeBytes(hdfs, uri, 4)).toBeUndefined();
    expect(await tableSizeBytes(hdfs, uri, 5)).toBeUndefined();
  });
});

describe("a table's files at a version, from the checksum beside its commit", () => {
  const uri = 'hdfs://127.0.0.1:8020/lake/gold/campaign_metrics';
  // An entry of `allFiles` as Delta 4.4 wrote it for a gold table.
  const file = (path: string, extra: object = {}) => ({ path, partitionValues: {}, size: 1598, modificationTime: 1796405358981, dataChange: false, ...extra });
  const checksum = (allFiles: object[] | undefined, numFiles = allFiles?.length) => ({ tableSizeBytes: 3196, numFiles, allFiles });
  const part = 'part-00000-82ca967a-73e9-4c6f-bf38-ec8180d73258-c000.snappy.parquet';

  it('names every file the version holds, under the table', () => {
    expect(filesOfChecksum(uri, checksum([file(part), file(part.replace('00000', '00001'))]))).toEqual([`${uri}/${part}`, `${uri}/${part.replace('00000', '00001')}`]);
    expect(filesOfChecksum(uri, checksum([]))).toEqual([]);
  });

  it('gives nothing when the checksum does not list them all', () => {
    expect(filesOfChecksum(uri, checksum(undefined, 60))).toBeUndefined();
    expect(filesOfChecksum(uri, checksum([file(part)], 2))).toBeUndefined();
  });

  it('gives nothing for a file a plain Parquet read would get wrong', () => {
    expect(filesOfChecksum(uri, checksum([file(part, { deletionVector: { storageType: 'u', pathOrInlineDv: 'x', sizeInBytes: 34, cardinality: 1 } })]))).toBeUndefined();
    expect(filesOfChecksum(uri, checksum([file(`batch_id=20261204T171343Z-ab12cd/${part}`, { partitionValues: { batch_id: '20261204T171343Z-ab12cd' } })]))).toBeUndefined();
    expect(filesOfChecksum(uri, checksum([file(`hdfs://elsewhere/${part}`)]))).toBeUndefined();
    expect(filesOfChecksum(uri, checksum([file('part%20one.parquet')]))).toBeUndefined();
  });
});

describe('the files of batches of a table partitioned by batch, from the commits that added them', () => {
  let stub: MemoryWebHdfs;
  let hdfs: WebHdfs;
  const uri = 'hdfs://127.0.0.1:8020/lake/bronze/ad_events';
  const commit = (version: number, actions: object[]) => writeCommit(stub, '/lake/bronze/ad_events', version, actions);
  // A streamed epoch's commit as Delta's streaming sink writes it: one file a Kafka partition read.
  const epoch = (batch: string, files: number, extra: object = {}) => [
    { commitInfo: { operation: 'STREAMING UPDATE', operationParameters: { outputMode: 'Append' } } },
    { txn: { appId: 'q1', version: 1 } },
    ...Array.from({ length: files }, (_, i) => ({ add: { path: `batch_id=${batch}/part-0000${i}.snappy.parquet`, partitionValues: { batch_id: batch }, dataChange: true, ...extra } })),
  ];
  const b = (n: number) => `20261205T0900${String(n).padStart(2, '0')}Z-ab12cd`;

  beforeAll(async () => {
    stub = await MemoryWebHdfs.start();
    hdfs = new WebHdfs(stub.url);
    commit(0, [{ commitInfo: { operation: 'CREATE TABLE' } }, { metaData: { partitionColumns: ['batch_id'] } }]);
    commit(1, epoch(b(1), 3));
    commit(2, epoch(b(2), 1));
    commit(3, epoch('20261205 09:00', 1));
    commit(4, epoch(b(4), 1, { deletionVector: { storageType: 'u' } }));
  });

  afterAll(() => stub.stop());

  it('names every file of the batches, under the table, with the batch in the path Spark takes the partition from', async () => {
    expect(await batchPartitionFiles(hdfs, uri, [b(1), b(2)], 1)).toEqual([
      ...[0, 1, 2].map((i) => `${uri}/batch_id=${b(1)}/part-0000${i}.snappy.parquet`),
      `${uri}/batch_id=${b(2)}/part-00000.snappy.parquet`,
    ]);
    expect(await batchPartitionFiles(hdfs, uri, [b(2)], 0)).toEqual([`${uri}/batch_id=${b(2)}/part-00000.snappy.parquet`]);
  });

  it('gives nothing when a batch has no file in the commits read, or they are more than asked', async () => {
    expect(await batchPartitionFiles(hdfs, uri, [b(1), b(2)], 2)).toBeUndefined();
    expect(await batchPartitionFiles(hdfs, uri, [b(2)], 1, 3)).toBeUndefined();
    expect(await batchPartitionFiles(hdfs, uri, [b(2)], 9)).toBeUndefined();
  });

  it('gives nothing for a file a Parquet read would get wrong: an escaped partition value, a deletion vector', async () => {
    expect(await batchPartitionFiles(hdfs, uri, ['20261205 09:00'], 3)).toBeUndefined();
    expect(await batchPartitionFiles(hdfs, uri, [b(4)], 4)).toBeUndefined();
  });

  it('does not list a log whose latest checkpoint is already more commits past `from` than asked', async () => {
    stub.files.set('/lake/bronze/ad_events/_delta_log/_last_checkpoint', { content: Buffer.from('{"version":4,"size":12}'), modificationTime: 0 });
    const listings = () => stub.asked.filter((asked) => asked.startsWith('LISTSTATUS')).length;
    const before = listings();
    expect(await batchPartitionFiles(hdfs, uri, [b(2)], 2, 2)).toBeUndefined();
    expect(listings()).toBe(before);
    expect(await batchPartitionFiles(hdfs, uri, [b(2)], 2, 3)).toEqual([`${uri}/batch_id=${b(2)}/part-00000.snappy.parquet`]);
    stub.files.delete('/lake/bronze/ad_events/_delta_log/_last_checkpoint');
  });

  it('gives nothing once a commit since removed files: a compaction may have moved the rows', async () => {
    commit(5, [
      { commitInfo: { operation: 'OPTIMIZE' } },
      { add: { path: `batch_id=${b(1)}/part-big.snappy.parquet`, partitionValues: { batch_id: b(1) }, dataChange: false } },
      { remove: { path: `batch_id=${b(1)}/part-00000.snappy.parquet`, dataChange: false } },
    ]);
    expect(await batchPartitionFiles(hdfs, uri, [b(2)], 2)).toBeUndefined();
  });
});
