// Every lake table as a temporary view `<layer>_<table>` of a Spark session, for `lake sql`:
//   bronze_<table>      committed bronze batches: the raw lines of file sources (batch_id, file,
//                       line_number, line, blank), the raw Kafka records of ad_events
//   silver_<table>, silver_<table>_quarantine, gold_<metric>
//                       each table of the layer's published version, at the Delta version it names
// With `asOf` (a silver or gold run id), the lake as that run published it instead (jobs/as-of.ts),
// and bronze only with the batches that silver version holds.
// A lake that does not exist yet has no views; a table that cannot be read is a warning, so that
// queries not about it still run. Spark unreachable or refusing the client is an error: no query
// could run. A query that meets a version whose files `lake maintain` removed gets an error that
// says so (explainRemovedVersion), rather than Spark's "file does not exist".
import type { LakeConfig } from '../control/config.js';
import { LakeError, describeError } from '../control/errors.js';
import { WebHdfs, hdfsPath } from '../control/hdfs/webhdfs.js';
import { RunStore, runsOf } from '../control/runs/manifest.js';
import { LayerPointer, registerPublishedViews, tableUri, type PublishedLayer, type PublishedLayerName } from '../control/runs/published.js';
import { SparkAuthError, SparkError, SparkUnreachableError, type SparkSession } from '@lake/spark-connect';
import { lakeAsOf } from './as-of.js';
import { fileTables, registerBronzeViews } from './silver/bronze-views.js';

/** A view read at a Delta version, and the run that published that version. */
export interface VersionedView {
  view: string;
  uri: string;
  version: number;
  runId: string;
}

export interface LakeViews {
  views: string[];
  warnings: string[];
  /** The silver and gold views, with the Delta version each reads. */
  versions: VersionedView[];
  /** With `asOf`: the runs whose layer versions the views read. */
  asOf?: { silver: string; gold?: string };
}

export interface LakeViewsOptions {
  /** A succeeded silver or gold run: read the lake as it published it. */
  asOf?: string;
  /** Only these views (those a query names, see lakeViewsNamedIn); every view when absent. */
  only?: ReadonlySet<string>;
}

/**
 * The lake views a query names, so that only they are registered: each is a Spark round trip that
 * reads a Delta log, a second or two for all of them. Undefined (all views) for a SHOW statement,
 * which lists views without naming them.
 */
export function lakeViewsNamedIn(query: string): Set<string> | undefined {
  if (/^\s*SHOW\b/i.test(query)) return undefined;
  return new Set([...query.matchAll(/\b(?:bronze|silver|gold)_\w+/gi)].map(([name]) => name.toLowerCase()));
}

