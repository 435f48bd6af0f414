// Run manifests: one JSON document per run of a layer, in the lake at `_runs/<runId>.json`.
// A bronze batch counts as landed only when its run's manifest says `succeeded`: the manifest is
// the commit. It is written once, at the end, atomically (WebHDFS upload + rename). Once a thousand
// are loose, a run seals them into one file of `_runs/_sealed/` (`<first>_<last>.jsonl`, one
// manifest a line): the record of a stream that ran for days stays a few hundred files.
import { LakeError } from '../errors.js';
import { sideBySide } from '../side-by-side.js';
import type { WebHdfs } from '../hdfs/webhdfs.js';
import type { RecordedLayer } from './published.js';
import { LayerLock, LockHeldError } from './lock.js';
import { runIdPattern } from './run-id.js';

export type Layer = 'bronze' | 'silver' | 'gold';
export type Outcome = 'succeeded' | 'failed' | 'nothing new';

export interface LandedFile {
  /** Path relative to the source folder of the input. */
  path: string;
  /** Where it landed, relative to the lake root. */
  landedAt: string;
  size: number;
  sha256: string;
  lines: number;
  blankLines: number;
  /** The file's metadata when bronze read it, if it had settled (jobs/bronze/file-stamps.ts). */
  stamp?: FileStamp;
}

/**
 * What the file system said of an input file when bronze read it: while it says the same, the
 * file holds the same bytes, and the next run need not read it again.
 */
export interface FileStamp {
  size: number;
  /** Modification and status-change times in nanoseconds, and the inode number (decimal strings). */
  mtimeNs: string;
  ctimeNs: string;
  ino: string;
}

export interface FileSourceManifest {
  landed: LandedFile[];
  /** Files of the input already in the lake (same SHA-256), not landed again. */
  skipped: Array<{ path: string; sha256: string; sameAs: string; stamp?: FileStamp }>;
}

export interface KafkaManifest {
  topic: string;
  /** Offsets landed by this run, per partition: [from, until). */
  ranges: Record<string, { from: number; until: number }>;
  records: number;
  /** Offsets landed by this run and all before it: where the next run starts. */
  committed: Record<string, number>;
  /** The version of the Delta table `bronze/ad_events` that the run's write made. */
  deltaVersion?: number;
  /**
   * The `batch_id` partitions of `bronze/ad_events` holding the records: the run's id unless the
   * stream landed them, one partition per micro-batch of its query.
   */
  batches?: string[];
  /** Landed by `lake stream`: its query, and the last micro-batch (epoch) this run records. */
  stream?: { queryId: string; lastEpoch: number };
}

/** The `batch_id` values of the ad events a bronze run landed. */
export function adEventBatches(run: Pick<BronzeRun, 'runId' | 'kafka'>): string[] {
  return run.kafka?.batches ?? [run.runId];
}

/**
 * What silver made of the new batches of one bronze table: the conservation law, in numbers.
 * bronzeRecords and blankLines come from what bronze recorded while landing; silverRows and
 * quarantined from the rows the run's Delta commits wrote.
 */
export interface SilverCounts {
  bronzeRecords: number;
  blankLines: number;
  silverRows: number;
  quarantined: number;
  /** Quarantined rows per reason code. */
  reasons: Record<string, number>;
}

interface RunCommon {
  runId: string;
  startedAt: string;
  endedAt: string;
  outcome: Outcome;
  error?: string;
}

/** A bronze run: the files it landed per table, and the Kafka records. */
export interface BronzeRun extends RunCommon {
  layer: 'bronze';
  files?: Record<string, FileSourceManifest>;
  kafka?: KafkaManifest;
}

/** What silver and gold runs have in common: they publish a layer version. */
interface PublishingRun extends RunCommon {
  /**
   * The layer version the run published (each table's Delta version). Silver's names no batches:
   * what the version holds is derived (silver-batches.ts); before that, it named them all.
   */
  published?: RecordedLayer;
  /** Rebuilt from all of bronze (`--full-refresh`) rather than incrementally. */
  fullRefresh?: boolean;
  /** Silver: the bronze batches this run classified. Gold: the silver run it was computed from. */
  madeFrom?: string[];
  /**
   * What failed once the run had published (a clean-up, or the answer to the pointer's rename):
   * the published version stands and nothing is to be redone.
   */
  afterPublication?: string;
}

export interface SilverRun extends PublishingRun {
  layer: 'silver';
  /**
   * The silver version (the id of the run that published it) this run added its batches to: the
   * one the layer pointer named when it started; absent for a full refresh and before any.
   */
  builtOn?: string;
  /** The conservation law of each source, in numbers. */
  silver?: Record<string, SilverCounts>;
}

export interface GoldRun extends PublishingRun {
  layer: 'gold';
  /** Rows of each metric table. */
  gold?: Record<string, { rows: number }>;
}

