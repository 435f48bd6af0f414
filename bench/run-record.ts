// What reading the run record costs once a long stream has filled it (three manifests a cycle,
// about 50 000 a day at 5 s cycles): a lake with that many loose manifests in `_runs`, read by a
// new process (every file read) and again by the same one (the listing and the cached manifests),
// then the same after the next run sealed them (`_runs/_sealed`). Each reading is its own child
// process, the way `lake runs`, a job or a restarted `lake stream` meets the record.
//
//   npm run bench:run-record -- [manifests] [repeats]     (default 20 000 manifests, 3 repeats)
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '../control/config.js';
import { WebHdfs, hdfsPath } from '../control/hdfs/webhdfs.js';
import { runLayer } from '../control/runs/layer-run.js';
import { RunStore, type RunManifest } from '../control/runs/manifest.js';
import { newRunId } from '../control/runs/run-id.js';
import { sideBySide } from '../control/side-by-side.js';

interface Reading {
  coldMs: number;
  warmMs: number[];
  runs: number;
  heapMiB: number;
}

/** In the child: a new process reads the record, then reads it again. */
async function readRecord(root: string, repeats: number): Promise<Reading> {
  const store = new RunStore(new WebHdfs(loadConfig().webHdfs), root);
  let started = performance.now();
  const runs = (await store.list()).length;
  const coldMs = performance.now() - started;
  const warmMs: number[] = [];
  for (let i = 0; i < repeats; i++) {
    started = performance.now();
    await store.succeeded('bronze');
    warmMs.push(performance.now() - started);
  }
  return { coldMs, warmMs, runs, heapMiB: process.memoryUsage().heapUsed / 2 ** 20 };
}

/** A cycle's three manifests, the size the stream writes them. */
function cycleRuns(cycle: number): RunManifest[] {
  const at = new Date(Date.UTC(2026, 11, 1) + cycle * 5_000);
  const [bronze, silver, gold] = [0, 1, 2].map((i) => newRunId(new Date(at.getTime() + i * 1_000)));
  const times = { startedAt: at.toISOString(), endedAt: at.toISOString(), outcome: 'succeeded' as const };
  const tables = (layer: string, names: string[]) => Object.fromEntries(names.map((name) => [name, { path: `${layer}/${name}`, version: cycle }]));
  return [
    { runId: bronze!, layer: 'bronze', ...times, kafka: { topic: 'ad-events', ranges: { '0': { from: cycle, until: cycle + 1 } }, records: 10_000, committed: { '0': cycle + 1, '1': cycle, '2': cycle }, deltaVersion: cycle, batches: [bronze!], stream: { queryId: randomUUID(), lastEpoch: cycle } } },
    { runId: silver!, layer: 'silver', ...times, madeFrom: [bronze!], builtOn: silver!, published: { runId: silver!, publishedAt: at.toISOString(), tables: tables('silver', ['transactions', 'server_logs', 'social_posts', 'ad_events', 'transactions_quarantine', 'server_logs_quarantine', 'social_posts_quarantine', 'ad_events_quarantine']) }, silver: { ad_events: { bronzeRecords: 10_000, blankLines: 0, silverRows: 9_800, quarantined: 200, reasons: { 'duplicate:event_id': 100, invalid_json: 100 } } } },
    { runId: gold!, layer: 'gold', ...times, madeFrom: [silver!], published: { runId: gold!, publishedAt: at.toISOString(), tables: tables('gold', ['sales_per_product', 'campaign_metrics', 'status_counts', 'likes_per_product']) }, gold: { campaign_metrics: { rows: 12 } } },
  ];
}

async function inChild(root: string, repeats: number): Promise<Reading> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--read', root, String(repeats)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as Reading;
}

const describe = (what: string, reading: Reading) =>
  `${what}: ${reading.runs} runs; new process ${(reading.coldMs / 1000).toFixed(2)} s; again ${reading.warmMs.map((ms) => `${ms.toFixed(0)} ms`).join(' / ')}; heap ${reading.heapMiB.toFixed(0)} MiB\n`;

if (process.argv[2] === '--read') {
  process.stdout.write(JSON.stringify(await readRecord(process.argv[3]!, Number(process.argv[4]))));
} else {
  const manifests = Number(process.argv[2] ?? 20_000);
  const repeats = Number(process.argv[3] ?? 3);
  const config = loadConfig({ ...process.env, LAKE_ROOT: `hdfs://127.0.0.1:8020/bench-run-record-${randomUUID().slice(0, 8)}` });
  const hdfs = new WebHdfs(config.webHdfs);
  const root = hdfsPath(config.lakeRoot);
  try {
    const store = new RunStore(hdfs, root);
    const written = Array.from({ length: Math.ceil(manifests / 3) }, (_, cycle) => cycleRuns(cycle)).flat().slice(0, manifests);
    let started = performance.now();
    await sideBySide(written, (manifest) => store.save(manifest), { atOnce: 32 });
    process.stdout.write(`wrote ${written.length} manifests in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    process.stdout.write(describe('loose', await inChild(root, repeats)));
    // The next run of a layer seals them (its own manifest with them).
    await store.list();
    started = performance.now();
    await runLayer(config, 'gold', { work: async () => 'nothing new', undo: async () => undefined });
    const sealed = await hdfs.list(`${root}/_runs/_sealed`);
    process.stdout.write(`a run that sealed them: ${((performance.now() - started) / 1000).toFixed(1)} s; _runs/_sealed holds ${sealed.length} file(s), ${(sealed.reduce((sum, file) => sum + file.length, 0) / 2 ** 20).toFixed(1)} MiB\n`);
    process.stdout.write(describe('sealed', await inChild(root, repeats)));
  } finally {
    await hdfs.delete(root, true);
  }
}
