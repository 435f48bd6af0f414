// A lake of its own for testing one source's silver SQL: generated sample data (and, if given,
// hand-written files) landed by bronze, the bronze views registered, and the source classified as
// silver does it (its cleaning SQL, then the duplicates) into the view `classified_<table>`.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { loadConfig, repoRoot, type LakeConfig } from '../../../control/config.js';
import { WebHdfs, hdfsPath } from '../../../control/hdfs/webhdfs.js';
import { RunStore } from '../../../control/runs/manifest.js';
import { expectedFilePath, generateSample, type ExpectedFiles, type Scale } from '../../../control/sample/index.js';
import { SparkSession, type Row } from '@lake/spark-connect';
import { runBronze } from '../../../jobs/bronze.js';
import { fileSources, type FileTable } from '../../../jobs/bronze/file-sources.js';
import { silverColumns } from '../../../jobs/catalog.js';
import { registerBronzeViews } from '../../../jobs/silver/bronze-views.js';
import { classify } from '../../../jobs/silver/classify.js';

/** BigInt-safe plain values: Spark BIGINT counts come back as bigint, timestamps as Date. */
export const plain = (rows: Row[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v])));

export class SilverFixture {
  readonly config: LakeConfig;
  expected!: ExpectedFiles;
  session!: SparkSession;
  private input = '';

  constructor(
    readonly table: FileTable,
    readonly scale: Scale,
    readonly seed: number,
    /** Writes hand-written input files into the source folder (under `zz-hand/`, after the generated ones). */
    private readonly writeHandFiles?: (sourceFolder: string) => Promise<void>,
  ) {
    this.config = loadConfig({ ...process.env, LAKE_ROOT: `hdfs://127.0.0.1:8020/lake-test-silver-${table}-${randomUUID().slice(0, 8)}` });
  }

  async setUp(): Promise<void> {
    this.input = await mkdtemp(path.join(os.tmpdir(), `lake-silver-${this.table}-`));
    await generateSample({ outDir: this.input, scale: this.scale, seed: this.seed, dirtyRate: 0.02, force: false });
    this.expected = JSON.parse(await readFile(path.join(this.input, expectedFilePath), 'utf8')) as ExpectedFiles;
    await this.writeHandFiles?.(path.join(this.input, fileSources[this.table]));
    const config = { ...this.config, inputDir: this.input };
    const bronze = await runBronze(config, { tables: [this.table] });
    expect(bronze.outcome).toBe('succeeded');
    this.session = await SparkSession.connect(config.sparkRemote);
    const runs = await new RunStore(new WebHdfs(config.webHdfs), hdfsPath(config.lakeRoot)).succeeded('bronze');
    await registerBronzeViews(this.session, config, runs);
    await (await this.session.sql(await this.classify())).createOrReplaceTempView(`classified_${this.table}`);
  }

  async tearDown(): Promise<void> {
    await this.session?.close().catch(() => undefined);
    await new WebHdfs(this.config.webHdfs).delete(hdfsPath(this.config.lakeRoot), true);
    if (this.input) await rm(this.input, { recursive: true, force: true });
  }

  sql = async (query: string): Promise<Row[]> => (await this.session.sql(query)).collect();

  /** The source classified afresh, into scratch Parquet of its own; returns the SQL of the verdicts. */
  private classify(): Promise<string> {
    return classify(this.session, this.table, { folder: `${this.config.lakeRoot}/scratch/${randomUUID().slice(0, 8)}` }, false);
  }

  /** Count and hash of every verdict, classified afresh: equal runs give equal rows. */
  async fingerprint(): Promise<Record<string, unknown>[]> {
    return plain(await this.sql(`SELECT count(*) AS n, sum(hash(*)) AS h FROM (${await this.classify()})`));
  }

  /**
   * Silver and gold checks against `_expected/files.json`, on the generated files only: the count
   * of every reason, of silver rows and of all records; then the gold SQL `metric` over the valid
   * rows must give `expectedGold`.
   */
  async checkAgainstExpected(metric: string, expectedGold: unknown[]): Promise<void> {
    const truth = this.expected.sources[this.table];
    const classified = `classified_${this.table}`;
    const generated = `source_file NOT LIKE 'zz-hand/%'`;
    const reasons = plain(await this.sql(`SELECT reason, count(*) AS n FROM ${classified} WHERE ${generated} GROUP BY reason`));
    const quarantine = Object.fromEntries(reasons.filter((r) => r.reason !== null).map((r) => [r.reason, r.n]));
    expect(quarantine).toEqual(truth.quarantine);
    expect(reasons.find((r) => r.reason === null)?.n).toBe(truth.silver_rows);
    expect(reasons.reduce((sum, r) => sum + (r.n as number), 0)).toBe(truth.bronze_records);

    await this.sql(`CREATE OR REPLACE TEMP VIEW silver_${this.table} AS
      SELECT ${silverColumns[this.table].join(', ')}, batch_id FROM ${classified} WHERE reason IS NULL AND ${generated}`);
    const gold = await this.sql(await readFile(path.join(repoRoot, 'jobs/sql/gold', `${metric}.sql`), 'utf8'));
    expect(plain(gold)).toEqual(expectedGold);
  }
}
