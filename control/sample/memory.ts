// What a source remembers to make duplicates, in bounded memory whatever the scale: ids come from
// a counter, so fresh ids never collide and no set of every id is needed; a duplicate re-emits a
// record drawn from a fixed-size sample of the records kept so far.
import type { Random } from './random.js';

/** A uniform sample of at most `capacity` of the items offered (reservoir sampling, algorithm R). */
export class Reservoir<T> {
  private readonly items: T[] = [];
  private offered = 0;

  constructor(
    private readonly capacity: number,
    private readonly random: Random,
  ) {}

  offer(item: T): void {
    this.offered++;
    if (this.items.length < this.capacity) this.items.push(item);
    else {
      const slot = Math.floor(this.random.float() * this.offered);
      if (slot < this.capacity) this.items[slot] = item;
    }
  }

  pick(): T | undefined {
    return this.items.length > 0 ? this.random.pick(this.items) : undefined;
  }

  get size(): number {
    return this.items.length;
  }

  drain(): T[] {
    const items = this.items.splice(0);
    this.offered = 0;
    return items;
  }
}

/**
 * The records a source kept (went to silver), in this file and in earlier ones, and the ids seen
 * only on quarantined records: a later valid record may carry such an id and is then kept, since
 * only records valid otherwise take part in deduplication.
 */
export class KeptRecords<T> {
  private thisFile: Reservoir<T>;
  private readonly earlierFiles: Reservoir<T>;
  private readonly quarantinedIds: string[] = [];

  constructor(private readonly random: Random) {
    this.thisFile = new Reservoir(512, random);
    this.earlierFiles = new Reservoir(2048, random);
  }

  startFile(): void {
    for (const item of this.thisFile.drain()) this.earlierFiles.offer(item);
  }

  kept(item: T): void {
    this.thisFile.offer(item);
  }

  /** A kept record of the current file. */
  fromThisFile(): T | undefined {
    return this.thisFile.pick();
  }

  /** A kept record of an earlier file. */
  fromEarlierFiles(): T | undefined {
    return this.earlierFiles.pick();
  }

  /** A kept record of this file or an earlier one. */
  any(): T | undefined {
    return this.random.chance(0.5) ? (this.fromThisFile() ?? this.fromEarlierFiles()) : (this.fromEarlierFiles() ?? this.fromThisFile());
  }

  get hasThisFile(): boolean {
    return this.thisFile.size > 0;
  }

  get hasEarlierFiles(): boolean {
    return this.earlierFiles.size > 0;
  }

  quarantined(id: string): void {
    if (this.quarantinedIds.length < 256) this.quarantinedIds.push(id);
  }

  /** An id seen only on quarantined records, taken out of the pool: it is kept once used. */
  takeQuarantinedId(): string | undefined {
    if (this.quarantinedIds.length === 0) return undefined;
    const index = Math.floor(this.random.float() * this.quarantinedIds.length);
    return this.quarantinedIds.splice(index, 1)[0];
  }

  get hasQuarantinedIds(): boolean {
    return this.quarantinedIds.length > 0;
  }
}
