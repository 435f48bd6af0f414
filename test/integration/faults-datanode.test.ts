// Fault: the HDFS DataNode is killed (SIGKILL) during bronze, once a first file has landed, while
// the other files upload and Spark writes the ad events (bronze lands them side by side). The run
// fails clearly and commits nothing; after a restart, the next run lands each input file and each
// event exactly once, byte for byte, and removes what the failed run had written.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebHdfs, hdfsPath } from '../../control/hdfs/webhdfs.js';
import { LakeError } from '../../control/errors.js';
import { RunStore } from '../../control/runs/manifest.js';
import { runBronze, type BronzeTable } from '../../jobs/bronze.js';
import { fileSources } from '../../jobs/bronze/file-sources.js';
import { embeddedStack, killDaemon, restartStack } from './support/faults.js';
import { LakeFixture } from './support/lake-fixture.js';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

const fileTables = ['transactions', 'server_logs', 'social_posts'] as const;

describe.skipIf(!embeddedStack)('the DataNode restarted during bronze', () => {
  let lake: LakeFixture;
  let hdfs: WebHdfs;

  beforeAll(async () => {
    lake = await LakeFixture.create({ name: 'faults-datanode' });
    hdfs = new WebHdfs(lake.config.webHdfs);
  });

  afterAll(async () => {
    await restartStack();
    await lake?.destroy();
  });

  it('fails the run that lost its DataNode, and the re-run lands each file exactly once', async () => {
    const tables: BronzeTable[] = [...fileTables, 'ad_events'];
    let failure: unknown;
    let killing: Promise<number> | undefined;
    let landedBeforeKill = 0;
    let eventsLanding = false;
    let restartMs = 0;
    try {
      failure = await runBronze(lake.config, {
        tables,
        // Killed once a file has landed and the events are landing: the run dies with part of its
        // files written and its Kafka batch started.
        log: (line) => {
          if (line.startsWith('landing ad events')) eventsLanding = true;
          if (line.startsWith('landed ')) landedBeforeKill++;
          if (eventsLanding && landedBeforeKill > 0 && !killing) killing = killDaemon('datanode');
        },
      }).then(
        () => undefined,
        (error: unknown) => error,
      );
      await killing;
    } finally {
      restartMs = await restartStack();
    }
    // Once `stack up` calls HDFS healthy it takes writes: its probe asks the restarted DataNode
    // itself, not only the NameNode (which still counts the dead process as live).
    await hdfs.write(`${hdfsPath(lake.config.lakeRoot)}/_probe`, 'probe');
    process.stderr.write(
      `[faults] bronze without its DataNode: ${String((failure as Error)?.message)}; hint: ${String((failure as LakeError)?.hint)}; ` +
        `stack up after ${restartMs} ms\n`,
    );
    expect(killing).toBeDefined();
    expect(landedBeforeKill).toBeGreaterThan(0);
    expect(failure).toBeInstanceOf(LakeError);
    // An input file could not be placed on a DataNode or uploaded to it, or a data file
    // (hdfs://…/bronze/ad_events/…) or the table's Delta log (/…/bronze/ad_events) could not be written.
    expect((failure as LakeError).message).toMatch(
      /^(HDFS refused CREATE \S+\/bronze\/\S+: IOException|upload of \S+ to the DataNode failed|Spark could not write (hdfs:\/\/\S+)?\/\S*bronze\/ad_events)/,
    );
    expect((failure as LakeError).hint).toMatch(/stack status/);
    // Nothing committed. (The failed run's own manifest could not be written either: it needs HDFS.)
    const store = new RunStore(hdfs, hdfsPath(lake.config.lakeRoot));
    expect((await store.list()).filter((run) => run.outcome !== 'failed')).toEqual([]);

    const run = await runBronze(lake.config, { tables });
    expect(run.outcome).toBe('succeeded');
    const root = hdfsPath(lake.config.lakeRoot);
    for (const table of fileTables) {
      // The input files, listed here apart from bronze's own listing: a name starting with `.`
      // (an editor's lock file, say) is not an input.
      const folder = path.join(lake.config.inputDir, fileSources[table]);
      const inputs = (await readdir(folder, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
        .filter((relative) => !relative.split(path.sep).some((part) => part.startsWith('.')));
      const landed = run.files?.[table]?.landed ?? [];
      // Each input once in the manifest...
      expect(landed.map((file) => file.path).sort(), table).toEqual(inputs.sort());
      // ...once in HDFS: the failed run's batch is gone, only this run's batch is left...
      const batches = (await hdfs.list(`${root}/bronze/${table}`)).map((entry) => entry.pathSuffix);
      expect(batches, table).toEqual([`batch_id=${run.runId}`]);
      // ...and byte for byte.
      for (const file of landed) {
        const bytes = await hdfs.read(`${root}/${file.landedAt}`);
        expect(createHash('sha256').update(bytes ?? Buffer.alloc(0)).digest('hex'), file.path).toBe(file.sha256);
      }
    }
    // The events: all of them, once, in this run's batch only.
    expect(run.kafka?.records).toBe(lake.produced.expected.bronze_records);
    expect((await hdfs.list(`${root}/bronze/ad_events`)).map((entry) => entry.pathSuffix).filter((name) => name.startsWith('batch_id='))).toEqual([`batch_id=${run.runId}`]);
  });
});