/** One run's manifest: its layer says which fields it has. */
export type RunManifest = BronzeRun | SilverRun | GoldRun;

/** The manifest of a run of `layer`. */
export type RunOf<L extends Layer> = Extract<RunManifest, { layer: L }>;

/** The runs of `layer` in a listing of the run record whose outcome is one of `outcomes` (by default the committed ones), in the listing's order. */
export function runsOf<L extends Layer>(runs: readonly RunManifest[], layer: L, outcomes: readonly Outcome[] = ['succeeded']): RunOf<L>[] {
  return runs.filter((run): run is RunOf<L> => run.layer === layer && outcomes.includes(run.outcome));
}

/** How long a run took, for people: `12.3 s`. */
export function runDuration(run: Pick<RunManifest, 'startedAt' | 'endedAt'>): string {
  return `${((Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1)} s`;
}

/** A file of the run record as this process read it: its manifests, and the listing's stamp of it. */
interface ReadFile {
  stamp: string;
  manifests: readonly RunManifest[];
}

/** What this process keeps of a lake's run record (a `_runs` folder). */
interface ReadRecord {
  /** Each file read, by its path under `_runs`, as long as listings show it with the same stamp. */
  files: Map<string, ReadFile>;
  /** The whole record as the last listing made it (oldest first), and what that listing showed. */
  merged?: { listing: string; runs: readonly RunManifest[] };
  /** Loose manifests at the last listing: when there are `sealFrom`, the next run seals them. */
  loose: number;
}

/**
 * The run records already read, by `_runs` folder, the folder listed last at the end. Each listing
 * replaces its folder's files (a sealed manifest leaves), and only the lakes listed last are kept:
 * a process that works on many lakes in turn (the tests, a benchmark) does not hold them all.
 */
const readRecords = new Map<string, ReadRecord>();
const cachedLakes = 8;

/** Loose manifests at which a run seals them into one file: a stream writes about 2 000 an hour. */
export const sealFrom = 1_000;

/** Files of the record read from HDFS at once by a process that has not read them yet. */
const readsAtOnce = 16;

export class RunStore {
  constructor(
    private readonly hdfs: WebHdfs,
    /** Path of the lake root inside HDFS, e.g. `/lake`. */
    private readonly root: string,
  ) {}

  private get folder(): string {
    return `${this.root}/_runs`;
  }

  private path(runId: string): string {
    return `${this.folder}/${runId}.json`;
  }

  /**
   * Writes a run's manifest once; `replace` only where a run's recorded outcome turned out wrong (a
   * run recorded as succeeded whose publication then failed), and atomically even then.
   */
  async save(manifest: RunManifest, options: { replace?: boolean } = {}): Promise<void> {
    await this.hdfs.write(this.path(manifest.runId), `${JSON.stringify(manifest, null, 2)}\n`, { overwrite: options.replace ?? false });
  }

  /** The manifest of one run as the lake holds it now, or undefined when there is none. */
  async read(runId: string): Promise<RunManifest | undefined> {
    const text = (await this.hdfs.read(this.path(runId)))?.toString('utf8');
    if (text !== undefined) return JSON.parse(text) as RunManifest;
    const sealed = (await this.list()).find((run) => run.runId === runId);
    return sealed && structuredClone(sealed);
  }

