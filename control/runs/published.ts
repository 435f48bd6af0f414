// Publication of a layer. Silver and gold are Delta tables at stable paths (`<layer>/<table>`): a
// run commits to each of them in turn, then names, in the layer's pointer `<layer>/_current.json`
// (replaced in one atomic HDFS rename), the Delta version it committed to each table. Readers read
// every table at the version the pointer names (Delta time travel), so they see one whole layer
// version or the previous one — never a mix, not even while a run is between two table commits,
// and not after a run died there: its commits are beyond what the pointer names, and the next run
// replaces them. Nothing here deletes data: old versions go only by `lake maintain` (VACUUM).
import type { LakeConfig } from '../config.js';
import { LakeError } from '../errors.js';
import type { WebHdfs } from '../hdfs/webhdfs.js';
import type { SparkSession } from '@lake/spark-connect';

export type PublishedLayerName = 'silver' | 'gold';

export interface PublishedTable {
  /** The Delta table, relative to the lake root: `<layer>/<table>`. */
  path: string;
  /** The Delta version of the table that this layer version is made of. */
  version: number;
  /** Gold: the version of each silver table the metric was computed from (`ad_events` → 12). */
  inputs?: Record<string, number>;
}

export interface PublishedLayer {
  /** The run that published it. */
  runId: string;
  publishedAt: string;
  tables: Record<string, PublishedTable>;
  /**
   * Gold: the silver run it was computed from. Silver: absent — the bronze batches it holds follow
   * from the run manifests (`heldBatches`, silver-batches.ts); a pointer that listed them all grew
   * by a batch a stream cycle and was rewritten every cycle. Pointers written before list them.
   */
  madeFrom?: string[];
}

/**
 * A layer version as a run's manifest records it. A silver run's names no batches: `silverBatchesOf`
 * (silver-batches.ts) derives them from the runs' own `madeFrom` — a copy in every manifest made
 * `_runs` grow with the square of the runs. Lakes written before that have it here, every batch
 * the version held.
 */
export type RecordedLayer = PublishedLayer;

/** The lake was made by a version of the lake before Delta: its layers must be rebuilt from bronze. */
export class OldLayoutError extends LakeError {
  constructor(where: string) {
    super(
      `${where} is in the layout of the lake before Delta Lake (Parquet versions under _versions/)`,
      'rebuild silver and gold from bronze, which is kept as it is: `npm run job:all -- --full-refresh`',
    );
  }
}

export class LayerPointer {
  constructor(
    private readonly hdfs: WebHdfs,
    /** Path of the lake root inside HDFS, e.g. `/lake`. */
    private readonly root: string,
    readonly layer: PublishedLayerName,
  ) {}

  private get file(): string {
    return `${this.root}/${this.layer}/_current.json`;
  }

  /** The published version, or undefined before the first; an old-layout pointer is an error. */
  async current(): Promise<PublishedLayer | undefined> {
    const text = await this.hdfs.read(this.file);
    if (!text) return undefined;
    const pointer = JSON.parse(text.toString('utf8')) as PublishedLayer | { tables: Record<string, string> };
    if (Object.values(pointer.tables).some((table) => typeof table === 'string')) throw new OldLayoutError(`${this.layer} of ${this.root}`);
    return pointer as PublishedLayer;
  }

  /** The pointer of the old layout, if any: what `--full-refresh` replaces. */
  async isOldLayout(): Promise<boolean> {
    try {
      await this.current();
      return (await this.hdfs.list(`${this.root}/${this.layer}/_versions`)).length > 0;
    } catch (error) {
      if (error instanceof OldLayoutError) return true;
      throw error;
    }
  }

  async publish(version: PublishedLayer): Promise<void> {
    await this.hdfs.write(this.file, `${JSON.stringify(version, null, 2)}\n`, { overwrite: true });
  }
}

/** The URI of a published table. */
export function tableUri(config: LakeConfig, table: Pick<PublishedTable, 'path'>): string {
  return `${config.lakeRoot}/${table.path}`;
}

/**
 * Registers each table of a published layer version as the view `<layer>_<table>`, read at the
 * Delta version it names: the one place every reader (gold, `lake sql`, the charts) does it. With
 * `only`, just those views.
 */
export async function registerPublishedViews(
  session: SparkSession,
  config: LakeConfig,
  layer: PublishedLayerName,
  version: PublishedLayer,
  only?: ReadonlySet<string>,
): Promise<string[]> {
  // Side by side: each view is a round trip in which Spark reads the table's Delta log.
  return Promise.all(
    Object.entries(version.tables)
      .filter(([table]) => only?.has(`${layer}_${table}`) ?? true)
      .map(async ([table, published]) => {
        await session.read.format('delta').option('versionAsOf', published.version).load(tableUri(config, published)).createOrReplaceTempView(`${layer}_${table}`);
        return `${layer}_${table}`;
      }),
  );
}

/** A table of a published layer version in SQL, at its version: delta.`…` VERSION AS OF n. */
export function publishedTableSql(config: LakeConfig, version: Pick<PublishedLayer, 'runId' | 'tables'>, table: string): string {
  const published = version.tables[table];
  if (!published) throw new LakeError(`the layer version of run ${version.runId} has no table ${table}`);
  return `delta.\`${tableUri(config, published)}\` VERSION AS OF ${published.version}`;
}
