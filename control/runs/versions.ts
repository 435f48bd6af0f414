// Versioned publication of a layer: each run writes its tables under `<layer>/_versions/<runId>/`
// and then replaces the pointer `<layer>/_current.json` in one atomic rename. Readers follow the
// pointer, so they see the previous version or the new one, never a half-written one; a failed
// run leaves the pointer where it was. Old versions beyond `keep` are removed.
import type { WebHdfs } from '../hdfs/webhdfs.js';
import type { Layer } from './manifest.js';

export interface CurrentVersion {
  runId: string;
  publishedAt: string;
  /** table → its folder, relative to the lake root. */
  tables: Record<string, string>;
  /** The runs of the layer below that this version was made from. */
  madeFrom: string[];
}

export class LayerVersions {
  constructor(
    private readonly hdfs: WebHdfs,
    /** Path of the lake root inside HDFS, e.g. `/lake`. */
    private readonly root: string,
    readonly layer: Layer,
  ) {}

  /** Folder of a run's version, relative to the lake root. */
  folder(runId: string): string {
    return `${this.layer}/_versions/${runId}`;
  }

  async current(): Promise<CurrentVersion | undefined> {
    const text = await this.hdfs.read(`${this.root}/${this.layer}/_current.json`);
    return text ? (JSON.parse(text.toString('utf8')) as CurrentVersion) : undefined;
  }

  async publish(version: CurrentVersion): Promise<void> {
    await this.hdfs.write(`${this.root}/${this.layer}/_current.json`, `${JSON.stringify(version, null, 2)}\n`, { overwrite: true });
  }

  async discard(runId: string): Promise<void> {
    await this.hdfs.delete(`${this.root}/${this.folder(runId)}`, true);
  }

  /** Removes all versions but the current one and the `keep - 1` newest others. */
  async prune(keep: number): Promise<string[]> {
    const current = (await this.current())?.runId;
    const versions = (await this.hdfs.list(`${this.root}/${this.layer}/_versions`)).map((entry) => entry.pathSuffix).sort();
    const kept = new Set([current, ...versions.filter((v) => v !== current).slice(-(keep - 1))]);
    const removed = versions.filter((version) => !kept.has(version));
    for (const version of removed) await this.discard(version);
    return removed;
  }
}

/** Publishes a new version of a layer, then prunes old ones, keeping `keepOthers` besides it. */
export async function publishVersion(versions: LayerVersions, version: CurrentVersion, keepOthers = 2, log: (line: string) => void = () => undefined): Promise<void> {
  await versions.publish(version);
  const removed = await versions.prune(keepOthers + 1);
  if (removed.length > 0) log(`removed old ${versions.layer} versions: ${removed.join(', ')}`);
}
