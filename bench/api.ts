// Benchmark of the API: autocannon against a real `lake api` (API_WORKERS worker processes, by
// default one per core) serving the lake's current gold, with a valid access token: 100
// connections for throughput, 10 for latency (with 100 waiting connections latency is mostly
// queueing: 100 / throughput), and /api/health, which skips authentication and gold. Then, in the
// same run, the floor: bare Express on as many workers writing a body of the same size
// (bench/bare-express.ts), and the API's ratio to it. Reports requests/s, latency percentiles,
// errors and the resident memory of the primary and of each worker. Then a login flood: 64 connections
// posting wrong passwords (each one a scrypt computation: the per-client and per-user login caps
// are lifted here, as for an attacker with many addresses) while the 10-connection metrics case
// runs again, in rounds, each beside an idle run of the same case just before it (on a shared
// machine the others' load changes over a run; a round's two halves see about the same): the
// metrics' p50 and p99 during the flood against idle. First, in this process, what verifying an
// access token costs (the API's TokenService over an in-memory users database), and what it would
// cost with the secret given to jsonwebtoken as a string (a key object made on every call).
// The date and the load average (other work on the machine) are printed before and after.
// It needs gold: run `npm run job:all` (or the demo) first.
//
//   npm run bench:api                 (30 s per endpoint)
//   BENCH_SECONDS=10 npm run bench:api
//   API_LEAN_METRICS=false npm run bench:api   (the metrics by Express's routes, as before the lean path)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import jwt from 'jsonwebtoken';
import { loadApiConfig } from '../api/config.js';
import { TokenService } from '../api/tokens.js';
import { UserStore } from '../api/users.js';
import { repoRoot } from '../control/config.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const FLOOD_ROUNDS = 3;
const PORT = Number(process.env.BENCH_API_PORT ?? 18_000);
const WORKERS = Number(process.env.API_WORKERS ?? os.availableParallelism());
const CASES: { endpoint: string; connections: number }[] = [
  { endpoint: '/api/total-sales-per-product/', connections: 100 },
  { endpoint: '/api/campaign-metrics/', connections: 100 },
  { endpoint: '/api/campaign-metrics/', connections: 10 },
  { endpoint: '/api/health', connections: 100 },
];
const url = `http://127.0.0.1:${PORT}`;

/** Microseconds a call of `verify` takes, median of 5 rounds of 20 000 calls. */
function microseconds(verify: () => unknown): number {
  const rounds = Array.from({ length: 5 }, () => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < 20_000; i++) verify();
    return Number(process.hrtime.bigint() - started) / 1000 / 20_000;
  });
  return rounds.sort((a, b) => a - b)[2]!;
}

async function tokenCosts(): Promise<string> {
  const secret = randomBytes(32).toString('hex');
  const users = new UserStore(':memory:');
  try {
    const config = loadApiConfig({ JWT_SECRET: secret, LAKE_USERS_DB: ':memory:' }, os.tmpdir());
    const tokens = new TokenService(config, users);
    const { access } = tokens.issuePair(await users.create('bench', 'bench password'));
    const full = microseconds(() => tokens.verify(access, 'access'));
    const signatureOnly = microseconds(() => jwt.verify(access, tokens.key, tokens.verifyOptions));
    const stringSecret = microseconds(() => jwt.verify(access, secret, tokens.verifyOptions));
    return `Verifying an access token: ${full.toFixed(1)} µs in all (signature and claims ${signatureOnly.toFixed(1)} µs, the rest the user's check: SQLite's data_version, the user kept while the database is unchanged); with the secret as a string, jsonwebtoken alone takes ${stringSecret.toFixed(1)} µs.`;
  } finally {
    users.close();
  }
}
const tokenLine = await tokenCosts();

const runtime = await mkdtemp(path.join(os.tmpdir(), 'lake-bench-api-'));
const usersDb = path.join(runtime, 'users.sqlite');
const users = new UserStore(usersDb);
await users.create('bench', 'bench password');
users.close();

