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

/** What the routes need of gold: the snapshot to serve and the state to report. */
export interface GoldSource {
  snapshot(): GoldSnapshot | undefined;
  status(): GoldStatus;
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

  update(gold: LoadedGold | undefined, status: GoldStatus): void {
    if (gold?.version !== this.current?.version) this.current = gold && servedSnapshot(gold);
    this.state = status;
  }

  snapshot(): GoldSnapshot | undefined {
    return this.current;
  }

  status(): GoldStatus {
    return { ...this.state };
  }
}
