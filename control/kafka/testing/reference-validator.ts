// For tests: a plain, independent reading of the data contract's rules for ad events (section 4 and
// Quarantine), to check that what the producer predicts matches what the contract says of the bytes.
// It shares no code with the generator on purpose.

export type Verdict =
  | { valid: true; eventId: string; campaignId: string; eventType: 'impression' | 'click' }
  | { valid: false; reason: string };

const isoTimestamp = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))?$/;

function validIso(text: string): boolean {
  const match = isoTimestamp.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offsetOk = match[9] === undefined || (Number(match[9]) <= 23 && Number(match[10]) <= 59);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59 && offsetOk;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/** What silver must make of one record value, the first broken rule in the contract's table order winning. */
export function judgeAdEvent(value: Uint8Array): Verdict {
  let event: unknown;
  try {
    event = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(value));
  } catch {
    return { valid: false, reason: 'malformed_json' };
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return { valid: false, reason: 'malformed_json' };
  const fields = event as Record<string, unknown>;
  for (const field of ['event_id', 'campaign_id', 'event_type']) {
    if (!present(fields[field])) return { valid: false, reason: `missing_required:${field}` };
  }
  const eventType = typeof fields.event_type === 'string' ? fields.event_type.toLowerCase() : undefined;
  if (eventType !== 'impression' && eventType !== 'click') return { valid: false, reason: 'bad_event_type' };
  const ts = fields.ts;
  if (!present(ts)) return { valid: false, reason: 'missing_required:ts' };
  const tsOk = typeof ts === 'number' ? Number.isInteger(ts) && ts >= 0 : typeof ts === 'string' && validIso(ts);
  if (!tsOk) return { valid: false, reason: 'bad_timestamp:ts' };
  if (fields.cost !== undefined) {
    if (typeof fields.cost !== 'number') return { valid: false, reason: 'bad_decimal:cost' };
    if (fields.cost < 0) return { valid: false, reason: 'out_of_range:cost' };
  }
  return { valid: true, eventId: String(fields.event_id), campaignId: String(fields.campaign_id), eventType };
}

export interface Recount {
  total: number;
  valid: number;
  quarantine: Record<string, number>;
  /** Sorted by campaign_id, as gold is. */
  campaigns: { campaign_id: string; total_clicks: number; total_impressions: number }[];
}

/** Silver and gold of a sequence of record values, in (partition, offset) order for the duplicates rule. */
export function recount(values: Iterable<Uint8Array>): Recount {
  const seen = new Set<string>();
  const quarantine: Record<string, number> = {};
  const campaigns = new Map<string, { clicks: number; impressions: number }>();
  let total = 0;
  let valid = 0;
  for (const value of values) {
    total += 1;
    const verdict = judgeAdEvent(value);
    if (!verdict.valid || seen.has(verdict.eventId)) {
      const reason = verdict.valid ? 'duplicate:event_id' : verdict.reason;
      quarantine[reason] = (quarantine[reason] ?? 0) + 1;
      continue;
    }
    seen.add(verdict.eventId);
    valid += 1;
    const counts = campaigns.get(verdict.campaignId) ?? { clicks: 0, impressions: 0 };
    if (verdict.eventType === 'click') counts.clicks += 1;
    else counts.impressions += 1;
    campaigns.set(verdict.campaignId, counts);
  }
  return {
    total,
    valid,
    quarantine,
    campaigns: [...campaigns]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([campaign_id, { clicks, impressions }]) => ({ campaign_id, total_clicks: clicks, total_impressions: impressions })),
  };
}
