// Every lake table as a temporary view `<layer>_<table>` of a Spark session, for `lake sql`:
//   bronze_<table>      committed bronze batches: the raw lines of file sources (batch_id, file,
//                       line_number, line, blank), the raw Kafka records of ad_events
//   silver_<table>, silver_<table>_quarantine, gold_<metric>
//                       each table of the layer's published version, at the Delta version it names
// A lake that does not exist yet has no views; a table that cannot be read is a warning, so that
// queries not about it still run. Spark unreachable or refusing the client is an error: no query
// could run.
import type { LakeConfig } from '../control/config.js';
import { describeError } from '../control/errors.js';
import { WebHdfs, hdfsPath } from '../control/hdfs/webhdfs.js';
import { RunStore } from '../control/runs/manifest.js';
import { LayerPointer, registerPublishedViews } from '../control/runs/published.js';
import { SparkAuthError, SparkUnreachableError, type SparkSession } from '../control/spark/index.js';
import { fileTables, registerBronzeViews } from './silver/bronze-views.js';

export interface LakeViews {
  views: string[];
  warnings: string[];
}

export async function registerLakeViews(session: SparkSession, config: LakeConfig): Promise<LakeViews> {
  const result: LakeViews = { views: [], warnings: [] };
  const hdfs = new WebHdfs(config.webHdfs);
  const root = hdfsPath(config.lakeRoot);
  const attempt = async (what: string, action: () => Promise<string[]>) => {
    try {
      result.views.push(...(await action()));
    } catch (error) {
      if (error instanceof SparkUnreachableError || error instanceof SparkAuthError) throw error;
      result.warnings.push(`${what}: ${describeError(error)}`);
    }
  };

  await attempt('bronze', async () => {
    const runs = await new RunStore(hdfs, root).succeeded('bronze');
    if (runs.length === 0) return [];
    await registerBronzeViews(session, config, runs);
    for (const table of fileTables) await session.sql(`CREATE OR REPLACE TEMP VIEW bronze_${table} AS SELECT * FROM bronze_${table}_lines`);
    return [...fileTables.map((table) => `bronze_${table}`), 'bronze_ad_events'];
  });
  for (const layer of ['silver', 'gold'] as const) {
    await attempt(layer, async () => {
      const current = await new LayerPointer(hdfs, root, layer).current();
      return current ? registerPublishedViews(session, config, layer, current) : [];
    });
  }
  return result;
}