const api = spawn(process.execPath, [path.join(repoRoot, 'bin/lake.mjs'), 'api', '--port', String(PORT)], {
  env: {
    ...process.env,
    API_WORKERS: String(WORKERS),
    LAKE_USERS_DB: usersDb,
    JWT_SECRET: randomBytes(32).toString('hex'),
    API_LOGIN_ATTEMPTS: '1000000',
    API_LOGIN_CLIENT_ATTEMPTS: '1000000',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});

/** Resident memory of a process now, and its peak (VmHWM), in MiB. */
async function memoryOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** Resident memory of the API: its primary, and each process serving requests (the primary's workers). */
async function memory(): Promise<{ primary: { rss: number; peak: number }; workers: { rss: number; peak: number }[] }> {
  const children = (await readFile(`/proc/${api.pid}/task/${api.pid}/children`, 'utf8')).trim().split(/\s+/).filter(Boolean).map(Number);
  const nodes = [];
  for (const pid of children) if ((await readFile(`/proc/${pid}/cmdline`, 'utf8')).includes('api/worker')) nodes.push(await memoryOf(pid));
  const primary = await memoryOf(api.pid!);
  // With API_WORKERS=1 the primary serves the requests itself.
  return { primary, workers: nodes.length > 0 ? nodes : [primary] };
}
const mib = (values: number[]) => values.map((value) => value.toFixed(0)).join(' / ');
/** The machine's load average over 1, 5 and 15 minutes: other engineers' work shares these cores. */
const loadAverage = () => os.loadavg().map((load) => load.toFixed(2)).join(' / ');

/** Bare Express on as many workers, writing a body of `bytes`: requests/s and latency at 100 connections. */
async function bareExpress(bytes: number): Promise<autocannon.Result> {
  const port = PORT + 1;
  const floor = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'bench/bare-express.ts'), String(port), String(bytes), String(WORKERS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      floor.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve());
      floor.once('exit', (code) => reject(new Error(`bare Express exited with code ${code}`)));
    });
    return await autocannon({ url: `http://127.0.0.1:${port}/`, connections: 100, duration: SECONDS });
  } finally {
    floor.kill('SIGTERM');
  }
}

