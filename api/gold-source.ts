// What the routes serve gold from: a snapshot of one gold version and the state of the source.
// Kept apart from the cache that loads gold through Spark (gold-cache.ts), so that an API worker,
// which receives gold from its primary (cluster.ts), never loads the Spark client.
import { goldTables, type GoldTable } from '../jobs/catalog.js';
import type { MetricRow } from './gold-tables.js';

export interface GoldSnapshot {
  /** Run id of the gold version. */
  version: string;
  publishedAt: string;
  loadedAt: string;
  tables: Record<GoldTable, MetricRow[]>;
  /** Each table's JSON body, serialized once per version: a request only writes these bytes. */
  bodies: Record<GoldTable, Buffer>;
}

/** A gold version as loaded, before it is made ready to serve. */
export type LoadedGold = Omit<GoldSnapshot, 'bodies'>;

export interface GoldStatus {
  /** `empty`: nothing loaded yet; `stale`: serving a version, but the last check failed or a newer one could not be loaded. */
  state: 'empty' | 'ready' | 'stale';
  version?: string;
  publishedAt?: string;
  loadedAt?: string;
  checkedAt?: string;
  /** Why the last check or load failed. */
  error?: string;
}

/** Called with each new gold version once it is the one served. */
export type VersionListener = (snapshot: GoldSnapshot) => void;

/** What the routes need of gold: the snapshot to serve, the state to report, and word of each new version. */
export interface GoldSource {
  snapshot(): GoldSnapshot | undefined;
  status(): GoldStatus;
  /** Calls `listener` on every new version served from now on (not the current one); returns the unsubscribe. */
  onVersion(listener: VersionListener): () => void;
}

/**
 * The listeners of a gold source. A listener that throws is reported to `onError` and does not
 * keep the others, or the source's own check, from running.
 */
export class VersionListeners {
  private readonly listeners = new Set<VersionListener>();

  constructor(private readonly onError: (error: unknown) => void = () => undefined) {}

  add(listener: VersionListener): () => void {
    // Each subscription is its own entry, so one listener added twice is removed once per unsubscribe.
    const entry: VersionListener = (snapshot) => listener(snapshot);
    this.listeners.add(entry);
    return () => void this.listeners.delete(entry);
  }

  notify(snapshot: GoldSnapshot): void {
    for (const listener of [...this.listeners]) {
      // One that an earlier listener unsubscribed is not called.
      if (!this.listeners.has(listener)) continue;
      try {
        listener(snapshot);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}

/** A loaded gold version with each table's body serialized. */
export function servedSnapshot(gold: LoadedGold): GoldSnapshot {
  const bodies = Object.fromEntries(goldTables.map((table) => [table, Buffer.from(JSON.stringify(gold.tables[table]))])) as Record<GoldTable, Buffer>;
  return { ...gold, bodies };
}

/** Gold received from elsewhere (an API worker's copy of its primary's cache). */
export class GoldMirror implements GoldSource {
  private current: GoldSnapshot | undefined;
  private state: GoldStatus = { state: 'empty' };
  private readonly listeners: VersionListeners;

  constructor(log: (line: string) => void = () => undefined) {
    this.listeners = new VersionListeners((error) => log(`a gold version listener failed: ${String(error)}`));
  }

  update(gold: LoadedGold | undefined, status: GoldStatus): void {
    const changed = gold?.version !== this.current?.version;
    if (changed) this.current = gold && servedSnapshot(gold);
    this.state = status;
    if (changed && this.current) this.listeners.notify(this.current);
  }

  onVersion(listener: VersionListener): () => void {
    return this.listeners.add(listener);
  }

  snapshot(): GoldSnapshot | undefined {
    return this.current;
  }

  status(): GoldStatus {
    return { ...this.state };
  }
}
