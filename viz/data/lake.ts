// The lake as the charts read it: the published versions of silver and gold (their pointers),
// every table registered at the Delta version the pointer names as the views `silver_<table>` and
// `gold_<metric>` — the names `lake sql` uses — in a Spark session. Bronze is not needed.
import type { LakeConfig } from '../../control/config.js';
import { LakeError } from '../../control/errors.js';
import { WebHdfs, hdfsPath } from '../../control/hdfs/webhdfs.js';
import { LayerPointer, registerPublishedViews, type PublishedLayer } from '../../control/runs/published.js';
import type { SparkSession } from '@lake/spark-connect';

export interface ChartedVersions {
  silver: PublishedLayer;
  gold: PublishedLayer;
}

export async function registerChartViews(session: SparkSession, config: LakeConfig): Promise<ChartedVersions> {
  const hdfs = new WebHdfs(config.webHdfs);
  const versions: Partial<ChartedVersions> = {};
  for (const layer of ['silver', 'gold'] as const) {
    const current = await new LayerPointer(hdfs, hdfsPath(config.lakeRoot), layer).current();
    if (!current) throw new LakeError(`no ${layer} version in ${config.lakeRoot} yet: nothing to chart`, 'run the pipeline first: `npm run job:all`');
    await registerPublishedViews(session, config, layer, current);
    versions[layer] = current;
  }
  return versions as ChartedVersions;
}
