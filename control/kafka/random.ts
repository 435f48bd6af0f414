// Seeded randomness for generated events: the same seed gives the same events, on any machine.
// No dependency: mulberry32 is a tiny, fast 32-bit generator, good enough for test data.

/** A source of reproducible random choices. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** A float in [min, max). */
  between(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** An item chosen with probability proportional to `weight(item)`. */
  weighted<T>(items: readonly T[], weight: (item: T) => number): T;
}

/** mulberry32 (Tommy Ettinger): a 32-bit state stepped by a Weyl constant, then scrambled. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seededRandom(seed: number): Random {
  const next = mulberry32(seed);
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    between: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('cannot pick from an empty list');
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
    weighted: (items, weight) => {
      const total = items.reduce((sum, item) => sum + weight(item), 0);
      let threshold = next() * total;
      for (const item of items) {
        threshold -= weight(item);
        if (threshold < 0) return item;
      }
      return random.pick(items);
    },
  };
  return random;
}

/** MurmurHash3's 32-bit finalizer: a bijection on 32-bit integers that mixes every bit. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function uuidWord(seed: number, index: number, salt: number): number {
  const high = Math.floor(index / 4294967296) >>> 0;
  return fmix32(fmix32((index >>> 0) ^ fmix32(seed + Math.imul(salt, 0x9e3779b9))) ^ high);
}

const hexByte = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function hexWord(word: number): string {
  return (hexByte[word >>> 24] ?? '') + (hexByte[(word >>> 16) & 0xff] ?? '') + (hexByte[(word >>> 8) & 0xff] ?? '') + (hexByte[word & 0xff] ?? '');
}

/**
 * A UUID-shaped id for the `index`-th item of the run seeded with `seed`. Not drawn from the
 * generator's stream: mulberry32 streams of different seeds are shifted copies of one another, so
 * ids drawn from them could repeat across runs. Each 32-bit word here is a bijection of the index
 * (no id repeats within a run) and is salted with the seed differently.
 */
export function seededUuid(seed: number, index: number): string {
  const a = hexWord(uuidWord(seed, index, 0));
  const b = hexWord(uuidWord(seed, index, 1));
  // Version 4 and the RFC 4122 variant, so the id looks like any other random UUID.
  const c = hexWord((uuidWord(seed, index, 2) & 0x3fffffff) | 0x80000000);
  const d = hexWord(uuidWord(seed, index, 3));
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
}
