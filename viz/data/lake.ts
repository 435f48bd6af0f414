// The lake as the charts read it: the current versions of silver and gold (the `_current.json`
// pointers), their tables registered as the views `silver_<table>` and `gold_<metric>` — the
// names `lake sql` uses — in a Spark session. Bronze is not needed, so not registered.
import type { LakeConfig } from '../../control/config.js';
import { LakeError } from '../../control/errors.js';
import { WebHdfs, hdfsPath } from '../../control/hdfs/webhdfs.js';
import { LayerVersions, type CurrentVersion } from '../../control/runs/versions.js';
import type { SparkSession } from '../../control/spark/index.js';

export interface ChartedVersions {
  silver: CurrentVersion;
  gold: CurrentVersion;
}

export async function registerChartViews(session: SparkSession, config: LakeConfig): Promise<ChartedVersions> {
  const hdfs = new WebHdfs(config.webHdfs);
  const versions: Partial<ChartedVersions> = {};
  for (const layer of ['silver', 'gold'] as const) {
    const current = await new LayerVersions(hdfs, hdfsPath(config.lakeRoot), layer).current();
    if (!current) throw new LakeError(`no ${layer} version in ${config.lakeRoot} yet: nothing to chart`, 'run the pipeline first: `npm run job:all`');
    // Side by side: each view is a round trip in which Spark reads its Parquet footers.
    await Promise.all(
      Object.entries(current.tables).map(([table, folder]) => session.read.format('parquet').load(`${config.lakeRoot}/${folder}`).createOrReplaceTempView(`${layer}_${table}`)),
    );
    versions[layer] = current;
  }
  return versions as ChartedVersions;
}
