import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { LakeError } from '../control/errors.js';
import { SparkError } from '@lake/spark-connect';
import { explainRemovedVersion, lakeViewsNamedIn, type VersionedView } from './lake-views.js';

const root = 'hdfs://127.0.0.1:8020/lake';
const versions: VersionedView[] = [
  { view: 'gold_campaign_metrics', uri: `${root}/gold/campaign_metrics`, version: 3, runId: '20261201T083000Z-abcdef' },
  { view: 'silver_transactions', uri: `${root}/silver/transactions`, version: 7, runId: '20261201T080000Z-123456' },
];
const sparkError = (errorClass: string, messageParameters: Record<string, string>) =>
  new SparkError({ message: 'Spark said no', grpcCode: status.INTERNAL, errorClass, messageParameters, serverMessage: 'Spark said no' });

describe('a read of a version that is gone', () => {
  it('names the version, the view and the run when maintain deleted one of its files', () => {
    const error = explainRemovedVersion(sparkError('FAILED_READ_FILE.FILE_NOT_EXIST', { path: `${root}/gold/campaign_metrics/part-00000-a.snappy.parquet` }), versions);
    expect(error).toBeInstanceOf(LakeError);
    expect((error as LakeError).message).toBe(
      'version 3 of gold_campaign_metrics (published by run 20261201T083000Z-abcdef) was removed by `lake maintain`: its file part-00000-a.snappy.parquet is gone',
    );
    expect((error as LakeError).hint).toContain('`lake runs`');
  });

  it('does not take one table for another whose name starts the same', () => {
    const missing = sparkError('FAILED_READ_FILE.FILE_NOT_EXIST', { path: `${root}/silver/transactions_quarantine/part-0.parquet` });
    expect(explainRemovedVersion(missing, versions)).toBe(missing);
  });

  it('says when the Delta log no longer has the version', () => {
    const error = explainRemovedVersion(sparkError('DELTA_VERSION_NOT_FOUND', { userVersion: '7', earliest: '12', latest: '20' }), [versions[1] as VersionedView]);
    expect((error as LakeError).message).toBe(
      "version 7 of silver_transactions (published by run 20261201T080000Z-123456) is no longer in the table's Delta log (it has versions 12 to 20)",
    );
  });

  it('leaves every other error as it is', () => {
    const other = sparkError('TABLE_OR_VIEW_NOT_FOUND', { relationName: 'x' });
    expect(explainRemovedVersion(other, versions)).toBe(other);
    const plain = new Error('boom');
    expect(explainRemovedVersion(plain, versions)).toBe(plain);
  });
});

describe('the lake views a query names', () => {
  it('finds each view the query names, whatever its case or quoting', () => {
    const query = 'SELECT t.*, g.ctr FROM `silver_transactions` t JOIN GOLD_Campaign_Metrics g ON true WHERE t.x IN (SELECT x FROM bronze_transactions_lines)';
    expect(lakeViewsNamedIn(query)).toEqual(new Set(['silver_transactions', 'gold_campaign_metrics', 'bronze_transactions_lines']));
  });

  it('names none in a query on no lake table', () => {
    expect(lakeViewsNamedIn('SELECT 1 AS one')).toEqual(new Set());
  });

  it('asks for every view for a SHOW statement, which lists them', () => {
    expect(lakeViewsNamedIn('  show views')).toBeUndefined();
  });
});
