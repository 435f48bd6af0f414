// The WebHDFS client against the real NameNode and DataNode of the stack.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../control/config.js';
import { WebHdfs, hdfsPath } from '../../control/hdfs/webhdfs.js';
import { sideBySide } from '../../control/side-by-side.js';

const config = loadConfig();
const hdfs = new WebHdfs(config.webHdfs);
const root = `${hdfsPath(config.lakeRoot)}/_test/webhdfs-${randomUUID()}`;

describe('WebHDFS client', () => {
  afterAll(async () => {
    await hdfs.delete(root, true);
  });

  it('writes a local file byte for byte, streamed, and reads it back', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lake-webhdfs-'));
    // Bytes that a text-minded upload would damage: a BOM, CRLF, NUL, invalid UTF-8.
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\r\n1,2\r\n'), Buffer.from([0, 0xff, 0xfe]), Buffer.alloc(3 << 20, 7)]);
    await writeFile(path.join(dir, 'in.csv'), bytes);
    await hdfs.write(`${root}/a/in.csv`, { file: path.join(dir, 'in.csv') });
    await rm(dir, { recursive: true });

    expect((await hdfs.read(`${root}/a/in.csv`))?.equals(bytes)).toBe(true);
    expect(await hdfs.status(`${root}/a/in.csv`)).toMatchObject({ type: 'FILE', length: bytes.length });
    // No staging file is left behind.
    expect((await hdfs.list(`${root}/a`)).map((f) => f.pathSuffix)).toEqual(['in.csv']);
  });

  it('refuses to replace an existing file unless asked, and keeps the original', async () => {
    await hdfs.write(`${root}/b.json`, '{"v":1}');
    await expect(hdfs.write(`${root}/b.json`, '{"v":2}')).rejects.toThrow(/already there/);
    expect((await hdfs.read(`${root}/b.json`))?.toString()).toBe('{"v":1}');
    await hdfs.write(`${root}/b.json`, '{"v":3}', { overwrite: true });
    expect((await hdfs.read(`${root}/b.json`))?.toString()).toBe('{"v":3}');
    expect((await hdfs.list(root)).map((f) => f.pathSuffix).sort()).toEqual(['a', 'b.json']);
  });

  it('answers missing paths without throwing', async () => {
    expect(await hdfs.status(`${root}/missing`)).toBeUndefined();
    expect(await hdfs.read(`${root}/missing`)).toBeUndefined();
    expect(await hdfs.list(`${root}/missing`)).toEqual([]);
  });

  it('lists the tail of a folder after a name, across the NameNode\'s pages of 1 000 entries', async () => {
    // Folders, not files: an entry is an entry to a listing, and a folder costs no DataNode write.
    const names = Array.from({ length: 1_234 }, (_, i) => String(i).padStart(6, '0'));
    await sideBySide(names, (name) => hdfs.mkdirs(`${root}/tail/${name}`), { atOnce: 16 });
    const after = async (name: string) => (await hdfs.listAfter(`${root}/tail`, name)).map((f) => f.pathSuffix);
    expect(await after('000099')).toEqual(names.slice(100));
    expect(await after('')).toEqual(names);
    // A name between two entries, and one past the last.
    expect(await after('001200x')).toEqual(names.slice(1_201));
    expect(await after('999999')).toEqual([]);
    expect(await hdfs.listAfter(`${root}/missing`, '')).toEqual([]);
  });

  it('gives a clear error when WebHDFS is unreachable', async () => {
    const dead = new WebHdfs('http://127.0.0.1:1');
    await expect(dead.status('/lake')).rejects.toThrow(/cannot reach WebHDFS at http:\/\/127\.0\.0\.1:1 \(GETFILESTATUS \/lake\)/);
  });

  it('reads paths out of HDFS URIs', () => {
    expect(hdfsPath('hdfs://127.0.0.1:8020/lake/bronze')).toBe('/lake/bronze');
    expect(hdfsPath('/lake')).toBe('/lake');
    expect(() => hdfsPath('s3a://bucket/lake')).toThrow(/not an HDFS URI/);
  });
});
