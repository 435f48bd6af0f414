// kafkajs as the lake installs it: patched by patches/kafkajs+2.2.4.patch (applied by
// `npm ci`'s postinstall) where the producer spent its time for nothing. The patched code must
// still write what kafkajs's own decoders read back.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const kafkajsRoot = path.dirname(require.resolve('kafkajs/package.json'));
const internal = (file: string) => path.join(kafkajsRoot, 'src', file);

interface EncoderLike {
  writeVarInt(value: number): EncoderLike;
  buffer: Buffer;
}
type GroupMessages = (options: { topic: string; partitionMetadata: unknown[]; messages: { partition: number; value: string }[]; partitioner: (options: { message: { partition: number } }) => number }) => Record<string, { value: string }[]>;

const Encoder = require(internal('protocol/encoder.js')) as new () => EncoderLike;
const Decoder = require(internal('protocol/decoder.js')) as new (buffer: Buffer) => { readVarInt(): number; readInt8(): number };
const Record = require(internal('protocol/recordBatch/record/v0/index.js')) as (record: { offsetDelta: number; key: Buffer | null; value: Buffer }) => EncoderLike;
const decodeRecord = require(internal('protocol/recordBatch/record/v0/decoder.js')) as (decoder: unknown, context: object) => { offset: string; key: Buffer | null; value: Buffer };
const groupMessagesPerPartition = require(internal('producer/groupMessagesPerPartition.js')) as GroupMessages;

describe('kafkajs, patched', () => {
  it('is the patched copy (npm ci applied patches/)', () => {
    for (const file of ['producer/groupMessagesPerPartition.js', 'protocol/encoder.js', 'protocol/recordBatch/record/v0/index.js']) {
      expect(readFileSync(internal(file), 'utf8'), file).toContain('Patched by the lake');
    }
  });

  it('groups a batch by partition, each partition in the order of the batch', () => {
    const messages = Array.from({ length: 10_000 }, (_, i) => ({ partition: (i * 7) % 3, value: `m${i}` }));
    const grouped = groupMessagesPerPartition({ topic: 't', partitionMetadata: [{}, {}, {}], messages, partitioner: ({ message }) => message.partition });
    expect(Object.keys(grouped).sort()).toEqual(['0', '1', '2']);
    for (const partition of [0, 1, 2]) {
      expect(grouped[partition]?.map((m) => m.value)).toEqual(messages.filter((m) => m.partition === partition).map((m) => m.value));
    }
  });

  it('writes varints its decoder reads back, from 1 to 5 bytes, negative ones too', () => {
    const values = [0, 1, -1, 63, -64, 64, -65, 8_191, 8_192, 1_048_575, 1_048_576, 134_217_727, 134_217_728, 2_147_483_647, -2_147_483_648];
    for (let i = 0; i < 1_000; i++) values.push(Math.floor((Math.random() - 0.5) * 2 ** 32));
    const encoder = new Encoder();
    for (const value of values) encoder.writeVarInt(value);
    const decoder = new Decoder(encoder.buffer);
    expect(values.map(() => decoder.readVarInt())).toEqual(values);
  });

  it('writes records its decoder reads back, large values included', () => {
    const records = [
      { offsetDelta: 0, key: Buffer.from('Campagne 1'), value: Buffer.from('{"event_id":"e"}') },
      { offsetDelta: 1, key: null, value: Buffer.alloc(0) },
      { offsetDelta: 300, key: Buffer.from('k'), value: Buffer.alloc(70_000, 'x') },
    ];
    for (const record of records) {
      const decoder = new Decoder(Record(record).buffer);
      decoder.readVarInt(); // the record's length
      const decoded = decodeRecord(decoder, { firstOffset: '0', firstTimestamp: '0', magicByte: 2 });
      expect([decoded.offset, decoded.key, decoded.value]).toEqual([String(record.offsetDelta), record.key, record.value]);
    }
  });
});
