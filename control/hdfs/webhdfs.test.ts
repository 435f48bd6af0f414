// WebHDFS answers the client must not misread, from a stand-in NameNode and DataNode on a local
// port (the real ones are exercised by test/integration/webhdfs.test.ts). Each test says how the
// stand-in answers; a 404 is a success only for a delete, and a rename that did not happen is an
// error naming its paths, however HDFS says so.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebHdfs } from './webhdfs.js';

type Answer = { status: number; body: unknown };
const notFound = (path: string): Answer => ({ status: 404, body: { RemoteException: { exception: 'FileNotFoundException', message: `File does not exist: ${path}` } } });
const ok = (body: unknown): Answer => ({ status: 200, body });

let server: http.Server;
let base: string;
/** The files the stand-in NameNode says exist (for GETFILESTATUS). */
let existing: Set<string>;
/** How the stand-in answers each operation, by name. */
let answers: Record<string, (path: string) => Answer>;
/** Every operation it was asked, `OP path`. */
let asked: string[];

beforeEach(() => {
  existing = new Set();
  asked = [];
  answers = {
    CREATE: () => ok({ Location: `${base}/datanode` }),
    GETFILESTATUS: (path) => (existing.has(path) ? ok({ FileStatus: { pathSuffix: '', type: 'FILE', length: 1, modificationTime: 1 } }) : notFound(path)),
    LISTSTATUS: notFound,
    OPEN: notFound,
    DELETE: () => ok({ boolean: false }),
    MKDIRS: notFound,
    RENAME: () => ok({ boolean: true }),
  };
});

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    const op = url.searchParams.get('op') ?? '';
    const path = decodeURIComponent(url.pathname.replace(/^\/webhdfs\/v1/, ''));
    req.resume();
    req.on('end', () => {
      if (url.pathname === '/datanode') return res.writeHead(201).end();
      asked.push(`${op} ${path}`);
      const answer = answers[op]?.(path) ?? { status: 400, body: { RemoteException: { exception: 'IllegalArgumentException', message: `unexpected ${op}` } } };
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('WebHDFS answers of "not found"', () => {
  it('are a success for a delete, whose goal is that nothing is there', async () => {
    answers.DELETE = notFound;
    expect(await new WebHdfs(base).delete('/lake/x', true)).toBe(false);
  });

  it('are the answer "nothing there" to a status, a read or a listing', async () => {
    const hdfs = new WebHdfs(base);
    expect(await hdfs.status('/lake/x')).toBeUndefined();
    expect(await hdfs.read('/lake/x')).toBeUndefined();
    expect(await hdfs.list('/lake/x')).toEqual([]);
  });

  it('fail an operation that changes the file system, naming the path', async () => {
    await expect(new WebHdfs(base).mkdirs('/lake/a/b')).rejects.toThrow('HDFS refused MKDIRS /lake/a/b: FileNotFoundException');
  });

  it('fail a rename of a missing file, naming it', async () => {
    answers.RENAME = notFound;
    await expect(new WebHdfs(base).rename('/lake/x', '/lake/y')).rejects.toThrow('HDFS refused RENAME /lake/x: FileNotFoundException: File does not exist: /lake/x');
  });

  it('fail an overwriting write whose uploaded file is gone at the rename, rather than report success', async () => {
    answers.RENAME = notFound;
    await expect(new WebHdfs(base).write('/lake/pointer.json', '{}', { overwrite: true })).rejects.toThrow(/HDFS refused RENAME \/lake\/pointer\.json\._landing_\S+: FileNotFoundException/);
  });
});

describe('a NameNode without a live DataNode', () => {
  it('fails a write with what the NameNode said and a hint to look at the stack', async () => {
    // What HDFS 3.5 answers a CREATE when its only DataNode has died.
    answers.CREATE = () => ({
      status: 403,
      body: { RemoteException: { exception: 'IOException', message: 'Failed to find datanode, suggest to check cluster health. excludeDatanodes=null' } },
    });
    const attempt = new WebHdfs(base).write('/lake/bronze/a.csv', 'x');
    await expect(attempt).rejects.toThrow(/^HDFS refused CREATE \/lake\/bronze\/a\.csv\._landing_\S+: IOException: Failed to find datanode/);
    await expect(attempt).rejects.toMatchObject({ hint: expect.stringContaining('stack status') });
  });

  it('gives no such hint where the DataNodes are not the cause', async () => {
    await expect(new WebHdfs(base).mkdirs('/lake/a/b')).rejects.toMatchObject({ hint: undefined });
  });
});

describe('a rename HDFS answers with false', () => {
  beforeEach(() => {
    answers.RENAME = () => ok({ boolean: false });
  });

  it('is an error naming the missing source', async () => {
    await expect(new WebHdfs(base).rename('/lake/x', '/lake/y')).rejects.toThrow('HDFS did not rename /lake/x to /lake/y: /lake/x does not exist');
  });

  it('is an error naming the target that is there already', async () => {
    existing = new Set(['/lake/x', '/lake/y']);
    await expect(new WebHdfs(base).rename('/lake/x', '/lake/y')).rejects.toThrow('HDFS did not rename /lake/x to /lake/y: /lake/y is already there');
  });

  it('is an error naming the missing folder of the target', async () => {
    existing = new Set(['/lake/x']);
    await expect(new WebHdfs(base).rename('/lake/x', '/lake/new/y')).rejects.toThrow('HDFS did not rename /lake/x to /lake/new/y: the folder /lake/new does not exist');
  });

  it('fails a write that must not replace a file, and removes its upload', async () => {
    existing = new Set(['/lake/run.json']);
    answers.GETFILESTATUS = (path) => (path === '/lake/run.json' || path.startsWith('/lake/run.json._landing_') ? ok({ FileStatus: {} }) : notFound(path));
    await expect(new WebHdfs(base).write('/lake/run.json', '{}')).rejects.toThrow(/could not move the uploaded file into place at \/lake\/run\.json: .*\/lake\/run\.json is already there/);
    expect(asked.filter((op) => op.startsWith('DELETE '))).toEqual([expect.stringMatching(/^DELETE \/lake\/run\.json\._landing_/)]);
  });
});

describe('a rename HDFS did', () => {
  it('resolves, and a write moves its upload into place once', async () => {
    const hdfs = new WebHdfs(base);
    await expect(hdfs.rename('/lake/x', '/lake/y')).resolves.toBeUndefined();
    await hdfs.write('/lake/run.json', '{}');
    expect(asked.filter((op) => op.startsWith('RENAME ') || op.startsWith('DELETE '))).toEqual(['RENAME /lake/x', expect.stringMatching(/^RENAME \/lake\/run\.json\._landing_/)]);
  });
});

describe('a DataNode that is lost', () => {
  /** A port nothing listens on: what a killed DataNode's address answers. */
  let deadDataNode: string;

  beforeAll(async () => {
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    deadDataNode = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/datanode`;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });

  it('is replaced for an upload by the DataNode the NameNode names next, under a new temporary name', async () => {
    let creates = 0;
    answers.CREATE = () => ok({ Location: creates++ === 0 ? deadDataNode : `${base}/datanode` });
    await new WebHdfs(base).write('/lake/run.json', '{}');
    const stagings = asked.filter((op) => op.startsWith('CREATE ')).map((op) => op.slice('CREATE '.length));
    expect(stagings).toHaveLength(2);
    expect(stagings[0]).not.toBe(stagings[1]);
    // The first attempt's temporary file is removed; the second is the one moved into place.
    expect(asked.filter((op) => op.startsWith('DELETE ') || op.startsWith('RENAME '))).toEqual([`DELETE ${stagings[0]}`, `RENAME ${stagings[1]}`]);
  });

  it('is replaced for a read by the DataNode the NameNode names next', async () => {
    let opens = 0;
    answers.OPEN = () => ok({ Location: opens++ === 0 ? deadDataNode : `${base}/datanode` });
    expect((await new WebHdfs(base).read('/lake/run.json'))?.length).toBe(0);
    expect(asked.filter((op) => op.startsWith('OPEN '))).toHaveLength(2);
  });

  it('fails the upload, naming the path, once patience runs out, and leaves no temporary file', async () => {
    answers.CREATE = () => ok({ Location: deadDataNode });
    await expect(new WebHdfs(base, 'lake', 600).write('/lake/run.json', '{}')).rejects.toThrow(/^upload of \/lake\/run\.json to the DataNode failed: .*ECONNREFUSED/);
    const creates = asked.filter((op) => op.startsWith('CREATE ')).length;
    expect(creates).toBeGreaterThan(1);
    expect(asked.filter((op) => op.startsWith('DELETE '))).toHaveLength(creates);
  });
});
