import { describe, expect, it } from 'vitest';
import { commitOf } from './delta.js';

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
