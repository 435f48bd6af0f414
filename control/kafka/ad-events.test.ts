import { isUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { type AdEventRecord, adEventGenerator, adEventReasons, encode, isoUtc } from './ad-events.js';
import { campaigns } from './campaigns.js';
import { judgeAdEvent } from './testing/reference-validator.js';

const now = Date.UTC(2026, 0, 31, 12);

function generate(count: number, seed = 42, dirtyRate = 0.02): AdEventRecord[] {
  const next = adEventGenerator({ seed, dirtyRate, firstEventMs: now - 3_600_000, spacingMs: 3_600_000 / count });
  return Array.from({ length: count }, next);
}

function parsed(record: AdEventRecord): Record<string, unknown> {
  return JSON.parse(record.value.toString('utf8')) as Record<string, unknown>;
}

describe('ad-event generator', () => {
  it('gives the same records, byte for byte, for the same seed and times', () => {
    const a = generate(3000);
    const b = generate(3000);
    expect(b.map((r) => [r.key, r.value.toString('hex'), r.fate])).toEqual(a.map((r) => [r.key, r.value.toString('hex'), r.fate]));
    const other = generate(3000, 43);
    expect(other.filter((r, i) => r.value.equals(a[i]?.value ?? Buffer.alloc(0))).length).toBe(0);
  });

  it('makes every quarantine reason, and every kind of malformed JSON, in a modest run', () => {
    const records = generate(5000);
    const reasons = new Set(records.map((r) => (r.fate.kind === 'quarantined' ? r.fate.reason : r.fate.kind === 'redelivery' ? 'duplicate:event_id' : 'valid')));
    expect([...reasons].sort()).toEqual([...adEventReasons, 'valid'].sort());

    const malformed = records.filter((r) => r.fate.kind === 'quarantined' && r.fate.reason === 'malformed_json');
    const notUtf8 = malformed.filter((r) => !isUtf8(r.value));
    const notJson = malformed.filter((r) => isUtf8(r.value) && !parsesAsJson(r.value));
    const notObject = malformed.filter((r) => parsesAsJson(r.value) && !isObject(JSON.parse(r.value.toString('utf8'))));
    expect(notUtf8.length).toBeGreaterThan(0);
    expect(notJson.length).toBeGreaterThan(0);
    expect(notObject.length).toBeGreaterThan(0);
    expect(notUtf8.length + notJson.length + notObject.length).toBe(malformed.length);
  });

  it('predicts for each record what the contract says of its bytes', () => {
    const records = generate(20_000, 7, 0.1);
    const firstSeen = new Set<string>();
    const mispredicted = records.filter((record) => {
      const verdict = judgeAdEvent(record.value);
      const { fate } = record;
      if (fate.kind === 'quarantined') return verdict.valid || verdict.reason !== fate.reason;
      if (!verdict.valid || verdict.campaignId !== fate.campaignId || verdict.eventType !== fate.eventType) return true;
      const repeated = firstSeen.has(verdict.eventId);
      firstSeen.add(verdict.eventId);
      return repeated !== (fate.kind === 'redelivery');
    });
    expect(mispredicted.map((r) => [r.fate, r.value.toString('latin1')])).toEqual([]);
  });

  it('redelivers earlier valid records byte for byte, under the same key', () => {
    const records = generate(5000);
    const redeliveries = records.filter((r) => r.fate.kind === 'redelivery');
    expect(redeliveries.length).toBeGreaterThan(5);
    for (const redelivery of redeliveries) {
      if (redelivery.fate.kind !== 'redelivery') continue;
      const original = records[redelivery.fate.originalIndex];
      expect(original?.fate.kind).toBe('valid');
      expect(original?.index).toBeLessThan(redelivery.index);
      expect(redelivery.value.equals(original?.value ?? Buffer.alloc(0))).toBe(true);
      expect(redelivery.key).toBe(original?.key);
    }
  });

  it('looks like real traffic: a dozen campaigns, CTR of 1–5 %, mixed spellings, timestamps and costs', () => {
    const records = generate(50_000, 3);
    const dirty = records.filter((r) => r.fate.kind !== 'valid').length / records.length;
    expect(dirty).toBeGreaterThan(0.017);
    expect(dirty).toBeLessThan(0.023);
    expect(generate(2000, 3, 0).every((r) => r.fate.kind === 'valid')).toBe(true);
    const valid = records.filter((r) => r.fate.kind === 'valid').map(parsed);
    expect(new Set(valid.map((e) => e.campaign_id))).toEqual(new Set(campaigns.map((c) => c.id)));
    expect(records.filter((r) => r.fate.kind === 'valid' && r.key !== parsed(r).campaign_id)).toEqual([]);

    const clicks = valid.filter((e) => String(e.event_type).toLowerCase() === 'click').length;
    expect(clicks / (valid.length - clicks)).toBeGreaterThan(0.01);
    expect(clicks / (valid.length - clicks)).toBeLessThan(0.05);
    expect(new Set(valid.map((e) => e.event_type))).toEqual(new Set(['impression', 'click', 'Impression', 'IMPRESSION', 'Click', 'CLICK']));

    const ts = valid.map((e) => e.ts);
    expect(ts.some((t) => typeof t === 'string' && t.endsWith('Z'))).toBe(true);
    expect(ts.some((t) => typeof t === 'string' && /[+-]\d{2}:\d{2}$/.test(t))).toBe(true);
    expect(ts.some((t) => typeof t === 'string' && /T\d{2}:\d{2}:\d{2}$/.test(t))).toBe(true);
    expect(ts.some((t) => typeof t === 'number')).toBe(true);
    // Without an offset, UTC.
    const instants = ts.map((t) => (typeof t === 'number' ? t : Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(String(t)) ? String(t) : `${String(t)}Z`)));
    expect(Math.min(...instants)).toBeGreaterThan(now - 3_600_000 - 16 * 60_000);
    expect(Math.max(...instants)).toBeLessThanOrEqual(now);

    const costs = valid.map((e) => e.cost);
    expect(costs.filter((c) => c === undefined).length).toBeGreaterThan(0);
    expect(costs.filter((c) => c !== undefined && !/^\d+(\.\d{1,4})?$/.test(String(c)))).toEqual([]);
  });
});


