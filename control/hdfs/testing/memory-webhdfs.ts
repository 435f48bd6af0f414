// A stand-in NameNode and DataNode for unit tests: the WebHDFS operations the lake's client uses
// (CREATE, the DataNode's PUT and GET, RENAME with and without OVERWRITE, OPEN, GETFILESTATUS, LISTSTATUS(_BATCH),
// MKDIRS, DELETE) over files kept in memory, on a local port, and faults injected by operation
// and path: refused before it is done, or done and then answered with an error (the answer lost,
// as when the NameNode applied a rename but the connection broke), or the whole service down.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface InjectedFault {
  /** The WebHDFS operation (`RENAME`, `DELETE`, ...). */
  op: string;
  /** Which paths it hits (the path the operation is asked on). */
  path: RegExp;
  /** `before`: refused, nothing done. `after`: done, then answered 500. */
  when: 'before' | 'after';
  /** How many times it strikes (default: once). */
  times?: number;
  /** Once it struck, the whole service is down (every later request answered 503). */
  thenDown?: boolean;
}

type Answer = { status: number; body?: unknown; raw?: Buffer };

export class MemoryWebHdfs {
  /** Every file, by absolute path, with its content. */
  readonly files = new Map<string, { content: Buffer; modificationTime: number }>();
  /** Every operation asked, `OP path`, in order. */
  readonly asked: string[] = [];
  private readonly faults: Array<InjectedFault & { left: number }> = [];
  /** While true, every request is answered 503: the NameNode is unreachable for the client. */
  down = false;
  private clock = 1;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<MemoryWebHdfs> {
    const handler: { stub?: MemoryWebHdfs } = {};
    const server = http.createServer((req, res) => {
      const body: Buffer[] = [];
      req.on('data', (chunk: Buffer) => body.push(chunk));
      req.on('end', () => {
        const stub = handler.stub!;
        const answer = stub.answer(req.method ?? 'GET', new URL(req.url ?? '/', stub.url), Buffer.concat(body));
        if (answer.raw) res.writeHead(answer.status, { 'content-type': 'application/octet-stream' }).end(answer.raw);
        else res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    handler.stub = new MemoryWebHdfs(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return handler.stub;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  inject(fault: InjectedFault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** The text of a file, or undefined. */
  text(path: string): string | undefined {
    return this.files.get(path)?.content.toString('utf8');
  }

  private strike(op: string, path: string, when: InjectedFault['when']): boolean {
    const fault = this.faults.find((f) => f.left > 0 && f.op === op && f.when === when && f.path.test(path));
    if (fault) fault.left -= 1;
    if (fault?.thenDown) this.down = true;
    return fault !== undefined;
  }

  private answer(method: string, url: URL, body: Buffer): Answer {
    if (this.down) return { status: 503, body: { RemoteException: { exception: 'RetriableException', message: 'NameNode down (injected)' } } };
    if (url.pathname === '/datanode') {
      const file = url.searchParams.get('path') ?? '';
      if (method === 'GET') {
        const content = this.files.get(file)?.content;
        return content ? { status: 200, raw: content } : { status: 404, body: { RemoteException: { exception: 'FileNotFoundException', message: `File does not exist: ${file}` } } };
      }
      this.files.set(file, { content: body, modificationTime: this.clock++ });
      return { status: 201 };
    }
    const path = decodeURIComponent(url.pathname.replace(/^\/webhdfs\/v1/, ''));
    const op = url.searchParams.get('op') ?? '';
    this.asked.push(`${op} ${path}`);
    const injected = { status: 500, body: { RemoteException: { exception: 'IOException', message: `injected fault: ${op} ${path}` } } };
    if (this.strike(op, path, 'before')) return injected;
    const answer = this.apply(method, op, path, url.searchParams);
    return this.strike(op, path, 'after') ? injected : answer;
  }

  private isFolder(path: string): boolean {
    return path === '/' || [...this.files.keys()].some((file) => file.startsWith(`${path}/`));
  }

  private apply(method: string, op: string, path: string, params: URLSearchParams): Answer {
    const notFound = { status: 404, body: { RemoteException: { exception: 'FileNotFoundException', message: `File does not exist: ${path}` } } };
    switch (`${method} ${op}`) {
      case 'PUT CREATE':
        return { status: 200, body: { Location: `${this.url}/datanode?path=${encodeURIComponent(path)}` } };
      case 'PUT MKDIRS':
        return { status: 200, body: { boolean: true } };
      case 'PUT RENAME': {
        const to = params.get('destination') ?? '';
        const file = this.files.get(path);
        if (params.get('renameoptions') === 'OVERWRITE') {
          if (!file) return notFound;
        } else if (!file || this.files.has(to) || this.isFolder(to)) {
          return { status: 200, body: { boolean: false } };
        }
        this.files.delete(path);
        this.files.set(to, { ...file, modificationTime: this.clock++ });
        return { status: 200, body: { boolean: true } };
      }
      // As the NameNode does: it names the DataNode to read from (the client asks `noredirect`).
      case 'GET OPEN':
        return this.files.has(path) ? { status: 200, body: { Location: `${this.url}/datanode?path=${encodeURIComponent(path)}` } } : notFound;
      case 'GET GETFILESTATUS': {
        const file = this.files.get(path);
        if (file) return { status: 200, body: { FileStatus: { pathSuffix: '', type: 'FILE', length: file.content.length, modificationTime: file.modificationTime } } };
        return this.isFolder(path) ? { status: 200, body: { FileStatus: { pathSuffix: '', type: 'DIRECTORY', length: 0, modificationTime: 0 } } } : notFound;
      }
      case 'GET LISTSTATUS':
      case 'GET LISTSTATUS_BATCH': {
        if (!this.isFolder(path)) return notFound;
        const names = new Map<string, { type: 'FILE' | 'DIRECTORY'; length: number; modificationTime: number }>();
        for (const [file, { content, modificationTime }] of this.files) {
          if (!file.startsWith(`${path}/`)) continue;
          const [name, ...deeper] = file.slice(path.length + 1).split('/');
          names.set(name!, deeper.length > 0 ? { type: 'DIRECTORY', length: 0, modificationTime: 0 } : { type: 'FILE', length: content.length, modificationTime });
        }
        const statuses = [...names].map(([pathSuffix, status]) => ({ pathSuffix, ...status }));
        if (op === 'LISTSTATUS') return { status: 200, body: { FileStatuses: { FileStatus: statuses } } };
        // One page holding every entry after `startafter`, in the NameNode's order (by name).
        const after = params.get('startafter') ?? '';
        const page = statuses.filter((status) => status.pathSuffix > after).sort((a, b) => (a.pathSuffix < b.pathSuffix ? -1 : 1));
        return { status: 200, body: { DirectoryListing: { partialListing: { FileStatuses: { FileStatus: page } }, remainingEntries: 0 } } };
      }
      case 'DELETE DELETE': {
        const doomed = [...this.files.keys()].filter((file) => file === path || (params.get('recursive') === 'true' && file.startsWith(`${path}/`)));
        for (const file of doomed) this.files.delete(file);
        return { status: 200, body: { boolean: doomed.length > 0 } };
      }
      default:
        return { status: 400, body: { RemoteException: { exception: 'IllegalArgumentException', message: `unexpected ${method} ${op}` } } };
    }
  }
}
