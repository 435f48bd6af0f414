// `lake runs`: the history of pipeline runs, from the run manifests in the lake.
import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { WebHdfs, hdfsPath } from '../hdfs/webhdfs.js';
import { RunStore, runDuration, type RunManifest } from '../runs/manifest.js';
import { formatTable } from './table.js';

function whatItDid(run: RunManifest): string {
  if (run.error) return run.error.split('\n')[0] ?? '';
  if (run.layer !== 'bronze') return '';
  const parts: string[] = [];
  const files = Object.values(run.files ?? {}).reduce((n, source) => n + source.landed.length, 0);
  if (run.files) parts.push(`${files} file${files === 1 ? '' : 's'}`);
  if (run.kafka) parts.push(`${run.kafka.records} ad events`);
  return parts.join(', ');
}

export function runsCommand(): Command {
  return new Command('runs')
    .description('list the runs of every layer, oldest first, from the run manifests in the lake')
    .option('--json', 'print the manifests as one JSON array')
    .option('-n, --last <count>', 'only the last runs', (value) => Number(value))
    .action(async (options: { json?: boolean; last?: number }) => {
      const config = loadConfig();
      let runs = await new RunStore(new WebHdfs(config.webHdfs), hdfsPath(config.lakeRoot)).list();
      if (options.last) runs = runs.slice(-options.last);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
        return;
      }
      if (runs.length === 0) {
        process.stdout.write(`no runs yet in ${config.lakeRoot}\n`);
        return;
      }
      const rows = runs.map((run) => [
        run.runId,
        run.layer,
        run.outcome,
        run.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
        runDuration(run),
        whatItDid(run),
      ]);
      process.stdout.write(`${formatTable(['run', 'layer', 'outcome', 'started (UTC)', 'duration', 'what'], rows)}\n`);
    });
}
