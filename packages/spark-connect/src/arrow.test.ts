import {
  Bool,
  DateDay,
  Decimal,
  Field,
  Float64,
  Int32,
  Int64,
  List,
  Map_,
  Null,
  Struct,
  Table,
  TimestampMicrosecond,
  Utf8,
  makeData,
  makeVector,
  tableToIPC,
  vectorFromArray,
  type Vector,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { decodeArrowBatches, formatDecimal, rowsOf, tuplesOf } from './arrow.js';

/** 128-bit two's-complement little-endian words of each value, as Spark writes DECIMAL(p, s). */
function decimalWords(unscaled: (bigint | null)[]): Uint32Array {
  const words = new Uint32Array(unscaled.length * 4);
  unscaled.forEach((value, row) => {
    let bits = BigInt.asUintN(128, value ?? 0n);
    for (let word = 0; word < 4; word++, bits >>= 32n) words[row * 4 + word] = Number(bits & 0xffffffffn);
  });
  return words;
}

function decimalVector(unscaled: (bigint | null)[], precision: number, scale: number): Vector {
  const nullBitmap = new Uint8Array(Math.ceil(unscaled.length / 8));
  unscaled.forEach((value, row) => {
    if (value !== null) nullBitmap[row >> 3]! |= 1 << (row & 7);
  });
  return makeVector(
    makeData({
      type: new Decimal(scale, precision, 128),
      length: unscaled.length,
      nullCount: unscaled.filter((value) => value === null).length,
      nullBitmap,
      data: decimalWords(unscaled),
    }),
  );
}

/** Rows after a round trip through the Arrow IPC stream format, as Spark sends them. */
function roundTrip(columns: Record<string, Vector>) {
  const ipc = tableToIPC(new Table(columns), 'stream');
  return decodeArrowBatches(ipc).flatMap(rowsOf);
}

describe('rowsOf', () => {
  it('keeps 64-bit integers exact, as bigint', () => {
    const rows = roundTrip({ n: vectorFromArray([2n ** 53n + 1n, -(2n ** 63n), null], new Int64()) });
    expect(rows).toEqual([{ n: 9007199254740993n }, { n: -9223372036854775808n }, { n: null }]);
  });

  it('turns decimals into their exact text, at the column scale', () => {
    const rows = roundTrip({
      money: decimalVector([1250n, -5n, 0n, null], 10, 2),
      wide: decimalVector([10n ** 37n + 123456789012345678n, -(10n ** 37n) - 1n, null, 1n], 38, 18),
    });
    expect(rows.map((row) => row.money)).toEqual(['12.50', '-0.05', '0.00', null]);
    expect(rows.map((row) => row.wide)).toEqual([
      '10000000000000000000.123456789012345678',
      '-10000000000000000000.000000000000000001',
      null,
      '0.000000000000000001',
    ]);
  });

  it('reads dates as calendar days and timestamps as instants', () => {
    const days = makeVector(makeData({ type: new DateDay(), length: 3, data: new Int32Array([0, 19782, -1]) }));
    const micros = makeVector(
      makeData({ type: new TimestampMicrosecond('UTC'), length: 2, data: new BigInt64Array([1_704_067_200_123_456n, -1n]) }),
    );
    const rows = roundTrip({ day: days, at: vectorFromArray([null, null, null], new Null()) }).map((row) => row.day);
    expect(rows).toEqual(['1970-01-01', '2024-02-29', '1969-12-31']);
    const [first, second] = roundTrip({ ts: micros });
    expect(first?.ts).toEqual(new Date('2024-01-01T00:00:00.123Z'));
    // One microsecond before the epoch is in the millisecond before it, not at the epoch.
    expect(second?.ts).toEqual(new Date('1969-12-31T23:59:59.999Z'));
  });

  it('maps nulls, strings, numbers and booleans', () => {
    const rows = roundTrip({
      nothing: vectorFromArray([null, null], new Null()),
      text: vectorFromArray(['plain', 'déjà vu ✓'], new Utf8()),
      ascii: vectorFromArray(['a', null], new Utf8()),
      int: vectorFromArray([1, null], new Int32()),
      double: vectorFromArray([0.1, Number.NaN], new Float64()),
      flag: vectorFromArray([true, false], new Bool()),
    });
    expect(rows).toEqual([
      { nothing: null, text: 'plain', ascii: 'a', int: 1, double: 0.1, flag: true },
      { nothing: null, text: 'déjà vu ✓', ascii: null, int: null, double: Number.NaN, flag: false },
    ]);
  });

  it('nests arrays, structs and maps', () => {
    const list = vectorFromArray([[1, 2, null], [], null], new List(new Field('element', new Int32(), true)));
    const struct = vectorFromArray(
      [{ a: 1, b: 'x' }, { a: null, b: 'y' }, null],
      new Struct([new Field('a', new Int32(), true), new Field('b', new Utf8(), true)]),
    );
    const map = vectorFromArray(
      [new Map([['k', 1]]), new Map(), null],
      new Map_(new Field('entries', new Struct<{ key: Utf8; value: Int32 }>([new Field('key', new Utf8(), false), new Field('value', new Int32(), true)]), false)),
    );
    const rows = roundTrip({ list, struct, map });
    expect(rows.map((row) => row.list)).toEqual([[1, 2, null], [], null]);
    expect(rows.map((row) => row.struct)).toEqual([{ a: 1, b: 'x' }, { a: null, b: 'y' }, null]);
    expect(rows.map((row) => row.map)).toEqual([new Map([['k', 1]]), new Map(), null]);
  });

  it('keeps odd column names as plain properties', () => {
    const rows = roundTrip({ ['__proto__']: vectorFromArray([1], new Int32()), 'a "b"': vectorFromArray([2], new Int32()) });
    expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
    expect(Object.keys(rows[0]!)).toEqual(['__proto__', 'a "b"']);
    expect(rows[0]!['a "b"']).toBe(2);
  });
});

describe('tuplesOf', () => {
  it('returns values in column order', () => {
    const ipc = tableToIPC(new Table({ a: vectorFromArray([1, 2], new Int32()), b: vectorFromArray(['x', 'y'], new Utf8()) }), 'stream');
    expect(decodeArrowBatches(ipc).flatMap(tuplesOf)).toEqual([
      [1, 'x'],
      [2, 'y'],
    ]);
  });
});

describe('formatDecimal', () => {
  it.each([
    [0n, 0, '0'],
    [0n, 3, '0.000'],
    [7n, 3, '0.007'],
    [-7n, 3, '-0.007'],
    [123n, -2, '12300'],
    [2n ** 53n - 1n, 0, '9007199254740991'],
    [2n ** 53n, 0, '9007199254740992'],
    [-(2n ** 53n), 0, '-9007199254740992'],
    [-(2n ** 32n), 0, '-4294967296'],
    [10n ** 38n - 1n, 10, '9999999999999999999999999999.9999999999'],
    [-(10n ** 38n) + 1n, 38, '-0.99999999999999999999999999999999999999'],
  ])('%s at scale %s is %s', (unscaled, scale, text) => {
    expect(formatDecimal(decimalWords([unscaled]), 0, 4, scale)).toBe(text);
  });
});
