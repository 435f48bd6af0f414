import { describe, expect, it } from 'vitest';
import { cellText, csvLine, toJson, toJsonValue } from './row-format.js';

describe('toJsonValue', () => {
  it('keeps numbers exact: unsafe bigints become strings', () => {
    expect(toJsonValue(42n)).toBe(42);
    expect(toJsonValue(2n ** 53n - 1n)).toBe(9007199254740991);
    expect(toJsonValue(2n ** 53n + 1n)).toBe('9007199254740993');
    expect(toJsonValue(-(2n ** 63n))).toBe('-9223372036854775808');
    expect(toJsonValue(Number.NaN)).toBe('NaN');
  });

  it('writes dates, binary and nested values as JSON data', () => {
    const row = {
      ts: new Date('2024-01-01T00:00:00.5Z'),
      bytes: new Uint8Array([1, 2, 3]),
      list: [1n, null],
      map: new Map([[1, 'a']]),
      struct: { inner: 2n ** 60n },
    };
    expect(JSON.parse(toJson(row))).toEqual({
      ts: '2024-01-01T00:00:00.500Z',
      bytes: 'AQID',
      list: [1, null],
      map: { '1': 'a' },
      struct: { inner: '1152921504606846976' },
    });
  });
});

describe('csvLine', () => {
  it('quotes only where RFC 4180 needs it, and ends lines with CRLF', () => {
    expect(csvLine(['plain', 'a,b', 'say "hi"', 'two\nlines', null, 12.5, 2n ** 64n, true, '12.50'])).toBe(
      'plain,"a,b","say ""hi""","two\nlines",,12.5,18446744073709551616,true,12.50\r\n',
    );
    expect(csvLine([[1, 2], { a: 'x,y' }])).toBe('"[1,2]","{""a"":""x,y""}"\r\n');
  });
});

describe('cellText', () => {
  it('shows NULL and keeps each value on one line', () => {
    expect(cellText(null)).toBe('NULL');
    expect(cellText('a\nb\tc')).toBe('a\\nb\\tc');
    expect(cellText(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
  });
});
