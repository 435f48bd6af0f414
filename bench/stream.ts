// Latency of the real-time path, end to end: from an ad event's acknowledgement by Kafka to the
// moment `/api/campaign-metrics/` serves a gold version that counts it. For each rate: a lake and
// topic of its own, `lake stream` and `lake api` as the user runs them (child processes, the API
// with its default gold poll interval; access tokens living 2 h so one outlives the run), the producer sending a steady flow for the given time,
// and a client polling the endpoint every 100 ms with its ETag (a 304 costs nothing) that notes
// when each gold version is first served. Afterwards every landed event is matched with the
// first served version whose gold covers its offset (gold run → the silver it read → the bronze
// runs that silver holds → their Kafka offsets), and its latency is that moment minus the event's
// Kafka timestamp: the producer's CreateTime, stamped just before the send, so each figure is
// an upper bound of acknowledgement → API by the acknowledgement's round trip (a few ms).
// Reports p50/p90/p99/max per rate, the achieved rate, and the peak resident memory of the stack
// and of the two lake processes.
//
// BENCH_HISTORY=<events>: the lake first holds that many events (produced, then landed, cleaned and
// published by `lake stream --until-idle`), so that each cycle works on top of a history, as a
// stream that has run for a while does; only the events of the steady flow are timed.
//
//   npm run bench:stream -- [rates, default 2000] [seconds per rate, default 300] [trigger, default lake stream's]
//   npm run bench:stream -- 2000,5000,10000 120
//   BENCH_HISTORY=1000000 npm run bench:stream -- 2000 120
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultGoldPollMs } from '../api/config.js';
import { UserStore } from '../api/users.js';
import { loadConfig, repoRoot, type LakeConfig } from '../control/config.js';
import { WebHdfs, hdfsPath } from '../control/hdfs/webhdfs.js';
import { createKafka } from '../control/kafka/client.js';
import { produceAdEvents } from '../control/kafka/produce-ad-events.js';
import { parseDuration, parseWholeNumber } from '../control/kafka/produce-options.js';
import { RunStore, type BronzeRun, type GoldRun, type SilverRun } from '../control/runs/manifest.js';
import { silverBatchesOf } from '../control/runs/silver-batches.js';
import { SparkSession } from '@lake/spark-connect';
import { adEventsTable } from '../jobs/bronze/kafka-source.js';
import { defaultTriggerMs } from '../jobs/stream.js';
import { memory, processes, rssMiB } from './stack-processes.js';

const rates = (process.argv[2] ?? '2000').split(',').map((rate) => parseWholeNumber(rate, 'rate'));
const seconds = parseWholeNumber(process.argv[3] ?? '300', 'seconds');
const trigger = process.argv[4] ?? `${defaultTriggerMs / 1000}s`;
parseDuration(trigger, 'trigger');
const apiPort = Number(process.env.BENCH_API_PORT ?? 18_100);
const apiPollMs = Number(process.env.API_GOLD_POLL_MS ?? defaultGoldPollMs);
const history = parseWholeNumber(process.env.BENCH_HISTORY ?? '0', 'BENCH_HISTORY', 0);

interface Served {
  version: string;
  at: number;
}

interface RateResult {
  rate: number;
  achieved: number;
  events: number;
  latenciesMs: number[];
  versions: number;
  peakStackMiB: number;
  peakStreamMiB: number;
  peakApiMiB: number;
  /** Median seconds of the stream's runs per layer (a cycle: record the epochs, silver, gold), and the cycles. */
  layerMedians: Record<'bronze' | 'silver' | 'gold', number>;
  cycles: number;
  /** Median milliseconds from a gold version's publication (its run's `publishedAt`) to the first poll that got it from the API. */
  publishToServedMs: number;
}

const percentile = (sorted: readonly number[], q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
// A measure with nothing to measure (no gold version served, no run of a layer) prints as a dash, not NaN.
const secondsText = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : '–');

/**
 * A `lake` command in a process group of its own, so that `stopGroup` reaches it as Ctrl-C does: the
 * whole group (bin/lake.mjs leaves a Ctrl-C to the TypeScript child it runs when the compiled CLI
 * is out of date).
 */