  /**
   * Every run, oldest first (run ids sort by start time). Manifests are shared and frozen: a caller
   * that builds on one copies it. Each file is read once per process and kept while the listings
   * show it with the same stamp (modification time and length): a stream adds three runs a
   * trigger, and every run reads the history.
   */
  async list(): Promise<RunManifest[]> {
    // A sealing under way in another process removes loose manifests once their sealed file is
    // there: the record read again then shows that file.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.listOnce();
      } catch (error) {
        if (!(error instanceof RecordChanged) || attempt === 5) throw error;
      }
    }
  }

  private async listOnce(): Promise<RunManifest[]> {
    // The loose manifests first: one a sealing removed before this listing is in a sealed file
    // written before it, which the listing of the sealed files after it shows.
    const loose = await this.hdfs.list(this.folder);
    // No sealed folder yet (a lake of under a thousand runs): no second listing.
    const sealed = loose.some((status) => status.pathSuffix === sealedFolder) ? await this.hdfs.list(`${this.folder}/${sealedFolder}`) : [];
    const sealedFiles = sealed.filter((status) => status.type === 'FILE' && status.pathSuffix.endsWith(sealedSuffix));
    const looseFiles = loose.filter((status) => status.pathSuffix.endsWith('.json') && runIdPattern.test(status.pathSuffix.slice(0, -5)));
    const files = [
      ...sealedFiles.map((status) => ({ ...status, name: `${sealedFolder}/${status.pathSuffix}` })),
      ...looseFiles.map((status) => ({ ...status, name: status.pathSuffix })),
    ];
    const known = readRecords.get(this.folder);
    const record: ReadRecord = { files: new Map(), loose: looseFiles.length };
    await sideBySide(
      files,
      async ({ name, modificationTime, length }) => {
        const stamp = `${modificationTime}/${length}`;
        const cached = known?.files.get(name);
        if (cached?.stamp === stamp) {
          record.files.set(name, cached);
          return;
        }
        const text = (await this.hdfs.read(`${this.folder}/${name}`))?.toString('utf8');
        if (text === undefined) throw new RecordChanged();
        record.files.set(name, { stamp, manifests: parseRecordFile(`${this.folder}/${name}`, text) });
      },
      { atOnce: readsAtOnce },
    );
    const listing = files.map(({ name, modificationTime, length }) => `${name}@${modificationTime}/${length}`).join('\n');
    record.merged = known?.merged?.listing === listing ? known.merged : { listing, runs: merged(files.map(({ name }) => record.files.get(name)!.manifests)) };
    readRecords.delete(this.folder);
    readRecords.set(this.folder, record);
    for (const lake of readRecords.keys()) if (readRecords.size > cachedLakes) readRecords.delete(lake);
    return [...record.merged.runs];
  }

  /** The committed runs of a layer, oldest first. */
  async succeeded<L extends Layer>(layer: L): Promise<RunOf<L>[]> {
    return runsOf(await this.list(), layer);
  }

  /**
   * Seals the loose manifests into one file of `_runs/_sealed` once the last listing of this
   * process counted `sealFrom` of them: a long stream writes three a cycle, and a listing (and a
   * process's first reading) of tens of thousands of files took minutes. Under the three layer locks,
   * so that no run is under way whose manifest could still be replaced; when any is held, the
   * sealing waits for a later run. The sealed file appears whole (an atomic rename), then the loose
   * copies go: a reader in between sees each run twice, the same, and keeps one. Returns the
   * manifests sealed.
   */
  async sealIfDue(sealer: string): Promise<number> {
    if ((readRecords.get(this.folder)?.loose ?? 0) < sealFrom) return 0;
    const locks: LayerLock[] = [];
    let loose: string[];
    let sealing: RunManifest[];
    try {
      for (const layer of ['bronze', 'silver', 'gold'] as const) locks.push(await LayerLock.acquire(this.hdfs, this.root, layer, sealer));
      const runs = await this.list();
      const record = readRecords.get(this.folder)!;
      const isSealed = new Set([...record.files].filter(([name]) => name.startsWith(`${sealedFolder}/`)).flatMap(([, file]) => file.manifests.map((run) => run.runId)));
      loose = [...record.files.keys()].filter((name) => !name.startsWith(`${sealedFolder}/`));
      const looseIds = new Set(loose.map((name) => name.slice(0, -5)));
      // Loose manifests a sealing that stopped before it removed them left behind are sealed already.
      sealing = runs.filter((run) => looseIds.has(run.runId) && !isSealed.has(run.runId));
      const [first, last] = [sealing[0], sealing.at(-1)];
      if (first && last) await this.hdfs.write(`${this.folder}/${sealedFolder}/${first.runId}_${last.runId}${sealedSuffix}`, sealing.map((run) => `${JSON.stringify(run)}\n`).join(''));
    } catch (error) {
      if (error instanceof LockHeldError) return 0;
      throw error;
    } finally {
      for (const lock of locks.reverse()) await lock.release().catch(() => undefined);
    }
    await sideBySide(loose, (name) => this.hdfs.delete(`${this.folder}/${name}`), { atOnce: readsAtOnce });
    return sealing.length;
  }
}

/** A file listed in the record was gone when read: a sealing removed it meanwhile. */
class RecordChanged extends Error {}

/** The folder of `_runs` that holds sealed manifests, and the ending of its files (one manifest a line). */
const sealedFolder = '_sealed';
const sealedSuffix = '.jsonl';

/** The manifests of a file of the record: a run's own (`.json`), or sealed ones (`.jsonl`, one a line). */
function parseRecordFile(path: string, text: string): RunManifest[] {
  try {
    const manifests = path.endsWith(sealedSuffix) ? text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as RunManifest) : [JSON.parse(text) as RunManifest];
    return manifests.map(deepFreeze);
  } catch {
    throw new LakeError(`run manifest file ${path} is not valid JSON`, 'the lake was modified by hand: restore or remove that file');
  }
}

/** One run each, oldest first: a run both sealed and loose (a sealing under way) is the same in both. */
function merged(files: readonly (readonly RunManifest[])[]): readonly RunManifest[] {
  const byId = new Map<string, RunManifest>();
  for (const manifests of files) for (const run of manifests) byId.set(run.runId, run);
  return [...byId.values()].sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
