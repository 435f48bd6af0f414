// Generated ad events, as a Kafka producer of the ad platform would send them (data contract,
// section 4): mostly valid impressions and clicks, and a share of dirty records that silver must
// quarantine, each record knowing what silver will make of it so the run can predict gold.
import { type Campaign, campaigns, userCount } from './campaigns.js';
import { dirtKinds } from './dirt.js';
import { type Random, seededRandom, seededUuid } from './random.js';

/** Every quarantine reason an ad event can get (the contract's codes that apply to this source). */
export const adEventReasons = [
  'malformed_json',
  'missing_required:event_id',
  'missing_required:campaign_id',
  'missing_required:event_type',
  'missing_required:ts',
  'bad_event_type',
  'bad_timestamp:ts',
  'bad_decimal:cost',
  'out_of_range:cost',
  'duplicate:event_id',
] as const;
export type AdEventReason = (typeof adEventReasons)[number];

export type EventType = 'impression' | 'click';

/** The JSON object of an event, fields in the contract's order; an absent optional field is undefined (and so left out of the JSON). */
export interface AdEventFields {
  event_id: string;
  campaign_id: string;
  ad_id?: string;
  event_type: string;
  user_id?: string;
  ts: string | number;
  cost?: number;
}

/** What silver will make of a record, decided when it is generated. */
export type AdEventFate =
  | { kind: 'valid'; campaignId: string; eventType: EventType }
  /** A byte-identical re-send of the valid record `originalIndex`: a duplicate if that one reached Kafka. */
  | { kind: 'redelivery'; campaignId: string; eventType: EventType; originalIndex: number }
  | { kind: 'quarantined'; reason: Exclude<AdEventReason, 'duplicate:event_id'> };

export interface AdEventRecord {
  /** Position in the run, from 0. */
  index: number;
  /** The `campaign_id`, or null when the record has none. */
  key: string | null;
  value: Buffer;
  fate: AdEventFate;
}

export interface AdEventGeneratorOptions {
  seed: number;
  /** Share of records that are invalid or redelivered, in [0, 1]. */
  dirtyRate: number;
  /** Event time of the first record, epoch milliseconds. */
  firstEventMs: number;
  /** Event time between consecutive records, in milliseconds. */
  spacingMs: number;
}

const eventTypeSpellings: Record<EventType, readonly string[]> = {
  impression: ['Impression', 'IMPRESSION'],
  click: ['Click', 'CLICK'],
};
const utcOffsetsMinutes = [60, 120, -300, 330, -180, -420];
/** How many recent valid records a redelivery may repeat. */
const redeliveryWindow = 256;

const campaignWeight = (campaign: Campaign) => campaign.weight;

function roundCost(euros: number): number {
  return Math.round(euros * 10_000) / 10_000;
}

/** Events arrive a little late: mostly by a second or two, sometimes by a minute, rarely by many. */
function lateness(random: Random): number {
  const draw = random.next();
  if (draw < 0.9) return random.int(0, 2_000);
  if (draw < 0.99) return random.int(2_000, 60_000);
  return random.int(60_000, 15 * 60_000);
}

