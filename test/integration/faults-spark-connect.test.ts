// Fault: the Spark Connect server is killed (SIGKILL) while silver runs. The job must fail with a
// clear error and publish nothing; the API keeps serving the previous gold all along (stale or
// ready, never empty); after a restart, silver and gold run again and give the same gold as the
// clean run.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApiConfig } from '../../api/config.js';
import { startApi, type RunningApi } from '../../api/server.js';
import { LakeError } from '../../control/errors.js';
import { WebHdfs, hdfsPath } from '../../control/hdfs/webhdfs.js';
import { RunStore } from '../../control/runs/manifest.js';
import { LayerPointer } from '../../control/runs/published.js';
import { SparkUnreachableError } from '@lake/spark-connect';
import { runGold } from '../../jobs/gold.js';
import { runSilver } from '../../jobs/silver.js';
import { embeddedStack, killDaemon, restartStack } from './support/faults.js';
import { publishedGold } from './support/gold-truth.js';
import { LakeFixture } from './support/lake-fixture.js';

describe.skipIf(!embeddedStack)('the Spark Connect server killed during silver', () => {
  let lake: LakeFixture;
  let api: RunningApi;
  let runtime: string;
  let access: string;
  let cleanGold: Record<string, unknown[]>;
  let cleanGoldVersion: string;

  const versions = (layer: 'silver' | 'gold') => new LayerPointer(new WebHdfs(lake.config.webHdfs), hdfsPath(lake.config.lakeRoot), layer);

  beforeAll(async () => {
    lake = await LakeFixture.withGold({ name: 'faults-connect' });
    cleanGold = await publishedGold(lake.config);
    cleanGoldVersion = (await versions('gold').current())?.runId ?? '';
    runtime = await mkdtemp(path.join(os.tmpdir(), 'lake-faults-api-'));
    api = await startApi(lake.config, loadApiConfig({ API_PORT: '0', API_GOLD_POLL_MS: '300', LAKE_USERS_DB: path.join(runtime, 'users.sqlite') }, runtime));
    await api.users.create('analyst', 'a long enough password');
    const login = await request(api.url).post('/api/token/').send({ username: 'analyst', password: 'a long enough password' }).expect(200);
    access = (login.body as { access: string }).access;
  });

  afterAll(async () => {
    await api?.close();
    await restartStack();
    await lake?.destroy();
    await rm(runtime, { recursive: true, force: true });
  });

  it('fails silver with a clear error, serves the previous gold throughout, and after a restart gives the same gold', async () => {
    const silverBefore = await versions('silver').current();
    // The API, polled throughout: every answer is 200 with the clean gold's version; readiness is
    // `ready` or `stale`, never `empty`.
    const seen = { answers: 0, versions: new Set<string>(), states: new Set<string>(), failures: [] as string[] };
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const metrics = await request(api.url).get('/api/campaign-metrics/').set('Authorization', `Bearer ${access}`);
        const ready = await request(api.url).get('/api/ready');
        seen.answers++;
        if (metrics.status !== 200) seen.failures.push(`metrics ${metrics.status}`);
        seen.versions.add(String(metrics.headers['x-gold-version']));
        seen.states.add(String((ready.body as { gold?: { state?: string } }).gold?.state));
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();

    let failure: unknown;
    let killedAt = 0;
    let failedAt = 0;
    let restartMs = 0;
    try {
      let killing: Promise<number> | undefined;
      // A full refresh: the fixture's silver holds every batch already.
      const silver = runSilver(lake.config, {
        fullRefresh: true,
        // Killed while it cleans the second source, after the first was written.
        log: (line) => {
          if (line.includes('server_logs: cleaning') && !killing) {
            killedAt = Date.now();
            killing = killDaemon('spark-connect');
          }
        },
      });
      failure = await silver.then(
        () => undefined,
        (error: unknown) => error,
      );
      failedAt = Date.now();
      await killing;
      // The outage, seen from the API, for a few polls more.
      await new Promise((resolve) => setTimeout(resolve, 1500));
    } finally {
      restartMs = await restartStack();
    }
    polling = false;
    await poller;
    process.stderr.write(
      `[faults] silver failed ${failedAt - killedAt} ms after the kill: ${String((failure as Error)?.message)} → ${String((failure as LakeError)?.hint)}\n` +
        `[faults] Connect restart ${restartMs} ms; API answered ${seen.answers} times, versions ${[...seen.versions].join(',')}, states ${[...seen.states].join(',')}\n`,
    );

    expect(failure).toBeInstanceOf(SparkUnreachableError);
    expect((failure as LakeError).message).toMatch(
      /^silver run \S+ failed: cannot reach Spark Connect at sc:\/\/127\.0\.0\.1:15002 \((connection refused: the server is not running|the connection was lost)\)$/,
    );
    expect((failure as LakeError).hint).toMatch(/nothing of this run was published.*stack up.*job:silver/);
    expect(failedAt - killedAt).toBeLessThan(30_000);
    const failedRun = (await new RunStore(new WebHdfs(lake.config.webHdfs), hdfsPath(lake.config.lakeRoot)).list()).at(-1);
    expect(failedRun).toMatchObject({ layer: 'silver', outcome: 'failed', error: expect.stringContaining('Spark Connect') });
    expect(await versions('silver').current()).toEqual(silverBefore);

    expect(seen.failures).toEqual([]);
    expect([...seen.versions]).toEqual([cleanGoldVersion]);
    expect([...seen.states].every((state) => state === 'ready' || state === 'stale')).toBe(true);

    const silver = await runSilver(lake.config, { fullRefresh: true });
    expect(silver.outcome).toBe('succeeded');
    const gold = await runGold(lake.config);
    expect(await publishedGold(lake.config)).toEqual(cleanGold);

    // The API moves on to the new gold once Connect is back.
    let version = cleanGoldVersion;
    for (let waited = 0; version !== gold.runId && waited < 60_000; waited += 500) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      version = String((await request(api.url).get('/api/campaign-metrics/').set('Authorization', `Bearer ${access}`).expect(200)).headers['x-gold-version']);
    }
    expect(version).toBe(gold.runId);
  });
});
