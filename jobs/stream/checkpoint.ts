// The checkpoint of the stream's landing query, read over WebHDFS. Spark keeps there what it needs
// to resume exactly once: `metadata` (the query's id, the same at every restart) and the offset
// log, `offsets/<epoch>` — written before the epoch runs — whose last line holds the Kafka offsets
// the epoch read up to ({"ad-events":{"0":1200,"1":1180}}). The lake adds `lake-start.json`: the
// offsets the query started from, when the checkpoint was made. From these the stream records
// exactly which offsets each landed epoch holds, even when `lake stream` died before it could.
import { LakeError } from '../../control/errors.js';
import type { WebHdfs } from '../../control/hdfs/webhdfs.js';

/** Offsets per partition of one topic: `{ "0": 1200, "1": 1180 }`. */
export type PartitionOffsets = Record<string, number>;

export class LandingCheckpoint {
  constructor(
    private readonly hdfs: WebHdfs,
    /** The checkpoint folder inside HDFS, e.g. `/lake/_checkpoints/bronze_ad_events`. */
    readonly path: string,
    private readonly topic: string,
  ) {}

  /** The query id the checkpoint belongs to; undefined when there is no checkpoint yet. */
  async queryId(): Promise<string | undefined> {
    const metadata = await this.hdfs.read(`${this.path}/metadata`);
    if (!metadata) return undefined;
    return this.parse<{ id?: string }>(metadata.toString('utf8'), 'metadata').id;
  }

  /** The offsets the query started from (written by the lake before the first start). */
  async start(): Promise<PartitionOffsets | undefined> {
    const file = await this.hdfs.read(`${this.path}/lake-start.json`);
    return file ? this.parse<PartitionOffsets>(file.toString('utf8'), 'lake-start.json') : undefined;
  }

  async writeStart(offsets: PartitionOffsets): Promise<void> {
    await this.hdfs.write(`${this.path}/lake-start.json`, `${JSON.stringify(offsets)}\n`, { overwrite: true });
  }

  /** The offsets epoch `epoch` read up to; undefined when the offset log has no such epoch. */
  async endOf(epoch: number): Promise<PartitionOffsets | undefined> {
    const file = await this.hdfs.read(`${this.path}/offsets/${epoch}`);
    if (!file) return undefined;
    const lines = file.toString('utf8').split('\n').filter((line) => line.trim() !== '');
    // v1, the batch's metadata, then one line per source: the lake's query has one, the topic.
    const sources = this.parse<Record<string, PartitionOffsets>>(lines.at(-1) ?? '', `offsets/${epoch}`);
    const offsets = sources[this.topic];
    if (!offsets) throw new LakeError(`the checkpoint ${this.path} reads another topic than ${this.topic}`, `it belongs to another configuration: remove it (\`lake stream --reset\`)`);
    return offsets;
  }

  /** The offsets the query resumes after `landedEpoch` (undefined: none landed): where it starts. */
  async resumesAt(landedEpoch: number | undefined): Promise<PartitionOffsets | undefined> {
    return landedEpoch === undefined ? this.start() : this.endOf(landedEpoch);
  }

  /**
   * The offsets the newest committed epoch read up to: where the query's next landing starts.
   * Spark writes `commits/<epoch>` once the epoch's Delta commit is done (and keeps the last hundred
   * or so); undefined before the first.
   */
  async committedEnd(): Promise<PartitionOffsets | undefined> {
    const epochs = (await this.hdfs.list(`${this.path}/commits`)).map((entry) => entry.pathSuffix).filter((name) => /^\d+$/.test(name));
    if (epochs.length === 0) return undefined;
    return this.endOf(Math.max(...epochs.map(Number)));
  }

  async remove(): Promise<void> {
    await this.hdfs.delete(this.path, true);
  }

  private parse<T>(text: string, file: string): T {
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new LakeError(`the stream's checkpoint file ${this.path}/${file} is not valid JSON`, 'the checkpoint was damaged: remove it (`lake stream --reset`); the lake resumes from the offsets it recorded');
    }
  }
}
