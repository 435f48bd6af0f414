import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { ensureConnectToken } from './stack/connect-token.js';

describe('loadConfig', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'lake-config-'));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('points at the embedded stack by default, without a token before `stack up` made one', () => {
    expect(loadConfig({ LAKE_HOME: home })).toMatchObject({
      sparkRemote: 'sc://127.0.0.1:15002',
      lakeRoot: 'hdfs://127.0.0.1:8020/lake',
      webHdfs: 'http://127.0.0.1:9870',
      kafkaBrokers: ['127.0.0.1:9092'],
      sparkKafkaBrokers: ['127.0.0.1:9092'],
      homeDir: home,
    });
  });

  it("sends the embedded stack's token once there is one", async () => {
    const token = await ensureConnectToken(home);
    expect(loadConfig({ LAKE_HOME: home }).sparkRemote).toBe(`sc://127.0.0.1:15002/;token=${token}`);
  });

  it('takes SPARK_REMOTE as it is, token file or not', async () => {
    await ensureConnectToken(home);
    expect(loadConfig({ LAKE_HOME: home, SPARK_REMOTE: ' sc://spark-connect:15002/;token=abc ' }).sparkRemote).toBe(
      'sc://spark-connect:15002/;token=abc',
    );
    expect(loadConfig({ LAKE_HOME: home, SPARK_REMOTE: 'sc://localhost:15002' }).sparkRemote).toBe('sc://localhost:15002');
  });

  it('reads the compose cluster from the environment, Kafka seen differently by the client and by Spark', () => {
    const config = loadConfig({
      LAKE_HOME: home,
      LAKE_ROOT: 'hdfs://namenode:8020/lake/',
      LAKE_WEBHDFS: 'http://localhost:9870/',
      KAFKA_BROKERS: 'localhost:9094',
      LAKE_SPARK_KAFKA_BROKERS: 'kafka:9092',
    });
    expect(config).toMatchObject({
      lakeRoot: 'hdfs://namenode:8020/lake',
      webHdfs: 'http://localhost:9870',
      kafkaBrokers: ['localhost:9094'],
      sparkKafkaBrokers: ['kafka:9092'],
    });
  });
});
