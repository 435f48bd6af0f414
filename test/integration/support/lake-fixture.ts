// A whole lake of a test's own: its own lake root in HDFS, Kafka topic and input folder, filled
// by the real pipeline (generate → produce → bronze → silver → gold), and removed afterwards.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type LakeConfig } from '../../../control/config.js';
import { WebHdfs, hdfsPath } from '../../../control/hdfs/webhdfs.js';
import { createKafka } from '../../../control/kafka/client.js';
import { produceAdEvents, type ProduceAdEventsReport } from '../../../control/kafka/produce-ad-events.js';
import type { SilverRun } from '../../../control/runs/manifest.js';
import { expectedFilePath, generateSample, type ExpectedFiles, type Scale } from '../../../control/sample/index.js';
import { runBronze } from '../../../jobs/bronze.js';
import { runGold } from '../../../jobs/gold.js';
import { runSilver } from '../../../jobs/silver.js';

export interface LakeFixtureOptions {
  /** Names the lake root, topic and input folder, so leftovers say which test made them. */
  name: string;
  scale?: Scale;
  events?: number;
  seed?: number;
}

export class LakeFixture {
  readonly config: LakeConfig;
  expected!: ExpectedFiles;
  produced!: ProduceAdEventsReport;
  /** The silver run of `withGold`, with its counts per source. */
  silver!: SilverRun;

  private constructor(options: LakeFixtureOptions, input: string) {
    const id = randomUUID().slice(0, 8);
    this.config = loadConfig({
      ...process.env,
      LAKE_ROOT: `hdfs://127.0.0.1:8020/lake-test-${options.name}-${id}`,
      LAKE_INPUT: input,
      LAKE_KAFKA_TOPIC: `${options.name}-test-${id}`,
    });
  }

  /** Generates the inputs and produces the events, without running any layer. */
  static async create(options: LakeFixtureOptions): Promise<LakeFixture> {
    const input = await mkdtemp(path.join(os.tmpdir(), `lake-${options.name}-`));
    const lake = new LakeFixture(options, input);
    const seed = options.seed ?? 7;
    await generateSample({ outDir: input, scale: options.scale ?? 'xs', seed, dirtyRate: 0.05, force: false });
    lake.expected = JSON.parse(await readFile(path.join(input, expectedFilePath), 'utf8')) as ExpectedFiles;
    if (options.events !== 0) lake.produced = await produceAdEvents(lake.config, { count: options.events ?? 3000, partitions: 3, dirtyRate: 0.05, seed });
    return lake;
  }

  /** Generates, produces, and runs bronze → silver → gold. */
  static async withGold(options: LakeFixtureOptions): Promise<LakeFixture> {
    const lake = await LakeFixture.create(options);
    await runBronze(lake.config);
    lake.silver = await runSilver(lake.config);
    await runGold(lake.config);
    return lake;
  }

  async destroy(): Promise<void> {
    await new WebHdfs(this.config.webHdfs).delete(hdfsPath(this.config.lakeRoot), true);
    await rm(this.config.inputDir, { recursive: true, force: true });
    const admin = createKafka(this.config).admin();
    await admin.connect();
    try {
      // A test may have deleted it already.
      if ((await admin.listTopics()).includes(this.config.kafkaTopic)) await admin.deleteTopics({ topics: [this.config.kafkaTopic] });
    } finally {
      await admin.disconnect();
    }
  }
}
