// A throwaway lake for the benchmarks: its own lake root, input folder and Kafka topic, filled
// with generated data at a scale, and a second day of new data on request; removed afterwards.
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type LakeConfig } from '../control/config.js';
import { WebHdfs, hdfsPath } from '../control/hdfs/webhdfs.js';
import { RunStore, type BronzeRun } from '../control/runs/manifest.js';
import { runBronze } from '../jobs/bronze.js';
import { createKafka } from '../control/kafka/client.js';
import { produceAdEvents } from '../control/kafka/produce-ad-events.js';
import { generateSample, scales, type Scale } from '../control/sample/index.js';

export interface BenchLake {
  config: LakeConfig;
  /** Records of the first day: `records` a source, 4 sources. */
  records: number;
  /**
   * Lands a second day's inputs beside the first's: files of scale `dayScale` (default xs) of
   * another seed, whose sales and posts have ids the first day's do not, in a sub-folder per
   * source, and as many events as a source has records; returns how many records that is in all.
   */
  addSecondDay(dayScale?: Scale): Promise<number>;
  destroy(): Promise<void>;
}

export function parseScale(argument: string | undefined): Scale {
  const scale = (argument ?? 's') as Scale;
  if (!(scale in scales)) throw new Error(`unknown scale ${scale}: xs, s, m or l`);
  return scale;
}

export async function createBenchLake(scale: Scale): Promise<BenchLake> {
  const id = randomUUID().slice(0, 8);
  const input = await mkdtemp(path.join(os.tmpdir(), 'lake-bench-'));
  const config = { ...loadConfig(), lakeRoot: `hdfs://127.0.0.1:8020/lake-bench-${id}`, inputDir: input, kafkaTopic: `bench-${id}` };
  const records = scales[scale].records;
  await generateSample({ outDir: input, scale, seed: 1, dirtyRate: 0.02, force: false });
  await produceAdEvents(config, { count: records, partitions: 3, dirtyRate: 0.02, seed: 1 });
  return {
    config,
    records,
    async addSecondDay(dayScale = 'xs') {
      const day = await mkdtemp(path.join(os.tmpdir(), 'lake-bench-day2-'));
      const dayRecords = scales[dayScale].records;
      try {
        // New sales and posts, as a real next day brings: their ids start well past the first
        // day's, which number at most its records (the events' ids are seeded by the producer's
        // seed, 2 here).
        await generateSample({ outDir: day, scale: dayScale, seed: 2, dirtyRate: 0.02, force: false, firstId: 10 * records + 1 });
        for (const source of ['transactions', 'server_logs', 'social']) await cp(path.join(day, source), path.join(input, source, 'day-2'), { recursive: true });
      } finally {
        await rm(day, { recursive: true, force: true });
      }
      await produceAdEvents(config, { count: dayRecords, partitions: 3, dirtyRate: 0.02, seed: 2 });
      return dayRecords * 4;
    },
    async destroy() {
      await new WebHdfs(config.webHdfs).delete(hdfsPath(config.lakeRoot), true);
      await rm(input, { recursive: true, force: true });
      const admin = createKafka(config).admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [config.kafkaTopic] }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

/** Runs bronze on the lake's inputs and returns its committed batches, as silver would see them. */
export async function landBronze(config: LakeConfig): Promise<BronzeRun[]> {
  await runBronze(config);
  return new RunStore(new WebHdfs(config.webHdfs), hdfsPath(config.lakeRoot)).succeeded('bronze');
}