/** The hour `isoUtc` last wrote, and its first 14 characters (`2026-12-02T16:`). */
const lastHour = { hour: NaN, prefix: '' };
const twoDigits = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const threeDigits = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * `new Date(ms).toISOString()` at a tenth of its cost (it took a fifth of the generator's time):
 * events come in time order, so the date and hour are formatted once an hour of event time.
 */
export function isoUtc(ms: number): string {
  const hour = Math.floor(ms / 3_600_000);
  if (hour !== lastHour.hour) {
    lastHour.hour = hour;
    lastHour.prefix = new Date(hour * 3_600_000).toISOString().slice(0, 14);
  }
  const withinHour = ms - hour * 3_600_000;
  return `${lastHour.prefix}${twoDigits(Math.floor(withinHour / 60_000))}:${twoDigits(Math.floor(withinHour / 1000) % 60)}.${threeDigits(withinHour % 1000)}Z`;
}

function isoWithOffset(ms: number, offsetMinutes: number, withMillis: boolean): string {
  const local = isoUtc(ms + offsetMinutes * 60_000).slice(0, withMillis ? 23 : 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}:${String(absolute % 60).padStart(2, '0')}`;
}

/** `ts` in the shapes producers really send: ISO-8601 in UTC or with an offset, or epoch milliseconds. */
function renderTimestamp(ms: number, random: Random): string | number {
  const draw = random.next();
  if (draw < 0.7) return isoUtc(ms);
  if (draw < 0.78) return `${isoUtc(ms).slice(0, 19)}Z`;
  if (draw < 0.89) return isoWithOffset(ms, random.pick(utcOffsetsMinutes), random.chance(0.5));
  // No offset means UTC, as for the other sources of the contract.
  if (draw < 0.92) return isoUtc(ms).slice(0, 19);
  return ms;
}

function cleanEvent(random: Random, eventId: string, eventMs: number): { fields: AdEventFields; campaign: Campaign; eventType: EventType } {
  const campaign = random.weighted(campaigns, campaignWeight);
  // P(click) = ctr / (1 + ctr) makes clicks / impressions = ctr.
  const eventType: EventType = random.chance(campaign.ctr / (1 + campaign.ctr)) ? 'click' : 'impression';
  const spelling = random.chance(0.06) ? random.pick(eventTypeSpellings[eventType]) : eventType;
  const adId = random.chance(0.02) ? undefined : random.pick(campaign.ads);
  const userId = random.chance(0.03) ? undefined : `user-${String(random.int(1, userCount)).padStart(5, '0')}`;
  const ts = renderTimestamp(eventMs, random);
  const costDraw = random.next();
  const price = eventType === 'click' ? campaign.cpc : campaign.cpm / 1000;
  const cost = costDraw < 0.03 ? undefined : costDraw < 0.05 ? 0 : roundCost(price * random.between(0.6, 1.4));
  // In the contract's field order; JSON.stringify leaves the undefined (absent) ones out.
  const fields: AdEventFields = { event_id: eventId, campaign_id: campaign.id, ad_id: adId, event_type: spelling, user_id: userId, ts, cost };
  return { fields, campaign, eventType };
}

/**
 * The event's JSON exactly as `JSON.stringify(fields)` writes it (the tests compare them), at half
 * its cost: every string of a clean event comes from the generator's own ASCII alphabets (ids,
 * names, ISO times), so none needs escaping, and a finite number's JSON is its `String`.
 */
export function encode(fields: AdEventFields): Buffer {
  const { event_id, campaign_id, ad_id, event_type, user_id, ts, cost } = fields;
  let json = `{"event_id":"${event_id}","campaign_id":"${campaign_id}"`;
  if (ad_id !== undefined) json += `,"ad_id":"${ad_id}"`;
  json += `,"event_type":"${event_type}"`;
  if (user_id !== undefined) json += `,"user_id":"${user_id}"`;
  json += typeof ts === 'number' ? `,"ts":${ts}` : `,"ts":"${ts}"`;
  if (cost !== undefined) json += `,"cost":${cost}`;
  return Buffer.from(`${json}}`, 'utf8');
}

/**
 * A reproducible stream of ad-event records: the same options give the same records, byte for byte.
 * Dirty records cycle through every kind of dirt, so any run with a dozen dirty records has them all.
 */
export function adEventGenerator(options: AdEventGeneratorOptions): () => AdEventRecord {
  const random = seededRandom(options.seed);
  const recentValid: AdEventRecord[] = [];
  let index = 0;
  let dirtyCount = 0;
  let validCount = 0;

  return () => {
    const current = index++;
    const eventMs = Math.round(options.firstEventMs + current * options.spacingMs) - lateness(random);
    const { fields, campaign, eventType } = cleanEvent(random, seededUuid(options.seed, current), eventMs);

    if (random.chance(options.dirtyRate)) {
      // One slot past the spoiling kinds is the redelivery; with nothing to redeliver yet, the record stays clean.
      const kind = dirtyCount++ % (dirtKinds.length + 1);
      const dirt = dirtKinds[kind];
      if (dirt) return { index: current, ...dirt.spoil(fields, { random, eventMs }), fate: { kind: 'quarantined', reason: dirt.reason } };
      const original = recentValid.length > 0 ? random.pick(recentValid) : undefined;
      if (original?.fate.kind === 'valid') {
        const { campaignId, eventType: originalType } = original.fate;
        return {
          index: current,
          key: original.key,
          value: original.value,
          fate: { kind: 'redelivery', campaignId, eventType: originalType, originalIndex: original.index },
        };
      }
    }

    const record: AdEventRecord = {
      index: current,
      key: campaign.id,
      value: encode(fields),
      fate: { kind: 'valid', campaignId: campaign.id, eventType },
    };
    recentValid[validCount++ % redeliveryWindow] = record;
    return record;
  };
}
