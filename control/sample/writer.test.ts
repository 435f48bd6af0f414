import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileWriter } from './writer.js';

describe('FileWriter', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lake-writer-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('streams text over several chunks and reports the bytes and SHA-256 written', async () => {
    const file = path.join(dir, 'nested', 'out.csv');
    const writer = await FileWriter.open(file);
    const line = 'TX00000001,"Écran 27"" 4K",1,329.00 😍\n';
    let flushes = 0;
    for (let i = 0; i < 100_000; i++) {
      writer.write(line);
      if (writer.full) {
        await writer.flush();
        flushes++;
      }
    }
    const { bytes, sha256 } = await writer.close();
    const written = await readFile(file);
    expect(flushes).toBeGreaterThan(2);
    expect(written.toString('utf8')).toBe(line.repeat(100_000));
    expect(bytes).toBe(written.length);
    expect(sha256).toBe(createHash('sha256').update(written).digest('hex'));
  });
});
