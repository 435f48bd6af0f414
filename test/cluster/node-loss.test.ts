// Node loss on a three-node stack (`stack up --nodes 3`): a DataNode, a Kafka broker or a Spark
// Worker is killed hard (SIGKILL, with what it started, as the loss of its machine ends them) while
// the lake works. The work goes on without a rerun, and the lake holds exactly what the generator
// and the producer say it must. Each test brings the lost node back afterwards.
import { afterEach, describe, expect, it } from 'vitest';
import { createKafka } from '../../control/kafka/client.js';
import { produceAdEvents } from '../../control/kafka/produce-ad-events.js';
import { hdfsPath } from '../../control/hdfs/webhdfs.js';
import { runBronze } from '../../jobs/bronze.js';
import { runGold } from '../../jobs/gold.js';
import { runSilver } from '../../jobs/silver.js';
import { expectLakeHoldsWhatWasProduced } from '../integration/support/ad-event-truth.js';
import { killDaemon, restartStack, waitFor } from '../integration/support/faults.js';
import { expectGoldEqualsTruth } from '../integration/support/gold-truth.js';
import { LakeFixture, type LakeFixtureOptions } from '../integration/support/lake-fixture.js';
import { fsck } from './hdfs-fsck.js';

const log = (line: string) => process.stderr.write(`[node-loss] ${line}\n`);

/** The lake of the running test: after it, the lost node is brought back and the lake removed. */
let current: LakeFixture | undefined;

async function newLake(options: LakeFixtureOptions): Promise<LakeFixture> {
  current = await LakeFixture.create(options);
  return current;
}

afterEach(async () => {
  await restartStack();
  await current?.destroy();
  current = undefined;
});

/** The executors the Connect server's Spark application lost, with why, from its UI's REST API. */
async function lostExecutors(): Promise<string[]> {
  const ui = 'http://127.0.0.1:4040/api/v1/applications';
  const [application] = (await (await fetch(ui)).json()) as { id: string }[];
  const executors = (await (await fetch(`${ui}/${application!.id}/allexecutors`)).json()) as { id: string; isActive: boolean; removeReason?: string }[];
  return executors.filter((executor) => executor.id !== 'driver' && !executor.isActive).map((executor) => `${executor.id}: ${executor.removeReason}`);
}

describe('a DataNode lost while job:all runs at scale s', () => {
  it('finishes without a rerun, gold equals the truth, and no block is missing', async () => {
    const lake = await newLake({ name: 'node-loss-datanode', scale: 's', events: 20_000 });
    let killing: Promise<number> | undefined;
    // Lost while bronze uploads the files: the NameNode still names it to writers for up to 20 s,
    // and its blocks' other copies serve silver's reads.
    const bronze = await runBronze(lake.config, {
      log: (line) => {
        if (line.startsWith('landed ') && !killing) killing = killDaemon('datanode-2', { node: true });
      },
    });
    expect(await killing).toBeGreaterThan(0);
    const silver = await runSilver(lake.config);
    const gold = await runGold(lake.config);
    expect([bronze.outcome, silver.outcome, gold.outcome]).toEqual(['succeeded', 'succeeded', 'succeeded']);
    await expectGoldEqualsTruth(lake.config, lake.expected, lake.produced);

    const root = hdfsPath(lake.config.lakeRoot);
    const withoutIt = await fsck(root);
    log(`fsck with a DataNode lost: missing ${withoutIt.missing}, corrupt ${withoutIt.corrupt}, under-replicated ${withoutIt.underReplicated}`);
    expect(withoutIt.missing, withoutIt.text).toBe(0);
    expect(withoutIt.corrupt, withoutIt.text).toBe(0);

    // Back: the NameNode copies every under-replicated block to it until each has its three copies.
    const restartMs = await restartStack();
    const started = Date.now();
    let report = await fsck(root);
    await waitFor(async () => (report = await fsck(root)).healthy && report.underReplicated === 0, 180_000, 'every block to have its three copies again');
    log(`DataNode back after ${restartMs} ms; every block replicated three times ${Date.now() - started} ms later`);
    expect(report.missing).toBe(0);
  });
});

describe('a Kafka broker lost while `lake produce` sends 200 000 events', () => {
  it('lands every acknowledged event in bronze exactly once', async () => {
    const lake = await newLake({ name: 'node-loss-broker', events: 0 });
    const admin = createKafka(lake.config).admin();
    let killing: Promise<number> | undefined;
    let killedBroker: number | undefined;
    const produced = await produceAdEvents(lake.config, {
      count: 200_000,
      partitions: 3,
      dirtyRate: 0.05,
      seed: 11,
      // The leader of partition 0, once a fifth of the events are acknowledged.
      onProgress: (progress) => {
        if (killing || progress.acknowledged < 40_000) return;
        killing = (async () => {
          await admin.connect();
          const metadata = await admin.fetchTopicMetadata({ topics: [lake.config.kafkaTopic] });
          killedBroker = metadata.topics[0]!.partitions.find((partition) => partition.partitionId === 0)!.leader;
          await admin.disconnect();
          return killDaemon(`kafka-${killedBroker}`, { node: true });
        })();
      },
    });
    expect(await killing).toBeGreaterThan(0);
    log(`killed broker ${killedBroker}; ${produced.acknowledged} acknowledged, ${produced.failed} failed`);
    expect(produced.acknowledged).toBe(200_000);
    lake.produced = produced;

    const bronze = await runBronze(lake.config, { tables: ['ad_events'] });
    expect(bronze.kafka?.records).toBe(produced.expected.bronze_records);
    await runSilver(lake.config);
    await runGold(lake.config);
    // Bronze holds each acknowledged record once, and silver, its quarantine and gold the producer's
    // tallies: an event sent twice would show as one more duplicate in the quarantine.
    await expectLakeHoldsWhatWasProduced(lake.config, [produced.expected]);
  });
});

describe('a Spark Worker lost while silver runs', () => {
  it('reschedules its tasks on the other Worker: the run succeeds and gold equals the truth', async () => {
    const lake = await newLake({ name: 'node-loss-worker', scale: 's', events: 20_000 });
    expect((await runBronze(lake.config)).outcome).toBe('succeeded');
    const lostBefore = await lostExecutors();
    let killing: Promise<number> | undefined;
    const silver = await runSilver(lake.config, {
      // Once silver has started cleaning, a few seconds into its Spark work.
      log: (line) => {
        if (line.startsWith('silver: cleaning') && !killing) {
          killing = new Promise((resolve) => setTimeout(resolve, 5_000)).then(() => killDaemon('spark-worker-2', { node: true }));
        }
      },
    });
    expect(await killing).toBeGreaterThan(0);
    expect(silver.outcome).toBe('succeeded');
    // The driver lost the executor of that Worker (the Connect server's Spark UI lists it as removed).
    const lost = (await lostExecutors()).filter((executor) => !lostBefore.includes(executor));
    log(`executors lost: ${lost.join('; ')}`);
    expect(lost).toHaveLength(1);
    expect((await runGold(lake.config)).outcome).toBe('succeeded');
    await expectGoldEqualsTruth(lake.config, lake.expected, lake.produced);
  });
});
