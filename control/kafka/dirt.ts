// The ways a real producer gets an ad event wrong. Each kind breaks exactly one rule of the data
// contract, so the record's quarantine reason is known without the "first rule in table order" tie.
import type { AdEventFate, AdEventFields } from './ad-events.js';
import type { Random } from './random.js';

type SpoiledReason = Extract<AdEventFate, { kind: 'quarantined' }>['reason'];

export interface DirtKind {
  reason: SpoiledReason;
  /** The record a clean event becomes: its Kafka key and value bytes. */
  spoil(fields: AdEventFields, context: { random: Random; eventMs: number }): { key: string | null; value: Buffer };
}

type Json = Record<string, unknown>;

function utf8(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

/** The event without `field`: left out, null, or (for ids, which must be non-empty) an empty string. */
function withoutField(field: 'event_id' | 'campaign_id' | 'event_type' | 'ts', allowEmpty: boolean) {
  return (fields: AdEventFields, { random }: { random: Random }) => {
    const json: Json = { ...fields };
    const draw = random.int(0, allowEmpty ? 2 : 1);
    if (draw === 0) delete json[field];
    else json[field] = draw === 1 ? null : '';
    return { key: field === 'campaign_id' ? null : fields.campaign_id, value: utf8(JSON.stringify(json)) };
  };
}

function withField(field: 'event_type' | 'ts' | 'cost', value: unknown, fields: AdEventFields) {
  return { key: fields.campaign_id, value: utf8(JSON.stringify({ ...fields, [field]: value })) };
}

function notJson(fields: AdEventFields, random: Random): string {
  const json = JSON.stringify(fields);
  switch (random.int(0, 2)) {
    case 0:
      // Cut short: no prefix of a JSON object is JSON.
      return json.slice(0, random.int(1, json.length - 1));
    case 1:
      // A Python dict printed instead of serialised.
      return json.replaceAll('"', "'");
    default:
      return `event_id=${fields.event_id};campaign_id=${fields.campaign_id};event_type=${fields.event_type}`;
  }
}

function notAnObject(fields: AdEventFields, random: Random): string {
  switch (random.int(0, 2)) {
    case 0:
      // Serialised twice: a JSON string holding the object.
      return JSON.stringify(JSON.stringify(fields));
    case 1:
      return JSON.stringify([fields]);
    default:
      return random.pick(['null', '42', 'true']);
  }
}

function badTimestamp(eventMs: number, random: Random): string {
  const iso = new Date(eventMs).toISOString();
  switch (random.int(0, 2)) {
    case 0:
      return `${iso.slice(0, 5)}13${iso.slice(7)}`;
    case 1:
      return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)} ${iso.slice(11, 19)}`;
    default:
      return random.pick(['yesterday', 'NaN', 'now']);
  }
}

/** Every kind of dirt, in the order the generator cycles through them. */
export const dirtKinds: readonly DirtKind[] = [
  { reason: 'malformed_json', spoil: (fields, { random }) => ({ key: fields.campaign_id, value: utf8(notJson(fields, random)) }) },
  { reason: 'malformed_json', spoil: (fields, { random }) => ({ key: fields.campaign_id, value: utf8(notAnObject(fields, random)) }) },
  {
    reason: 'malformed_json',
    // A Latin-1 producer: "é" as the single byte 0xE9, which is not UTF-8.
    spoil: (fields) => ({ key: fields.campaign_id, value: Buffer.from(JSON.stringify({ ...fields, user_id: 'andré' }), 'latin1') }),
  },
  { reason: 'missing_required:event_id', spoil: withoutField('event_id', true) },
  { reason: 'missing_required:campaign_id', spoil: withoutField('campaign_id', true) },
  { reason: 'missing_required:event_type', spoil: withoutField('event_type', false) },
  { reason: 'missing_required:ts', spoil: withoutField('ts', false) },
  {
    reason: 'bad_event_type',
    spoil: (fields, { random }) => withField('event_type', random.pick(['view', 'conversion', 'clicked', 'impressions', 'install']), fields),
  },
  { reason: 'bad_timestamp:ts', spoil: (fields, { random, eventMs }) => withField('ts', badTimestamp(eventMs, random), fields) },
  {
    reason: 'bad_decimal:cost',
    spoil: (fields, { random }) =>
      withField('cost', random.pick<unknown>(['N/A', 'gratuit', true, { amount: fields.cost ?? 0.25, currency: 'EUR' }]), fields),
  },
  {
    reason: 'out_of_range:cost',
    // A refund sent as a negative cost.
    spoil: (fields) => withField('cost', fields.cost ? -fields.cost : -0.05, fields),
  },
];