function parsesAsJson(bytes: Buffer): boolean {
  try {
    JSON.parse(bytes.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

describe('the generator\'s fast formatting', () => {
  it('writes times exactly as Date.toISOString, in any order, across hours, days and years', () => {
    const instants = [0, -1, 999, 3_599_999, 3_600_000, Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2026, 11, 31, 23, 59, 59, 999), Date.UTC(2027, 0, 1)];
    let ms = now - 10 * 86_400_000;
    for (let i = 0; i < 20_000; i++) {
      // Mostly forward in small steps, sometimes back by up to an hour, sometimes far.
      ms += i % 97 === 0 ? -Math.floor(Math.random() * 3_600_000) : i % 1_001 === 0 ? 90 * 86_400_000 : Math.floor(Math.random() * 5_000);
      instants.push(ms);
    }
    expect(instants.map(isoUtc)).toEqual(instants.map((instant) => new Date(instant).toISOString()));
  });

  it('writes each clean event as JSON.stringify would, absent fields left out', () => {
    const clean = generate(20_000, 7, 0.05).filter((record) => record.fate.kind === 'valid');
    expect(clean.length).toBeGreaterThan(18_000);
    const rewritten = clean.filter((record) => JSON.stringify(parsed(record)) !== record.value.toString('utf8'));
    expect(rewritten).toEqual([]);
    const fields = { event_id: 'e-1', campaign_id: 'Campagne 3', event_type: 'click', ts: 1_767_225_600_000, cost: 0.0125 };
    expect(encode(fields).toString('utf8')).toBe(JSON.stringify(fields));
    const absent = { ...fields, ad_id: undefined, user_id: undefined, cost: undefined, ts: '2026-01-01T00:00:00Z' };
    expect(encode(absent).toString('utf8')).toBe(JSON.stringify(absent));
  });
});

