// Faults between the lake's client and the real NameNode: a WebHDFS proxy on a local port that
// forwards every request to the NameNode of the stack, except where a fault strikes one operation
// on one path — refused before the NameNode sees it, or done by the NameNode and then answered
// with an error (the answer lost, as when a connection breaks after the rename). The DataNode is
// reached directly (CREATE's Location names it), so uploads are untouched.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebHdfsFault {
  /** The WebHDFS operation (`RENAME`, `DELETE`, ...). */
  op: string;
  /** Which paths it hits (the path the operation is asked on). */
  path: RegExp;
  /** `before`: refused, the NameNode never sees it. `after`: done by the NameNode, then answered 500. */
  when: 'before' | 'after';
}

export class WebHdfsFaultProxy {
  /** Faults not struck yet; each strikes once. */
  private readonly pending: WebHdfsFault[] = [];
  /** The faults that struck, `OP path (before|after)`. */
  readonly struck: string[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(target: string): Promise<WebHdfsFaultProxy> {
    const holder: { proxy?: WebHdfsFaultProxy } = {};
    const server = http.createServer((req, res) => void holder.proxy!.handle(target, req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.proxy = new WebHdfsFaultProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return holder.proxy;
  }

  inject(fault: WebHdfsFault): void {
    this.pending.push(fault);
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private take(op: string, path: string, when: WebHdfsFault['when']): boolean {
    const at = this.pending.findIndex((fault) => fault.op === op && fault.when === when && fault.path.test(path));
    if (at === -1) return false;
    this.pending.splice(at, 1);
    this.struck.push(`${op} ${path} (${when})`);
    return true;
  }

  private async handle(target: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const op = url.searchParams.get('op') ?? '';
    const path = decodeURIComponent(url.pathname.replace(/^\/webhdfs\/v1/, ''));
    const injected = (when: string): void => {
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ RemoteException: { exception: 'IOException', message: `injected fault (${when}): ${op} ${path}` } }));
    };
    try {
      const body: Buffer[] = [];
      for await (const chunk of req) body.push(chunk as Buffer);
      if (this.take(op, path, 'before')) return injected('before');
      const answer = await fetch(`${target}${req.url}`, { method: req.method, body: body.length > 0 ? Buffer.concat(body) : undefined });
      const bytes = Buffer.from(await answer.arrayBuffer());
      if (this.take(op, path, 'after')) return injected('after');
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(bytes);
    } catch (error) {
      res.writeHead(502).end(String(error));
    }
  }
}