export async function registerLakeViews(session: SparkSession, config: LakeConfig, options: LakeViewsOptions = {}): Promise<LakeViews> {
  const result: LakeViews = { views: [], warnings: [], versions: [] };
  const hdfs = new WebHdfs(config.webHdfs);
  const root = hdfsPath(config.lakeRoot);
  const attempt = async <T>(what: string, action: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await action();
    } catch (error) {
      if (error instanceof SparkUnreachableError || error instanceof SparkAuthError) throw error;
      result.warnings.push(`${what}: ${describeError(error)}`);
      return undefined;
    }
  };
  const current = (layer: PublishedLayerName) => attempt(layer, () => new LayerPointer(hdfs, root, layer).current());

  // The run manifests say which bronze batches are committed, and which versions a run published.
  // With `asOf`, outside `attempt`: without them, or with a run id that names no published version,
  // no query could read what was asked for.
  const listRuns = () => new RunStore(hdfs, root).list();
  const runs = options.asOf === undefined ? ((await attempt('bronze', listRuns)) ?? []) : await listRuns();
  const asOf = options.asOf === undefined ? undefined : lakeAsOf(runs, options.asOf);
  const layers: Record<PublishedLayerName, PublishedLayer | undefined> = asOf
    ? { silver: asOf.silver, gold: asOf.gold }
    : { silver: await current('silver'), gold: await current('gold') };
  if (asOf) {
    result.warnings.push(...asOf.warnings);
    result.asOf = { silver: asOf.silver.runId, gold: asOf.gold?.runId };
  }

  const wanted = (view: string) => options.only?.has(view) ?? true;
  // The bronze views come together (registerBronzeViews makes the lines and file facts views too).
  const wantsBronze = options.only === undefined || [...options.only].some((view) => view.startsWith('bronze_'));
  const bronze = await attempt('bronze', async () => {
    if (!wantsBronze) return [];
    const committed = runsOf(runs, 'bronze');
    const held = asOf ? new Set(asOf.silver.madeFrom) : undefined;
    const batches = held ? committed.filter((run) => held.has(run.runId)) : committed;
    if (batches.length === 0) return [];
    await registerBronzeViews(session, config, batches);
    for (const table of fileTables) await session.sql(`CREATE OR REPLACE TEMP VIEW bronze_${table} AS SELECT * FROM bronze_${table}_lines`);
    return [...fileTables.map((table) => `bronze_${table}`), 'bronze_ad_events'];
  });
  result.views.push(...(bronze ?? []));
  // Table by table, so that one table that cannot be read leaves the others readable; side by
  // side, as each view is a round trip in which Spark reads the table's Delta log.
  const reads = (['silver', 'gold'] as const).flatMap((layer) => {
    const version = layers[layer];
    if (!version) return [];
    return Object.entries(version.tables)
      .filter(([table]) => wanted(`${layer}_${table}`))
      .map(([table, published]) => ({
        layer,
        one: { ...version, tables: { [table]: published } },
        read: { view: `${layer}_${table}`, uri: tableUri(config, published), version: published.version, runId: version.runId },
      }));
  });
  await Promise.all(
    reads.map(({ layer, one, read }) =>
      attempt(read.view, async () => {
        result.views.push(
          ...(await registerPublishedViews(session, config, layer, one).catch((error: unknown) => {
            throw explainRemovedVersion(error, [read]);
          })),
        );
        result.versions.push(read);
      }),
    ),
  );
  return result;
}

/**
 * A Spark error from reading a view at a version that can no longer be read, as a LakeError that
 * says which version of which view and why; any other error as it is. Two ways to lose a version:
 * `lake maintain` removed its data files (VACUUM: Spark fails reading one), or Delta cleaned the
 * log entries that describe it (after delta.logRetentionDuration, 30 days by default).
 */
export function explainRemovedVersion(error: unknown, versions: readonly VersionedView[]): unknown {
  if (!(error instanceof SparkError)) return error;
  const errorClass = error.errorClass ?? '';
  const hint = 'read a newer run (`lake runs` lists them; `lake history <table>` shows the versions); `lake maintain --keep N` keeps the last N published versions of each layer';
  if (errorClass.startsWith('FAILED_READ_FILE.FILE_NOT_EXIST')) {
    const file = error.messageParameters.path ?? '';
    const lost = versions.find((read) => file.startsWith(`${read.uri}/`));
    if (lost) {
      return new LakeError(`version ${lost.version} of ${lost.view} (published by run ${lost.runId}) was removed by \`lake maintain\`: its file ${file.slice(lost.uri.length + 1)} is gone`, hint, { cause: error });
    }
  }
  if (errorClass === 'DELTA_VERSION_NOT_FOUND' && versions.length === 1) {
    const [lost] = versions as [VersionedView];
    const available = error.messageParameters.earliest === undefined ? '' : ` (it has versions ${error.messageParameters.earliest} to ${error.messageParameters.latest})`;
    return new LakeError(`version ${lost.version} of ${lost.view} (published by run ${lost.runId}) is no longer in the table's Delta log${available}`, hint, { cause: error });
  }
  return error;
}