try {
  let ready = false;
  for (let waited = 0; !ready && waited < 120_000; waited += 500) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (api.exitCode !== null) throw new Error(`the API exited with code ${api.exitCode}`);
    ready = await fetch(`${url}/api/ready`).then((res) => res.ok, () => false);
  }
  if (!ready) throw new Error('the API did not become ready in 2 minutes: is there gold? (npm run job:all)');
  // A new access token for every case: one lives 5 minutes (JWT_ACCESS_TTL), less than a long run's cases.
  const authorized = async () => {
    const login = await fetch(`${url}/api/token/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: 'bench password' }) });
    if (!login.ok) throw new Error(`the bench user could not log in: ${login.status} ${await login.text()}`);
    const { access } = (await login.json()) as { access: string };
    return { authorization: `Bearer ${access}` };
  };
  const idle = await memory();

  const lines = [
    `${new Date().toISOString()}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${loadAverage()}`,
    `API at ${url}, ${WORKERS} workers, metrics on the ${process.env.API_LEAN_METRICS === 'false' ? "Express routes (API_LEAN_METRICS=false)" : 'lean path'}, password hashes at once: ${process.env.API_LOGIN_HASHES ?? 'default (half the cores)'}, Node ${process.version}, autocannon in this process, ${SECONDS} s per case`,
    `idle RSS: primary ${idle.primary.rss.toFixed(0)} MiB, workers ${mib(idle.workers.map((worker) => worker.rss))} MiB`,
    tokenLine,
    '',
    '| endpoint | connections | body | requests/s | p50 | p99 | max | errors | non-2xx | RSS peak: workers | load after (1 min) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const throughput = new Map<string, number>();
  for (const { endpoint, connections } of CASES) {
    const headers = await authorized();
    const body = await (await fetch(`${url}${endpoint}`, { headers })).text();
    const result = await autocannon({ url: `${url}${endpoint}`, connections, duration: SECONDS, headers });
    throughput.set(`${endpoint} ${connections}`, result.requests.average);
    const { workers } = await memory();
    lines.push(
      `| \`${endpoint}\` | ${connections} | ${(body.length / 1024).toFixed(1)} KiB | ${Math.round(result.requests.average).toLocaleString('en')} | ${result.latency.p50} ms | ${result.latency.p99} ms | ${result.latency.max} ms | ${result.errors} | ${result.non2xx} | ${mib(workers.map((worker) => worker.peak))} MiB | ${os.loadavg()[0]!.toFixed(2)} |`,
    );
  }
  const campaignBytes = Buffer.byteLength(await (await fetch(`${url}/api/campaign-metrics/`, { headers: await authorized() })).text());
  const floor = await bareExpress(campaignBytes);
  const api100 = throughput.get('/api/campaign-metrics/ 100')!;
  lines.push(
    `| bare Express, one route, same body | 100 | ${(campaignBytes / 1024).toFixed(1)} KiB | ${Math.round(floor.requests.average).toLocaleString('en')} | ${floor.latency.p50} ms | ${floor.latency.p99} ms | ${floor.latency.max} ms | ${floor.errors} | ${floor.non2xx} | | ${os.loadavg()[0]!.toFixed(2)} |`,
    '',
    `\`/api/campaign-metrics/\` at 100 connections / bare Express: ${(api100 / floor.requests.average).toFixed(2)}×`,
  );

  // The login flood, in rounds, each after an idle run of the same metrics case.
  const metricsAtTen = (headers: Record<string, string>) => autocannon({ url: `${url}/api/campaign-metrics/`, connections: 10, duration: SECONDS, headers });
  const wrongLogins = () =>
    autocannon({
      url: `${url}/api/token/`,
      method: 'POST',
      connections: 64,
      duration: SECONDS,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench', password: 'not the password' }),
    });
  lines.push(
    '',
    `Login flood (64 connections of wrong passwords) against \`/api/campaign-metrics/\` at 10 connections, ${FLOOD_ROUNDS} rounds of idle then flood, ${SECONDS} s each:`,
    '',
    '| round | idle p50 | idle p99 | flood p50 | flood p99 | p99 flood / idle | metrics req/s idle / flood | metrics failed | logins answered/s | logins timed out (10 s) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  const ratios: number[] = [];
  for (let round = 1; round <= FLOOD_ROUNDS; round++) {
    const idleRun = await metricsAtTen(await authorized());
    // (the token before the flood: a login during it waits in the flood's queue)
    const headers = await authorized();
    const [flood, during] = await Promise.all([wrongLogins(), metricsAtTen(headers)]);
    const ratio = during.latency.p99 / idleRun.latency.p99;
    ratios.push(ratio);
    const failed = idleRun.errors + idleRun.non2xx + during.errors + during.non2xx;
    lines.push(
      `| ${round} | ${idleRun.latency.p50} ms | ${idleRun.latency.p99} ms | ${during.latency.p50} ms | ${during.latency.p99} ms | ${ratio.toFixed(2)}× | ${Math.round(idleRun.requests.average).toLocaleString('en')} / ${Math.round(during.requests.average).toLocaleString('en')} | ${failed} | ${flood.requests.average.toFixed(1)} | ${flood.errors} |`,
    );
  }
  lines.push('', `Median p99 during the flood / idle: ${ratios.sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!.toFixed(2)}×`);
  lines.push('', `${new Date().toISOString()}, load average ${loadAverage()}`);
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  api.kill('SIGTERM');
  await new Promise((resolve) => api.once('exit', resolve));
  await rm(runtime, { recursive: true, force: true });
}
