// Kinds of records a source makes besides its plain records: valid variations (a decimal comma, a
// Common Log Format line…) and dirty cases (each bound to one quarantine reason), and the draw
// that picks one for each record, forcing in every kind at least once when a source has room.
import type { Random } from './random.js';

export interface RecordKind {
  /** Stable name, counted in the expected file's `variants`. */
  readonly name: string;
  /** The quarantine reason every record of this kind gets; null when the record is valid. */
  readonly reason: string | null;
  /** Weight relative to the other dirty kinds (or to the other valid variations). */
  readonly weight: number;
  /** Whether a record of this kind can be made now (a duplicate needs an id kept earlier…). */
  readonly fits?: () => boolean;
  /** Makes one record and records its truth; returns its text without line break. */
  readonly make: () => string;
}

/** Share of the valid records that are a variation rather than plain. */
const variationRate = 0.06;

export class KindPicker {
  private readonly dirty: RecordKind[];
  private readonly variations: RecordKind[];
  /** Kinds not made yet: forced in once forcing starts. */
  private readonly pending: RecordKind[];
  private gap = 0;
  private countdown = 0;

  constructor(
    kinds: readonly RecordKind[],
    private readonly random: Random,
    private readonly dirtyRate: number,
  ) {
    this.dirty = kinds.filter((kind) => kind.reason !== null);
    this.variations = kinds.filter((kind) => kind.reason === null);
    // With a dirty rate of 0 the data is clean: dirty kinds are then never forced in.
    this.pending = dirtyRate > 0 ? [...kinds] : [...this.variations];
  }

  /**
   * From now on, the kinds not made yet are forced in, evenly spaced over the records left, so
   * that even a small sample holds every case. Sources start it after their first file, when
   * duplicates can reach back into an earlier file.
   */
  startForcing(recordsLeft: number): void {
    this.gap = Math.max(1, Math.floor(recordsLeft / (this.pending.length + 1)));
    this.countdown = this.gap;
  }

  /** The kind of the next record; undefined for a plain one. */
  pick(): RecordKind | undefined {
    if (this.gap > 0 && this.pending.length > 0 && --this.countdown <= 0) {
      // The first pending kind that fits now; the others wait for a later record.
      const index = this.pending.findIndex((kind) => kind.fits?.() ?? true);
      if (index >= 0) {
        this.countdown = this.gap;
        return this.pending.splice(index, 1)[0];
      }
    }
    if (this.random.float() < this.dirtyRate) return this.made(this.draw(this.dirty));
    if (this.random.float() < variationRate) return this.made(this.draw(this.variations));
    return undefined;
  }

  private draw(kinds: readonly RecordKind[]): RecordKind | undefined {
    const fitting = kinds.filter((kind) => kind.fits?.() ?? true);
    let target = this.random.float() * fitting.reduce((sum, kind) => sum + kind.weight, 0);
    for (const kind of fitting) {
      target -= kind.weight;
      if (target < 0) return kind;
    }
    return undefined;
  }

  private made(kind: RecordKind | undefined): RecordKind | undefined {
    const index = kind ? this.pending.indexOf(kind) : -1;
    if (index >= 0) this.pending.splice(index, 1);
    return kind;
  }
}