function lakeProcess(args: string[], config: LakeConfig, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [path.join(repoRoot, 'bin/lake.mjs'), ...args], {
    env: { ...process.env, LAKE_ROOT: config.lakeRoot, LAKE_KAFKA_TOPIC: config.kafkaTopic, LAKE_INPUT: config.inputDir, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
}

function stopGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, signal);
}

/** The last lines a child wrote to stderr (read all along, so the pipe never fills). */
const stderrTails = new Map<ChildProcess, string>();

/** Resolves when the child's stderr has printed a line matching `pattern`; rejects if it exits first. */
async function lineFrom(child: ChildProcess, pattern: RegExp, what: string): Promise<void> {
  stderrTails.set(child, '');
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      const seen = `${stderrTails.get(child)}${chunk.toString('utf8')}`.slice(-20_000);
      stderrTails.set(child, seen);
      if (pattern.test(seen)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before it was ready:\n${stderrTails.get(child)?.slice(-2000)}`)));
  });
}

/** Throws when a child the measurement needs has ended. */
function expectRunning(children: Record<string, ChildProcess>): void {
  for (const [what, child] of Object.entries(children)) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} ended (${child.exitCode ?? child.signalCode}):\n${stderrTails.get(child)?.slice(-2000)}`);
  }
}

/** For each Kafka partition, the offset up to which a gold run's gold counts the events. */
function coverageOf(gold: GoldRun, runs: Map<string, SilverRun | BronzeRun | GoldRun>): Record<string, number> {
  const silver = gold.madeFrom?.[0];
  const coverage: Record<string, number> = {};
  for (const bronzeId of silver && runs.has(silver) ? silverBatchesOf(runs, silver) : []) {
    const committed = (runs.get(bronzeId) as BronzeRun | undefined)?.kafka?.committed ?? {};
    for (const [partition, offset] of Object.entries(committed)) coverage[partition] = Math.max(coverage[partition] ?? 0, offset);
  }
  return coverage;
}

/** For each version the API served, the milliseconds from its gold run's publication to the first poll that got it. */
function publishToServed(served: readonly Served[], runs: Map<string, SilverRun | BronzeRun | GoldRun>): number[] {
  const first = new Map<string, number>();
  for (const { version, at } of served) if (!first.has(version)) first.set(version, at);
  return [...first]
    .map(([version, at]) => {
      const publishedAt = (runs.get(version) as GoldRun | undefined)?.published?.publishedAt;
      return publishedAt ? at - Date.parse(publishedAt) : NaN;
    })
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
}

