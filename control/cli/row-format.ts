// Rows as text: JSON values, CSV fields (RFC 4180) and table cells. JSON and CSV are for programs,
// so they are exact: a bigint becomes a JSON number only when a double holds it exactly, else a
// string; decimals (already exact strings, see arrow.ts) stay strings.

/** A decoded value as plain JSON data. */
export function toJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value); // NaN, Infinity
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value instanceof Map) return Object.fromEntries([...value].map(([key, item]) => [String(key), toJsonValue(item)]));
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toJsonValue(item)]));
  return value;
}

export function toJson(row: Record<string, unknown>): string {
  return JSON.stringify(toJsonValue(row));
}

/** One CSV field: empty for null, quoted when it holds a comma, a quote or a line break. */
export function csvField(value: unknown): string {
  const text = scalarText(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** A value as one line of a terminal table: NULL for null, control characters made visible. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  return scalarText(value).replace(/[\r\n\t]/g, (char) => ({ '\r': '\\r', '\n': '\\n', '\t': '\\t' })[char] ?? char);
}

function scalarText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return JSON.stringify(toJsonValue(value));
}
