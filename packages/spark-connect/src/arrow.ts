// Decoding of the Arrow IPC streams Spark sends as results, into plain JavaScript rows without
// losing anything: 64-bit integers stay bigint, decimals become their exact decimal text, and
// timestamps are read from the raw microseconds rather than through a lossy float.
//
// Value mapping (Spark type → JavaScript):
//   tinyint, smallint, int, float, double  → number
//   bigint                                  → bigint
//   decimal(p, s)                           → string with exactly s decimals, e.g. "12.50"
//   string                                  → string
//   boolean                                 → boolean
//   binary                                  → Uint8Array
//   date                                    → string "YYYY-MM-DD" (a calendar day has no time zone;
//                                             a Date would shift it for users west of UTC)
//   timestamp                               → Date (an instant; Date keeps milliseconds, so the
//                                             microseconds Spark stores are truncated)
//   timestamp_ntz                           → Date whose UTC fields are the wall-clock value
//   array<T>                                → T[]
//   struct<...>                             → object
//   map<K, V>                               → Map<K, V>
//   null (any type)                         → null
//   anything else (intervals, time, ...)    → what apache-arrow returns for it
import { isAscii } from 'node:buffer';
import {
  RecordBatchReader,
  Type,
  makeVector,
  type Data,
  type Date_,
  type Decimal,
  type Float,
  type RecordBatch,
  type Timestamp,
} from 'apache-arrow';

export type Row = Record<string, unknown>;

/** One `arrow_batch` payload (a complete IPC stream: schema, then batches) → its record batches. */
export function decodeArrowBatches(ipc: Uint8Array): RecordBatch[] {
  return RecordBatchReader.from(ipc).readAll();
}

/** The rows of a record batch, one object per row keyed by column name. */
export function rowsOf(batch: RecordBatch): Row[] {
  const names = batch.schema.fields.map((field) => field.name);
  const readers = names.map((_, index) => readerFor(batch.data.children[index] as Data));
  const makeRow = rowFactory(names);
  const rows = new Array<Row>(batch.numRows);
  for (let row = 0; row < batch.numRows; row++) rows[row] = makeRow(readers, row);
  return rows;
}

/** The rows of a record batch as arrays of values, in column order (keeps duplicate names apart). */
export function tuplesOf(batch: RecordBatch): unknown[][] {
  const readers = batch.schema.fields.map((_, index) => readerFor(batch.data.children[index] as Data));
  const rows = new Array<unknown[]>(batch.numRows);
  for (let row = 0; row < batch.numRows; row++) rows[row] = readers.map((read) => read(row));
  return rows;
}

type RowFactory = (readers: Reader[], row: number) => Row;
const rowFactories = new Map<string, RowFactory>();

/**
 * A function building one row as an object literal with the result's column names. Filling an
 * empty object key by key goes through V8's slow generic property stores and was the largest cost
 * of decoding; a literal gets a fixed shape. Names are embedded as JSON string literals (no code
 * injection), and `__proto__` as a computed key so that it stays an ordinary property.
 */
function rowFactory(names: string[]): RowFactory {
  const key = JSON.stringify(names);
  let factory = rowFactories.get(key);
  if (!factory) {
    const fields = names.map((name, index) => {
      const literal = JSON.stringify(name);
      return `${name === '__proto__' ? `[${literal}]` : literal}: readers[${index}](row)`;
    });
    factory = new Function('readers', 'row', `return { ${fields.join(', ')} };`) as RowFactory;
    if (rowFactories.size > 1000) rowFactories.clear();
    rowFactories.set(key, factory);
  }
  return factory;
}

type Reader = (index: number) => unknown;

function readerFor(data: Data): Reader {
  const read = valueReaderFor(data);
  if (data.nullCount === 0) return read;
  return (index) => (data.getValid(index) ? read(index) : null);
}

