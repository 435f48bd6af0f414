// Run manifests: one JSON document per run of a layer, in the lake at `_runs/<runId>.json`.
// A bronze batch counts as landed only when its run's manifest says `succeeded`: the manifest is
// the commit. It is written once, at the end, atomically (WebHDFS upload + rename).
import { LakeError } from '../errors.js';
import { sideBySide } from '../side-by-side.js';
import type { WebHdfs } from '../hdfs/webhdfs.js';
import type { RecordedLayer } from './published.js';
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
}

export interface FileSourceManifest {
  landed: LandedFile[];
  /** Files of the input already in the lake (same SHA-256), not landed again. */
  skipped: Array<{ path: string; sha256: string; sameAs: string }>;
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

/** How long a run took, for people: `12.3 s`. */
export function runDuration(run: Pick<RunManifest, 'startedAt' | 'endedAt'>): string {
  return `${((Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1)} s`;
}

interface ReadManifest {
  /** The listing's stamp of the file it was read from. */
  stamp: string;
  manifest: RunManifest;
}

/**
 * Manifests already read, by `_runs` folder and file name, the folder listed last at the end. Each
 * listing replaces its folder's entries (a pruned run leaves), and only the lakes listed last are
 * kept: a process that works on many lakes in turn (the tests, a benchmark) does not hold them all.
 */
const readManifests = new Map<string, Map<string, ReadManifest>>();
const cachedLakes = 8;

export class RunStore {
  constructor(
    private readonly hdfs: WebHdfs,
    /** Path of the lake root inside HDFS, e.g. `/lake`. */
    private readonly root: string,
  ) {}

  private path(runId: string): string {
    return `${this.root}/_runs/${runId}.json`;
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
    return text === undefined ? undefined : (JSON.parse(text) as RunManifest);
  }

  /**
   * Every run, oldest first (run ids sort by start time). A manifest is read once per process and
   * kept while the listing shows the same file (modification time and length): a stream adds
   * three runs a trigger, and every run reads the history.
   */
  async list(): Promise<RunManifest[]> {
    const folder = `${this.root}/_runs`;
    const files = (await this.hdfs.list(folder))
      .filter((status) => status.pathSuffix.endsWith('.json') && runIdPattern.test(status.pathSuffix.slice(0, -5)))
      .sort((a, b) => (a.pathSuffix < b.pathSuffix ? -1 : 1));
    const known = readManifests.get(folder);
    const listed = new Map<string, ReadManifest>();
    const manifests = await sideBySide(
      files,
      async ({ pathSuffix: name, modificationTime, length }) => {
        const path = `${folder}/${name}`;
        const stamp = `${modificationTime}/${length}`;
        const cached = known?.get(name);
        if (cached?.stamp === stamp) {
          listed.set(name, cached);
          // A copy: callers may change what they get (a rerun's manifest is built from an earlier one).
          return structuredClone(cached.manifest);
        }
        const text = (await this.hdfs.read(path))?.toString('utf8') ?? '';
        let manifest: RunManifest;
        try {
          manifest = JSON.parse(text) as RunManifest;
        } catch {
          throw new LakeError(`run manifest ${path} is not valid JSON`, 'the lake was modified by hand: restore or remove that file');
        }
        listed.set(name, { stamp, manifest: structuredClone(manifest) });
        return manifest;
      },
      { atOnce: 16 },
    );
    readManifests.delete(folder);
    readManifests.set(folder, listed);
    for (const lake of readManifests.keys()) if (readManifests.size > cachedLakes) readManifests.delete(lake);
    return manifests;
  }

  /** The committed runs of a layer, oldest first. */
  async succeeded<L extends Layer>(layer: L): Promise<RunOf<L>[]> {
    return (await this.list()).filter((run): run is RunOf<L> => run.layer === layer && run.outcome === 'succeeded');
  }
}