async function measureRate(rate: number, seed: number): Promise<RateResult> {
  const id = randomUUID().slice(0, 8);
  const input = await mkdtemp(path.join(os.tmpdir(), 'lake-bench-stream-'));
  const config: LakeConfig = { ...loadConfig(), lakeRoot: `hdfs://127.0.0.1:8020/lake-bench-stream-${id}`, inputDir: input, kafkaTopic: `bench-stream-${id}` };
  const hdfs = new WebHdfs(config.webHdfs);
  const usersDb = path.join(input, 'users.sqlite');
  const secret = randomBytes(32).toString('hex');
  const users = new UserStore(usersDb);
  await users.create('bench', 'bench password');
  users.close();

  // Offsets below these are the history's, not timed.
  const historyEnd = history > 0 ? await landHistory(config, seed) : new Map<string, number>();
  const measuredFrom = Date.now();
  const stream = lakeProcess(['stream', '--trigger', trigger], config);
  const api = lakeProcess(['api', '--port', String(apiPort)], config, { JWT_SECRET: secret, LAKE_USERS_DB: usersDb, API_WORKERS: '1', API_GOLD_POLL_MS: String(apiPollMs), JWT_ACCESS_TTL: '2h' });
  const served: Served[] = [];
  const peaks = { stack: 0, stream: 0, api: 0 };
  let polling = true;
  let pollFailure: string | undefined;
  try {
    await Promise.all([lineFrom(stream, /^landing /m, 'lake stream'), lineFrom(api, /listening on /, 'lake api')]);
    const login = await fetch(`http://127.0.0.1:${apiPort}/api/token/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: 'bench password' }) });
    const { access } = (await login.json()) as { access: string };

    const stackPids = await processes(config);
    const sampler = setInterval(() => {
      void (async () => {
        peaks.stack = Math.max(peaks.stack, [...(await memory(stackPids)).values()].reduce((sum, size) => sum + size, 0));
        peaks.stream = Math.max(peaks.stream, await rssMiB(stream.pid!));
        peaks.api = Math.max(peaks.api, await rssMiB(api.pid!));
      })();
    }, 2000);
    // The endpoint as a client sees it: each new version at the first poll that serves it.
    const poller = (async () => {
      let etag = '';
      while (polling) {
        const response = await fetch(`http://127.0.0.1:${apiPort}/api/campaign-metrics/`, { headers: { authorization: `Bearer ${access}`, ...(etag ? { 'if-none-match': etag } : {}) } }).catch(() => undefined);
        if (response?.status === 200) {
          await response.arrayBuffer();
          etag = response.headers.get('etag') ?? '';
          served.push({ version: response.headers.get('x-gold-version') ?? '', at: Date.now() });
        } else if (response && response.status !== 304 && response.status !== 503) {
          // 503: no gold yet. Anything else would stall the measurement: say so.
          pollFailure = `the API answered ${response.status}: ${await response.text()}`;
        }
        await sleep(100);
      }
    })();

    const started = performance.now();
    const produced = await produceAdEvents(config, { ratePerSecond: rate, durationMs: seconds * 1000, partitions: 3, dirtyRate: 0.02, seed });
    const achieved = produced.expected.bronze_records / ((performance.now() - started) / 1000);
    const produceEnd = new Map(produced.expected.offsets.map((written) => [String(written.partition), written.last_offset + 1]));

    // Until the API serves a gold version that counts every acknowledged event.
    const runs = new Map<string, SilverRun | BronzeRun | GoldRun>();
    const deadline = Date.now() + 600_000;
    for (;;) {
      for (const run of await new RunStore(hdfs, hdfsPath(config.lakeRoot)).list()) runs.set(run.runId, run);
      const last = served.at(-1);
      const gold = last && (runs.get(last.version) as GoldRun | undefined);
      const coverage = gold ? coverageOf(gold, runs) : {};
      if ([...produceEnd].every(([partition, end]) => (coverage[partition] ?? 0) >= end)) break;
      expectRunning({ 'lake stream': stream, 'lake api': api });
      if (pollFailure) throw new Error(pollFailure);
      if (Date.now() > deadline) throw new Error(`the API did not serve all ${produced.expected.bronze_records} events within 10 minutes of the end of production`);
      await sleep(1000);
    }
    polling = false;
    await poller;
    clearInterval(sampler);

    // Each landed event, matched with the first served version that counts it.
    const versions = served.map(({ version, at }) => ({ at, coverage: coverageOf(runs.get(version) as GoldRun, runs) }));
    const spark = await SparkSession.connect(config.sparkRemote);
    const timed = [...historyEnd].map(([partition, end]) => `NOT (partition = ${partition} AND offset < ${end})`).join(' AND ') || 'true';
    const rows = await (
      await spark.sql(`SELECT CAST(partition AS STRING) AS p, offset, unix_millis(timestamp) AS ms FROM delta.\`${adEventsTable(config)}\` WHERE ${timed}`)
    ).collect<{ p: string; offset: bigint; ms: bigint }>();
    await spark.close();
    const latenciesMs = rows
      .map(({ p, offset, ms }) => {
        const first = versions.find((version) => (version.coverage[p] ?? 0) > Number(offset));
        if (!first) throw new Error(`no served gold version counts offset ${offset} of partition ${p}`);
        return first.at - Number(ms);
      })
      .sort((a, b) => a - b);
    if (rows.length !== produced.expected.bronze_records) throw new Error(`bronze holds ${rows.length} events, the producer had ${produced.expected.bronze_records} acknowledged`);
    // The stream's runs (not the history's).
    const measured = [...runs.values()].filter((run) => run.outcome === 'succeeded' && Date.parse(run.startedAt) >= measuredFrom);
    const medianSeconds = (layer: 'bronze' | 'silver' | 'gold') => {
      const durations = measured.filter((run) => run.layer === layer).map((run) => (Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000);
      return percentile(durations.sort((a, b) => a - b), 0.5);
    };
    return {
      rate,
      achieved,
      events: rows.length,
      latenciesMs,
      versions: new Set(served.map((s) => s.version)).size,
      peakStackMiB: peaks.stack,
      peakStreamMiB: peaks.stream,
      peakApiMiB: peaks.api,
      layerMedians: { bronze: medianSeconds('bronze'), silver: medianSeconds('silver'), gold: medianSeconds('gold') },
      cycles: measured.filter((run) => run.layer === 'gold').length,
      publishToServedMs: percentile(publishToServed(served, runs), 0.5),
    };
  } finally {
    polling = false;
    stopGroup(stream, 'SIGINT');
    stopGroup(api, 'SIGTERM');
    await Promise.all([stream.exitCode === null ? once(stream, 'exit') : undefined, api.exitCode === null ? once(api, 'exit') : undefined]);
    await hdfs.delete(hdfsPath(config.lakeRoot), true);
    await rm(input, { recursive: true, force: true });
    const admin = createKafka(config).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [config.kafkaTopic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

/** Produces the history's events and has `lake stream --until-idle` publish them; returns the end offset of each partition. */
async function landHistory(config: LakeConfig, seed: number): Promise<Map<string, number>> {
  process.stderr.write(`a history of ${history} events first…\n`);
  const produced = await produceAdEvents(config, { count: history, partitions: 3, dirtyRate: 0.02, seed: 1000 + seed });
  const landing = lakeProcess(['stream', '--until-idle'], config);
  const exited = once(landing, 'exit');
  landing.stderr!.resume();
  const [code] = (await exited) as [number | null];
  if (code !== 0) throw new Error(`lake stream --until-idle exited (${code}) while landing the history`);
  return new Map(produced.expected.offsets.map((written) => [String(written.partition), written.last_offset + 1]));
}

const results: RateResult[] = [];
for (const [index, rate] of rates.entries()) {
  process.stderr.write(`rate ${rate} events/s for ${seconds} s…\n`);
  results.push(await measureRate(rate, index + 1));
}

const lines = [
  `Stream latency, Kafka acknowledgement → /api/campaign-metrics/, ${new Date().toISOString().slice(0, 10)}, ${os.availableParallelism()} vCPU, ${Math.round(os.totalmem() / 2 ** 30)} GiB; ${seconds} s per rate, trigger ${trigger}, API gold poll ${apiPollMs} ms, 3 partitions, 2 % dirty events${history > 0 ? `; on a lake already holding ${history} events` : ''}`,
  '',
  '| target rate | achieved | events | p50 | p90 | p99 | max | gold versions served | cycles; median record / silver / gold run | median gold published → served | peak RSS: stack / lake stream / lake api |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...results.map((r) =>
    `| ${r.rate} ev/s | ${Math.round(r.achieved)} ev/s | ${r.events} | ${secondsText(percentile(r.latenciesMs, 0.5))} | ${secondsText(percentile(r.latenciesMs, 0.9))} | ${secondsText(percentile(r.latenciesMs, 0.99))} | ${secondsText(r.latenciesMs.at(-1) ?? NaN)} | ${r.versions} | ${r.cycles}; ${(['bronze', 'silver', 'gold'] as const).map((layer) => secondsText(r.layerMedians[layer] * 1000)).join(' / ')} | ${secondsText(r.publishToServedMs)} | ${r.peakStackMiB} / ${r.peakStreamMiB} / ${r.peakApiMiB} MiB |`,
  ),
  '',
];
const over = results.find((r) => percentile(r.latenciesMs, 0.99) > 60_000);
lines.push(over ? `p99 passes 60 s at ${over.rate} events/s.` : `p99 stays under 60 s up to ${Math.max(...rates)} events/s (the highest rate measured).`);
process.stdout.write(`${lines.join('\n')}\n`);