function valueReaderFor(data: Data): Reader {
  const type = data.type;
  switch (type.typeId) {
    case Type.Null:
      return () => null;
    case Type.Int:
    case Type.Float: {
      if (type.typeId === Type.Float && (type as Float).precision === 0) break; // float16: let apache-arrow convert
      const values = data.values as ArrayLike<number | bigint>;
      return (index) => values[index];
    }
    case Type.Utf8:
    case Type.LargeUtf8: {
      const bytes = data.values as Uint8Array;
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const offsets = data.valueOffsets as ArrayLike<number | bigint>;
      // Mostly ASCII in practice: then byte offsets are character offsets, and decoding the whole
      // column once and slicing it is ~5x faster than decoding value by value.
      if (isAscii(text)) {
        const all = text.toString('latin1');
        return (index) => all.slice(Number(offsets[index]), Number(offsets[index + 1]));
      }
      return (index) => text.toString('utf8', Number(offsets[index]), Number(offsets[index + 1]));
    }
    case Type.Decimal: {
      const words = data.values as Uint32Array;
      const { bitWidth, scale } = type as Decimal;
      const stride = bitWidth / 32;
      return (index) => formatDecimal(words, index * stride, stride, scale);
    }
    case Type.Date: {
      if ((type as Date_).unit !== 0) break; // DateMillisecond: not sent by Spark
      const days = data.values as Int32Array;
      return (index) => isoDay(days[index] as number);
    }
    case Type.Timestamp: {
      const values = data.values as BigInt64Array;
      const perMs = [1e-3, 1, 1e3, 1e6][(type as Timestamp).unit] as number; // second, milli, micro, nano
      return (index) => new Date(toMillis(values[index] as bigint, perMs));
    }
    case Type.List: {
      const offsets = data.valueOffsets as Int32Array;
      const element = readerFor(data.children[0] as Data);
      return (index) => {
        const items: unknown[] = [];
        for (let at = offsets[index] as number, end = offsets[index + 1] as number; at < end; at++) items.push(element(at));
        return items;
      };
    }
    case Type.Struct: {
      const fields = type.children.map((field, position) => [field.name, readerFor(data.children[position] as Data)] as const);
      return (index) => {
        const record: Row = {};
        for (const [name, read] of fields) record[name] = read(index);
        return record;
      };
    }
    case Type.Map: {
      const offsets = data.valueOffsets as Int32Array;
      const entries = data.children[0] as Data;
      const key = readerFor(entries.children[0] as Data);
      const value = readerFor(entries.children[1] as Data);
      return (index) => {
        const map = new Map<unknown, unknown>();
        for (let at = offsets[index] as number, end = offsets[index + 1] as number; at < end; at++) map.set(key(at), value(at));
        return map;
      };
    }
  }
  const vector = makeVector(data);
  return (index) => vector.get(index);
}

/** Days since 1970-01-01 → "YYYY-MM-DD". */
function isoDay(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

/** A count of `1/perMs`-millisecond units → whole milliseconds, rounding towards the past. */
function toMillis(value: bigint, perMs: number): number {
  if (perMs === 1) return Number(value);
  if (perMs < 1) return Number(value) * 1000;
  const unitsPerMs = BigInt(perMs);
  let millis = value / unitsPerMs;
  if (value < 0n && millis * unitsPerMs !== value) millis -= 1n;
  return Number(millis);
}

const TWO_32 = 2 ** 32;

/**
 * A little-endian two's-complement integer of `stride` 32-bit words, scaled by 10^-scale, as exact
 * decimal text. Values that fit in 53 bits (nearly all in practice) avoid BigInt, which is ~10×
 * slower per value.
 */
export function formatDecimal(words: Uint32Array, start: number, stride: number, scale: number): string {
  const low = words[start] as number;
  const high = words[start + 1] as number;
  let upperZero = true;
  let upperOnes = true;
  for (let word = start + 2; word < start + stride; word++) {
    upperZero &&= words[word] === 0;
    upperOnes &&= words[word] === 0xffffffff;
  }
  let negative: boolean;
  let magnitude: string;
  if (upperZero && high < 0x200000) {
    negative = false;
    magnitude = (high * TWO_32 + low).toString();
  } else if (upperOnes && high >= 0xffe00000 && (high !== 0xffe00000 || low !== 0)) {
    negative = true;
    magnitude = ((0xffffffff - high) * TWO_32 + (TWO_32 - low)).toString();
  } else {
    let value = 0n;
    for (let word = start + stride - 1; word >= start; word--) value = (value << 32n) | BigInt(words[word] as number);
    if ((words[start + stride - 1] as number) & 0x80000000) value -= 1n << BigInt(32 * stride);
    negative = value < 0n;
    magnitude = (negative ? -value : value).toString();
  }
  if (scale > 0) {
    const padded = magnitude.padStart(scale + 1, '0');
    magnitude = `${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
  } else if (scale < 0 && magnitude !== '0') {
    magnitude += '0'.repeat(-scale);
  }
  return negative ? `-${magnitude}` : magnitude;
}
