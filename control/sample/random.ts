// The seeded pseudo-random generator behind every sample file: sfc32, a small, fast 128-bit-state
// generator. Only integer operations and IEEE `+ − × ÷` are used from here on (no Math.log/exp,
// whose last bit may vary between engines), so the same seed gives the same bytes everywhere.

/** FNV-1a over the text, mixed with the seed: independent streams for independent sources. */
function hashSeed(seed: number, stream: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < stream.length; i++) hash = Math.imul(hash ^ stream.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** splitmix32: spreads one 32-bit seed over sfc32's four words. */
function splitmix32(state: number): () => number {
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A generator for one named stream of one seed: `new Random(42, 'transactions')`. */
  constructor(seed: number, stream: string) {
    const words = splitmix32(hashSeed(seed, stream));
    this.a = words();
    this.b = words();
    this.c = words();
    this.d = words();
    // The first outputs of sfc32 still show the seed; the reference implementation skips them too.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Random.pick: nothing to pick from');
    return items[Math.floor(this.float() * items.length)] as T;
  }
}

/** A fixed table of values with relative weights (integers or not), drawn in O(log n). */
export class Weighted<T> {
  private readonly values: T[];
  private readonly cumulative: number[];

  constructor(entries: readonly (readonly [T, number])[]) {
    this.values = entries.map(([value]) => value);
    let total = 0;
    this.cumulative = entries.map(([, weight]) => (total += weight));
    if (!(total > 0)) throw new Error('Weighted: the weights must add up to more than 0');
  }

  draw(random: Random): T {
    const target = random.float() * (this.cumulative[this.cumulative.length - 1] as number);
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.cumulative[middle] as number) > target) high = middle;
      else low = middle + 1;
    }
    return this.values[low] as T;
  }
}
