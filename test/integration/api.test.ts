// The API end to end on the real stack: gold made by the real pipeline, loaded through Spark
// Connect, served over HTTP with real tokens; then a new gold version published while it runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApiConfig } from '../../api/config.js';
import { startApi, type RunningApi } from '../../api/server.js';
import { UserStore } from '../../api/users.js';
import { repoRoot } from '../../control/config.js';
import { apiDocument, expectDocumented } from '../../api/test-support.js';
import { sparkGoldLoader } from '../../api/gold-cache.js';
import { WebHdfs, hdfsPath } from '../../control/hdfs/webhdfs.js';
import { LayerPointer, registerPublishedViews, type PublishedLayer } from '../../control/runs/published.js';
import { goldTables, type GoldTable } from '../../jobs/catalog.js';
import { snapshotFiles } from '../../jobs/delta.js';
import { runGold } from '../../jobs/gold.js';
import { SparkSession } from '@lake/spark-connect';
import { collectPageErrors, describeInChromium, launchChromium, type HeadlessChromium } from '../support/chromium.js';
import { LakeFixture } from './support/lake-fixture.js';

const number = (text: string) => Number(text);

describe('the API on gold made by the pipeline', () => {
  let lake: LakeFixture;
  let api: RunningApi;
  let runtime: string;
  let access: string;

  beforeAll(async () => {
    lake = await LakeFixture.withGold({ name: 'api' });
    runtime = await mkdtemp(path.join(os.tmpdir(), 'lake-api-'));
    const config = loadApiConfig({ API_PORT: '0', API_GOLD_POLL_MS: '300', LAKE_USERS_DB: path.join(runtime, 'users.sqlite') }, runtime);
    api = await startApi(lake.config, config);
    await api.users.create('analyst', 'a long enough password');
    const login = await request(api.url).post('/api/token/').send({ username: 'analyst', password: 'a long enough password' }).expect(200);
    access = (login.body as { access: string }).access;
  });

  afterAll(async () => {
    await api?.close();
    await lake?.destroy();
    await rm(runtime, { recursive: true, force: true });
  });

  const get = (endpoint: string) => request(api.url).get(endpoint).set('Authorization', `Bearer ${access}`).expect(200);

  it('is ready, tells an anonymous caller nothing more, and serves the current gold version', async () => {
    const res = await request(api.url).get('/api/ready').expect(200);
    expect(res.body).toEqual({ ready: true, gold: { state: 'ready' } });
    expect((await get('/api/campaign-metrics/')).headers['x-gold-version']).toBe(api.gold.snapshot()?.version);
  });

  it('serves the four metrics with the contract keys and exact values', async () => {
    const truth = lake.expected.gold;
    const sales = await get('/api/total-sales-per-product/');
    expect(sales.body).toEqual(truth.total_sales_per_product.map((row) => ({ ...row, total_ventes: number(row.total_ventes) })));
    expect(Object.keys((sales.body as object[])[0] ?? {}).slice(0, 2)).toEqual(['produit', 'total_ventes']);

    expect((await get('/api/status-code-counts')).body).toEqual(truth.status_code_counts);
    const likes = await get('/api/avg-likes-per-product/');
    expect(likes.body).toEqual(truth.avg_likes_per_product.map((row) => ({ ...row, avg_likes: number(row.avg_likes) })));

    const campaigns = (await get('/api/campaign-metrics/')).body as { campaign_id: string; total_clicks: number; total_impressions: number; ctr: number | null }[];
    expect(campaigns.map(({ campaign_id, total_clicks, total_impressions }) => ({ campaign_id, total_clicks, total_impressions }))).toEqual(
      lake.produced.expected.gold.campaign_metrics,
    );
    for (const row of campaigns) expect(row.ctr).toBe(row.total_impressions > 0 ? Math.round((row.total_clicks / row.total_impressions) * 10_000) / 10_000 : null);
  });

  it('answers as its OpenAPI document says', async () => {
    // /api/events/ stays open: its answers are checked against the document in api/events.test.ts.
    for (const endpoint of Object.keys(apiDocument.paths).filter((p) => !p.startsWith('/api/token') && p !== '/api/events/')) {
      const res = await request(api.url).get(endpoint).set('Authorization', `Bearer ${access}`);
      expectDocumented(endpoint, 'get', res.status, res.body);
    }
  });

  it('serves a newly published gold version without a restart, with a new ETag', async () => {
    const before = await get('/api/campaign-metrics/');
    await request(api.url).get('/api/campaign-metrics/').set('Authorization', `Bearer ${access}`).set('If-None-Match', before.headers.etag as string).expect(304);
    // A full refresh: gold is up to date with silver, so a plain run would publish nothing new.
    const run = await runGold(lake.config, { fullRefresh: true });
    let after = before;
    for (let waited = 0; after.headers['x-gold-version'] === before.headers['x-gold-version'] && waited < 30_000; waited += 300) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      after = await get('/api/campaign-metrics/');
    }
    expect(after.headers['x-gold-version']).toBe(run.runId);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(after.body).toEqual(before.body);
  });

  it('loads a new gold version reading only the tables that changed, and a table made again at the same version anew', async () => {
    // Copies of the four gold tables at paths of the test's own, each at its Delta version 0.
    const spark = await SparkSession.connect(lake.config.sparkRemote);
    const hdfs = new WebHdfs(lake.config.webHdfs);
    const copy = (table: GoldTable, where = '') =>
      spark.sql(`CREATE TABLE delta.\`${lake.config.lakeRoot}/loader/${table}\` USING delta AS SELECT * FROM gold_${table} ${where}`);
    const loader = sparkGoldLoader(lake.config);
    try {
      await registerPublishedViews(spark, lake.config, 'gold', (await new LayerPointer(hdfs, hdfsPath(lake.config.lakeRoot), 'gold').current())!);
      for (const table of goldTables) await copy(table);
      const layer = (versions: Partial<Record<GoldTable, number>>): PublishedLayer => ({
        runId: `loader-${randomUUID()}`,
        publishedAt: new Date().toISOString(),
        madeFrom: [],
        tables: Object.fromEntries(goldTables.map((table) => [table, { path: `loader/${table}`, version: versions[table] ?? 0 }])),
      });
      const first = await loader(layer({}));
      expect(first.status_code_counts).toHaveLength(lake.expected.gold.status_code_counts.length);

      // A version that moves one table: its new rows are read, the other three kept as loaded. Delta
      // lists the version's two files in its checksum, so they are read as Parquet, not through Delta.
      await spark.sql(`INSERT INTO delta.\`${lake.config.lakeRoot}/loader/status_code_counts\` VALUES (599, 1)`);
      expect(await snapshotFiles(hdfs, `${lake.config.lakeRoot}/loader/status_code_counts`, 1)).toHaveLength(2);
      const second = await loader(layer({ status_code_counts: 1 }));
      expect(second.status_code_counts).toHaveLength(first.status_code_counts.length + 1);
      expect(second.status_code_counts).toContainEqual({ status_code: 599, count_requests: 1 });
      for (const table of goldTables.filter((t) => t !== 'status_code_counts')) expect(second[table]).toBe(first[table]);

      // The same path and version, made again with other rows (a lake removed and rebuilt): read anew.
      await hdfs.delete(hdfsPath(`${lake.config.lakeRoot}/loader/campaign_metrics`), true);
      await copy('campaign_metrics', 'LIMIT 1');
      const third = await loader(layer({ status_code_counts: 1 }));
      expect(third.campaign_metrics).toHaveLength(1);
      expect(third.status_code_counts).toBe(second.status_code_counts);
    } finally {
      await loader.close();
      await spark.close();
    }
  });

  describeInChromium('the dashboard in Chromium', () => {
    let browser: HeadlessChromium;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('refuses a wrong password with the API\'s 401 detail, then signs in and draws the four gold charts', async () => {
      const page = await browser.context.newPage();
      await page.goto(`${api.url}/`);
      expect(new URL(page.url()).pathname).toBe('/dashboard/');

      await page.fill('#username', 'analyst');
      await page.fill('#password', 'not the password');
      const refused = page.waitForResponse((res) => res.url().endsWith('/api/token/'));
      await page.click('button[type=submit]');
      expect((await refused).status()).toBe(401);
      await expect.poll(() => page.textContent('#login-error')).toBe('No active account found with the given credentials');
      expect(await page.isVisible('#charts')).toBe(false);

      const errors = collectPageErrors(page);
      await page.fill('#password', 'a long enough password');
      await page.click('button[type=submit]');
      await page.waitForFunction("document.querySelectorAll('.chart .view canvas, .chart .view svg.marks').length === 4", undefined, { timeout: 30_000 });
      expect(await page.textContent('#gold-version')).toBe(`gold version ${api.gold.snapshot()?.version}`);
      expect(await page.isVisible('#login')).toBe(false);
      expect(errors).toEqual([]);
      await page.close();
    });

    it('redraws the charts when the API pushes a new gold version, without a reload', async () => {
      const page = await browser.context.newPage();
      await page.goto(`${api.url}/dashboard/`);
      const errors = collectPageErrors(page);
      const stream = page.waitForResponse((res) => new URL(res.url()).pathname === '/api/events/');
      await page.fill('#username', 'analyst');
      await page.fill('#password', 'a long enough password');
      await page.click('button[type=submit]');
      await page.waitForFunction("document.querySelectorAll('.chart .view canvas, .chart .view svg.marks').length === 4", undefined, { timeout: 30_000 });
      expect((await stream).status()).toBe(200);
      const before = api.gold.snapshot()?.version;
      expect(await page.textContent('#gold-version')).toBe(`gold version ${before}`);
      // A reload would lose the window's mark; a redraw replaces every chart's marked drawing.
      await page.evaluate("window.lakeLoad = 'first'; document.querySelectorAll('.chart .view > *').forEach((drawn) => drawn.setAttribute('data-before', ''))");
      expect(await page.locator('[data-before]').count()).toBeGreaterThanOrEqual(4);

      const run = await runGold(lake.config, { fullRefresh: true });
      expect(run.runId).not.toBe(before);
      await page.waitForFunction(`document.querySelector('#gold-version').textContent === 'gold version ${run.runId}'`, undefined, { timeout: 60_000 });
      await page.waitForFunction(
        "document.querySelectorAll('[data-before]').length === 0 && document.querySelectorAll('.chart .view canvas, .chart .view svg.marks').length === 4",
        undefined,
        { timeout: 30_000 },
      );
      expect(await page.evaluate('window.lakeLoad')).toBe('first');
      expect(await page.textContent('#charts-error')).toBe('');
      expect(errors).toEqual([]);
      await page.close();
    });
  });

  describe('`lake api` with API_WORKERS=2: two workers on one port, gold and login counts from the primary', () => {
    let primary: ChildProcess;
    let url: string;
    let token: string;
    /** What the primary wrote to stderr: shown when a request finds it gone. */
    let log = '';

    /** The primary's worker processes, from /proc (its children running api/worker). */
    const workerPids = async () => {
      const children = (await readFile(`/proc/${primary.pid}/task/${primary.pid}/children`, 'utf8')).trim().split(/\s+/).filter(Boolean).map(Number);
      const workers: number[] = [];
      for (const pid of children) if ((await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes('api/worker')) workers.push(pid);
      return workers;
    };
    /** A request on a connection of its own: the primary hands each connection to the next worker. */
    const fresh = (endpoint: string, init: { method?: string; body?: object; token?: string } = {}) =>
      new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
        const payload = init.body ? JSON.stringify(init.body) : undefined;
        const req = http.request(`${url}${endpoint}`, {
          agent: false,
          method: init.method ?? 'GET',
          headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
        });
        req.on('response', (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
        });
        req.on('error', (error) => {
          const ended = primary.exitCode ?? primary.signalCode;
          reject(ended === null ? error : new Error(`${error.message}: lake api ended (${ended}); it wrote:\n${log}`));
        });
        req.setTimeout(10_000, () => req.destroy(new Error(`no answer to ${endpoint} in 10 s`)));
        req.end(payload);
      });

    beforeAll(async () => {
      const usersDb = path.join(runtime, 'cluster-users.sqlite');
      const users = new UserStore(usersDb);
      await users.create('analyst', 'a long enough password');
      users.close();
      primary = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'control/cli/main.ts'), 'api', '--port', '0'], {
        // One hash at a time and one login waiting for it, across both workers.
        env: { ...process.env, LAKE_ROOT: lake.config.lakeRoot, LAKE_USERS_DB: usersDb, API_WORKERS: '2', API_GOLD_POLL_MS: '300', API_LOGIN_HASHES: '1', API_LOGIN_QUEUE: '1' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      url = await new Promise<string>((resolve, reject) => {
        primary.stderr!.on('data', (chunk: Buffer) => {
          log += chunk.toString('utf8');
          const listening = /listening on (http:\/\/\S+) \(2 workers\)/.exec(log);
          if (listening) resolve(listening[1]!);
        });
        primary.once('exit', (code) => reject(new Error(`lake api exited with ${code}:\n${log}`)));
      });
      const login = await fresh('/api/token/', { method: 'POST', body: { username: 'analyst', password: 'a long enough password' } });
      token = (JSON.parse(login.body) as { access: string }).access;
    });

    afterAll(() => {
      if (primary?.exitCode === null) primary.kill('SIGKILL');
    });

    it('serves the four metrics exactly on every connection', async () => {
      expect(await workerPids()).toHaveLength(2);
      const truth = lake.expected.gold;
      for (let i = 0; i < 4; i++) {
        const sales = await fresh('/api/total-sales-per-product/', { token });
        expect(sales.status).toBe(200);
        expect(JSON.parse(sales.body)).toEqual(truth.total_sales_per_product.map((row) => ({ ...row, total_ventes: number(row.total_ventes) })));
        expect(JSON.parse((await fresh('/api/status-code-counts/', { token })).body)).toEqual(truth.status_code_counts);
      }
    });

    it('pushes a new gold version to an event stream on a worker, which has its gold from the primary', async () => {
      const req = http.get(`${url}/api/events/`, { agent: false, headers: { authorization: `Bearer ${token}` } });
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => req.on('response', resolve).on('error', reject));
      expect(res.statusCode).toBe(200);
      const versions: string[] = [];
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end: number; (end = buffer.indexOf('\n\n')) >= 0; buffer = buffer.slice(end + 2)) {
          const data = /^event: gold\ndata: (.*)$/m.exec(buffer.slice(0, end));
          if (data) versions.push((JSON.parse(data[1]!) as { version: string }).version);
        }
      });
      try {
        await expect.poll(() => versions.length).toBe(1);
        const [current] = versions;
        const run = await runGold(lake.config, { fullRefresh: true });
        expect(run.runId).not.toBe(current);
        await expect.poll(() => versions, { timeout: 30_000 }).toEqual([current, run.runId]);
      } finally {
        req.destroy();
      }
    });

    it('counts failed logins across the workers: the 11th wrong password for a name is refused', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await fresh('/api/token/', { method: 'POST', body: { username: 'analyst', password: `wrong ${i}` } })).status);
      expect(statuses).toEqual([...Array<number>(10).fill(401), 429]);
    });

    it("refuses at once, whichever worker asks, a login beyond the primary's line (503), and checks the others", async () => {
      const burst = Array.from({ length: 24 }, (_, i) => fresh('/api/token/', { method: 'POST', body: { username: `nobody-${i}`, password: 'wrong' } }));
      const answers = await Promise.all(burst);
      const count = (status: number) => answers.filter((answer) => answer.status === status).length;
      expect(count(401) + count(503)).toBe(24);
      // One hashing and one waiting at a time: most of a burst of 24 finds the line full.
      expect(count(503)).toBeGreaterThan(0);
      expect(count(401)).toBeGreaterThanOrEqual(2);
      expect(answers.find((answer) => answer.status === 503)!.headers['retry-after']).toBe('1');
    });

    it('replaces a worker killed with SIGKILL, and keeps answering meanwhile', async () => {
      const [victim, survivor] = await workerPids();
      process.kill(victim!, 'SIGKILL');
      // Once the primary has reaped it (and before the replacement listens), the survivor answers.
      await expect.poll(() => existsSync(`/proc/${victim}`), { timeout: 10_000, interval: 50 }).toBe(false);
      for (let i = 0; i < 4; i++) expect((await fresh('/api/campaign-metrics/', { token })).status).toBe(200);
      await expect.poll(async () => (await workerPids()).filter((pid) => pid !== victim), { timeout: 60_000, interval: 250 }).toHaveLength(2);
      expect(await workerPids()).toContain(survivor);
      for (let i = 0; i < 4; i++) expect((await fresh('/api/campaign-metrics/', { token })).status).toBe(200);
    });

    it('stops every worker on SIGINT, and exits 0', async () => {
      const pids = await workerPids();
      const exited = new Promise<number | null>((resolve) => primary.once('exit', resolve));
      primary.kill('SIGINT');
      expect(await exited).toBe(0);
      for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    });
  });
});
