// Gold in memory. The four gold tables are small: the API loads the published gold version (each
// table at the Delta version the `gold/_current.json` pointer names) through Spark Connect, serves every request from memory, and
// checks the pointer every few seconds — not on every request — loading a new version when one
// is published. When Spark or HDFS fails, the last loaded version keeps being served and the
// readiness check says it is stale.
import type { LakeConfig } from '../control/config.js';
import { describeError } from '../control/errors.js';
import { WebHdfs, hdfsPath } from '../control/hdfs/webhdfs.js';
import { LayerPointer, tableUri, type PublishedLayer } from '../control/runs/published.js';
import { SparkSession, type Row } from '@lake/spark-connect';
import { gold, columnsDdl, type Columns, type GoldTable } from '../jobs/catalog.js';
import { logFile, snapshotFiles } from '../jobs/delta.js';
import { VersionListeners, servedSnapshot, type GoldSnapshot, type GoldSource, type GoldStatus, type VersionListener } from './gold-source.js';
import { goldEndpoints, toMetricRow, type MetricRow } from './gold-tables.js';

export type { GoldSnapshot, GoldSource, GoldStatus } from './gold-source.js';

/** Loads the tables of one gold version. */
export type GoldLoader = (version: PublishedLayer) => Promise<Record<GoldTable, MetricRow[]>>;

export interface GoldCacheOptions {
  pollMs: number;
  /** Reads the pointer; by default from HDFS. */
  readPointer?: () => Promise<PublishedLayer | undefined>;
  load?: GoldLoader;
  log?: (line: string) => void;
  /** Called after every check, whatever its outcome (the API's primary passes gold on to its workers). */
  onCheck?: (cache: GoldCache) => void;
}

// A load that takes longer than this is abandoned and retried at the next check.
const LOAD_TIMEOUT_MS = 120_000;

/**
 * Loads a gold version through Spark, one table at a time only when it changed: a table whose Delta
 * version (and commit file) is the one loaded last keeps its rows, so a version the stream
 * publishes, which moves `campaign_metrics` alone, costs one read, not four. The changed tables
 * are read side by side. The commit file's time tells a table rebuilt at the same path (a lake
 * removed and made again) from the one loaded.
 */
export function sparkGoldLoader(config: LakeConfig): GoldLoader & { close(): Promise<void> } {
  const hdfs = new WebHdfs(config.webHdfs);
  let session: Promise<SparkSession> | undefined;
  let loaded = new Map<GoldTable, { commit: string; rows: MetricRow[] }>();
  const loader = async (version: PublishedLayer) => {
    session ??= SparkSession.connect(config.sparkRemote);
    try {
      const tables = await Promise.all(
        goldEndpoints.map(async (endpoint) => {
          const table = version.tables[endpoint.table];
          if (!table) throw new Error(`gold version ${version.runId} has no table ${endpoint.table}`);
          const uri = tableUri(config, table);
          const written = await hdfs.status(hdfsPath(logFile(uri, table.version, 'json')));
          const commit = `${table.path}@${table.version}@${written?.modificationTime ?? 'unknown'}`;
          const known = loaded.get(endpoint.table);
          if (written && known?.commit === commit) return [endpoint.table, known] as const;
          const rows = await readVersion(await session!, hdfs, uri, table.version, gold[endpoint.table].columns);
          return [endpoint.table, { commit, rows: rows.map((row) => toMetricRow(endpoint, row)) }] as const;
        }),
      );
      loaded = new Map(tables);
      return Object.fromEntries(tables.map(([table, { rows }]) => [table, rows])) as Record<GoldTable, MetricRow[]>;
    } catch (error) {
      // A broken session (server restarted, network cut) is replaced on the next load.
      const broken = session;
      session = undefined;
      await broken?.then((s) => s.close()).catch(() => undefined);
      throw error;
    }
  };
  return Object.assign(loader, { close: async () => (await session?.catch(() => undefined))?.close() });
}

/**
 * A gold table at a version: its files as the commit's checksum lists them, read as Parquet with the
 * catalog's schema (a gold table is one small file, and the checksum spares the Spark jobs that would
 * rebuild the table's state from its log, each new version again), or through Delta when the
 * checksum does not list them.
 */
async function readVersion(spark: SparkSession, hdfs: WebHdfs, uri: string, version: number, columns: Columns): Promise<Row[]> {
  const files = await snapshotFiles(hdfs, uri, version);
  if (files?.length === 0) return [];
  const table = files ? spark.read.format('parquet').schema(columnsDdl(columns)).load(...files) : spark.read.format('delta').option('versionAsOf', version).load(uri);
  return table.collect({ signal: AbortSignal.timeout(LOAD_TIMEOUT_MS) });
}

export class GoldCache implements GoldSource {
  private current: GoldSnapshot | undefined;
  private state: GoldStatus = { state: 'empty' };
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private readonly readPointer: () => Promise<PublishedLayer | undefined>;
  private readonly load: GoldLoader;
  private readonly log: (line: string) => void;
  private readonly listeners: VersionListeners;

  constructor(
    config: LakeConfig,
    private readonly options: GoldCacheOptions,
  ) {
    const pointer = new LayerPointer(new WebHdfs(config.webHdfs), hdfsPath(config.lakeRoot), 'gold');
    this.readPointer = options.readPointer ?? (() => pointer.current());
    this.load = options.load ?? sparkGoldLoader(config);
    this.log = options.log ?? (() => undefined);
    this.listeners = new VersionListeners((error) => this.log(`a gold version listener failed: ${String(error)}`));
  }

  snapshot(): GoldSnapshot | undefined {
    return this.current;
  }

  status(): GoldStatus {
    return { ...this.state };
  }

  onVersion(listener: VersionListener): () => void {
    return this.listeners.add(listener);
  }

  /** Checks now, then every `pollMs`. The first check is awaited, but its failure is not thrown. */
  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.options.pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One check of the pointer, and a load when it moved; concurrent calls share one check. */
  check(): Promise<void> {
    this.checking ??= this.checkOnce().finally(() => {
      this.checking = undefined;
      this.options.onCheck?.(this);
    });
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    const checkedAt = new Date().toISOString();
    try {
      const pointer = await this.readPointer();
      if (!pointer) {
        this.state = { ...this.describe(), state: this.current ? 'stale' : 'empty', checkedAt, error: 'no gold version is published yet: run `npm run job:gold`' };
        return;
      }
      let loaded: GoldSnapshot | undefined;
      if (pointer.runId !== this.current?.version) {
        const tables = await this.load(pointer);
        loaded = servedSnapshot({ version: pointer.runId, publishedAt: pointer.publishedAt, loadedAt: new Date().toISOString(), tables });
        this.current = loaded;
        this.log(`gold ${pointer.runId} loaded (published ${pointer.publishedAt})`);
      }
      this.state = { ...this.describe(), state: 'ready', checkedAt };
      // Once the state says so too: a listener that asks sees the new version ready.
      if (loaded) this.listeners.notify(loaded);
    } catch (error) {
      const reason = describeError(error).split('\n')[0] ?? 'unknown error';
      if (this.state.error !== reason) this.log(`gold check failed: ${reason}${this.current ? ` (still serving ${this.current.version})` : ''}`);
      this.state = { ...this.describe(), state: this.current ? 'stale' : 'empty', checkedAt, error: reason };
    }
  }

  private describe(): GoldStatus {
    const current = this.current;
    return current ? { state: 'ready', version: current.version, publishedAt: current.publishedAt, loadedAt: current.loadedAt } : { state: 'empty' };
  }
}
