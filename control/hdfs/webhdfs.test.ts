// WebHDFS answers the client must not misread, from a stand-in NameNode and DataNode on a local
// port (the real ones are exercised by test/integration/webhdfs.test.ts).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebHdfs } from './webhdfs.js';

let server: http.Server;
let base: string;
const notFound = { RemoteException: { exception: 'FileNotFoundException', message: 'File does not exist: /lake/x._landing' } };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    const op = url.searchParams.get('op');
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    req.resume();
    req.on('end', () => {
      if (url.pathname === '/datanode') return res.writeHead(201).end();
      if (op === 'CREATE') return json(200, { Location: `${base}/datanode` });
      // The uploaded file vanished before it was moved into place (another process removed it).
      if (op === 'RENAME') return json(404, notFound);
      if (op === 'GETFILESTATUS' || op === 'OPEN' || op === 'LISTSTATUS') return json(404, notFound);
      if (op === 'DELETE') return json(200, { boolean: false });
      return json(400, { RemoteException: { exception: 'IllegalArgumentException', message: `unexpected ${op}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('WebHDFS answers of "not found"', () => {
  it('fail an overwriting write whose uploaded file is gone at the rename, rather than report success', async () => {
    await expect(new WebHdfs(base).write('/lake/pointer.json', '{}', { overwrite: true })).rejects.toThrow(/HDFS refused RENAME .*FileNotFoundException/);
  });

  it('are an answer where absence is one: status, read, list, and a rename that finds nothing', async () => {
    const hdfs = new WebHdfs(base);
    expect(await hdfs.status('/lake/x')).toBeUndefined();
    expect(await hdfs.read('/lake/x')).toBeUndefined();
    expect(await hdfs.list('/lake/x')).toEqual([]);
    expect(await hdfs.rename('/lake/x', '/lake/y')).toBe(false);
  });
});
