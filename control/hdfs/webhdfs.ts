// A small WebHDFS client: the CLI lands files in HDFS over HTTP, so it works when Spark and HDFS run
// on machines that cannot see the client's disk. Uploads go to a temporary name and are renamed
// into place, so a reader never sees half a file.
import { createReadStream } from 'node:fs';
import http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { LakeError } from '../errors.js';

export interface HdfsFileStatus {
  pathSuffix: string;
  type: 'FILE' | 'DIRECTORY' | 'SYMLINK';
  length: number;
  modificationTime: number;
}

interface RemoteException {
  RemoteException?: { exception: string; message: string };
}

/** The path part of an `hdfs://host:port/path` URI (a bare absolute path is returned as is). */
export function hdfsPath(uri: string): string {
  if (uri.startsWith('/')) return uri;
  const url = new URL(uri);
  if (url.protocol !== 'hdfs:') throw new LakeError(`not an HDFS URI: ${uri}`, 'use hdfs://namenode:8020/path');
  return decodeURIComponent(url.pathname) || '/';
}

/**
 * PUTs the bytes to the DataNode URL the NameNode handed out. node:http rather than fetch: the
 * DataNode answers `100 Continue` before its final status, which fetch (undici) rejects.
 */
async function sendToDataNode(location: string, content: Buffer | string | { file: string }): Promise<void> {
  const request = http.request(location, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' } });
  const answered = new Promise<http.IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
  });
  const sent = typeof content === 'object' && 'file' in content ? pipeline(createReadStream(content.file), request) : Promise.resolve(request.end(content));
  // Both awaited together: when the DataNode dies mid-upload, the send and the answer both fail,
  // and neither failure may go unhandled.
  const [response] = await Promise.all([answered, sent]);
  const body: Buffer[] = [];
  for await (const chunk of response) body.push(chunk as Buffer);
  if (response.statusCode !== 201) {
    let remote: RemoteException['RemoteException'];
    try {
      remote = (JSON.parse(Buffer.concat(body).toString()) as RemoteException).RemoteException;
    } catch {
      remote = undefined;
    }
    throw new Error(remote ? `${remote.exception}: ${remote.message.split('\n')[0]}` : `HTTP ${response.statusCode}`);
  }
}

/**
 * Whether a failure to talk to a DataNode is the DataNode's being gone (killed, its machine lost):
 * then the NameNode names another, once it has noticed, and the operation is tried again.
 */
function dataNodeLost(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? ((error as { cause?: NodeJS.ErrnoException } | undefined)?.cause?.code);
  return code !== undefined && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'UND_ERR_SOCKET'].includes(code);
}

/**
 * How long an upload or a read keeps asking the NameNode for a DataNode that answers. The embedded
 * stack declares a lost DataNode dead after 20 s (hdfs-site.xml), and a real cluster names another
 * replica's DataNode at once for a read; after this long the failure is the caller's.
 */
const DATANODE_PATIENCE_MS = 45_000;

/** Runs `attempt` again, a little later each time, while it fails for a lost DataNode and patience lasts. */
async function withAnotherDataNode<T>(patienceMs: number, attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + patienceMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 4_000)) {
    try {
      return await attempt();
    } catch (error) {
      if (!dataNodeLost(error) || Date.now() + delay > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

// A NameNode that accepts the connection but never answers (stopped, swapping, in a long GC)
// must not hang a job or the API's gold check: every metadata call gives up after this long.
const CALL_TIMEOUT_MS = 60_000;
/** The hint of a failure that a dead or missing DataNode explains. */
const CHECK_DATANODES = 'check `npm run lake -- stack status` (`stack up` restarts a DataNode that died)';

export class WebHdfs {
  constructor(
    readonly baseUrl: string,
    private readonly user = 'lake',
    private readonly dataNodePatienceMs = DATANODE_PATIENCE_MS,
  ) {}

  private url(path: string, op: string, params: Record<string, string> = {}): string {
    const query = new URLSearchParams({ op, 'user.name': this.user, ...params });
    const encoded = path.split('/').map(encodeURIComponent).join('/');
    return `${this.baseUrl}/webhdfs/v1${encoded}?${query}`;
  }

  /**
   * One WebHDFS operation. Any answer but success is an error, except "not found" (404) where the
   * caller says what it means: `missing: 'gone'` for a delete, whose goal (nothing there) it
   * reaches; `missing: 'absent'` for a question whose answer it is (a status, a listing, a read),
   * returned to the caller to say so. Anything that changes the file system (create, mkdirs,
   * rename) fails on a 404, naming the path.
   */
  private async call(
    method: string,
    path: string,
    op: string,
    params: Record<string, string> = {},
    options: { missing?: 'gone' | 'absent' } = {},
  ): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(this.url(path, op, params), { method, signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `no answer in ${CALL_TIMEOUT_MS / 1000} s` : ((error as Error & { cause?: Error }).cause?.message ?? (error as Error).message);
      throw new LakeError(
        `cannot reach WebHDFS at ${this.baseUrl} (${op} ${path}): ${reason}`,
        'is the stack up? run `npm run lake -- stack up` (or set LAKE_WEBHDFS to your NameNode)',
        { cause: error },
      );
    }
    if (!response.ok && !(response.status === 404 && options.missing !== undefined)) await this.fail(response, op, path);
    return response;
  }

  private async fail(response: Response, op: string, path: string): Promise<never> {
    const body = (await response.json().catch(() => ({}))) as RemoteException;
    const remote = body.RemoteException;
    // The NameNode answers, but has no live DataNode to place the file on (one died, or never started).
    const noDataNode = /datanode/i.test(remote?.message ?? '');
    throw new LakeError(
      `HDFS refused ${op} ${path}: ${remote ? `${remote.exception}: ${remote.message.split('\n')[0]}` : `HTTP ${response.status}`}`,
      noDataNode ? CHECK_DATANODES : undefined,
    );
  }

  /** The status of a file or folder, or undefined when nothing is there. */
  async status(path: string): Promise<HdfsFileStatus | undefined> {
    const response = await this.call('GET', path, 'GETFILESTATUS', {}, { missing: 'absent' });
    if (response.status === 404) return undefined;
    return ((await response.json()) as { FileStatus: HdfsFileStatus }).FileStatus;
  }

  /** The entries of a folder; empty when the folder does not exist. */
  async list(path: string): Promise<HdfsFileStatus[]> {
    const response = await this.call('GET', path, 'LISTSTATUS', {}, { missing: 'absent' });
    if (response.status === 404) return [];
    return ((await response.json()) as { FileStatuses: { FileStatus: HdfsFileStatus[] } }).FileStatuses.FileStatus;
  }

  /**
   * The entries of a folder whose names sort after `startAfter` (HDFS lists in byte order), page
   * by page (LISTSTATUS_BATCH, the NameNode's `dfs.ls.limit` entries each): the tail of a folder
   * that only grows, such as a Delta log, without listing all of it. Empty when the folder does
   * not exist.
   */
  async listAfter(path: string, startAfter: string): Promise<HdfsFileStatus[]> {
    const entries: HdfsFileStatus[] = [];
    for (let after = startAfter; ; ) {
      // The parameter's name is `startafter`: WebHDFS ignores `startAfter` and lists from the start.
      const response = await this.call('GET', path, 'LISTSTATUS_BATCH', { startafter: after }, { missing: 'absent' });
      if (response.status === 404) return entries;
      const { partialListing, remainingEntries } = ((await response.json()) as { DirectoryListing: { partialListing: { FileStatuses: { FileStatus: HdfsFileStatus[] } }; remainingEntries: number } })
        .DirectoryListing;
      const page = partialListing.FileStatuses.FileStatus;
      entries.push(...page);
      if (remainingEntries === 0 || page.length === 0) return entries;
      after = page.at(-1)!.pathSuffix;
    }
  }

  async mkdirs(path: string): Promise<void> {
    await this.call('PUT', path, 'MKDIRS');
  }

  /**
   * Renames within HDFS, atomically. Anything but a done rename is an error naming the paths: a
   * missing source (a 404, or HDFS's plain `false`), a target that exists, a missing folder.
   */
  async rename(from: string, to: string): Promise<void> {
    const response = await this.call('PUT', from, 'RENAME', { destination: to });
    if (((await response.json()) as { boolean: boolean }).boolean) return;
    throw new LakeError(`HDFS did not rename ${from} to ${to}: ${await this.whyNotRenamed(from, to)}`);
  }

  /** What stopped a rename that HDFS answered with `false` (it says no more). */
  private async whyNotRenamed(from: string, to: string): Promise<string> {
    if (!(await this.status(from).catch(() => 'unknown'))) return `${from} does not exist`;
    if (await this.status(to).catch(() => undefined)) return `${to} is already there`;
    const folder = to.slice(0, to.lastIndexOf('/')) || '/';
    if (!(await this.status(folder).catch(() => 'unknown'))) return `the folder ${folder} does not exist`;
    return 'HDFS gave no reason';
  }

  /** Removes a file or folder; true when something was there, false when it was gone already. */
  async delete(path: string, recursive = false): Promise<boolean> {
    const response = await this.call('DELETE', path, 'DELETE', { recursive: String(recursive) }, { missing: 'gone' });
    return response.ok && ((await response.json()) as { boolean: boolean }).boolean;
  }

  /**
   * Writes bytes (a buffer or a local file, streamed) to `path`, visible there only once complete.
   * When the DataNode the NameNode named is lost, the upload starts again, under a new temporary
   * name (the lost one may still hold the old name's lease), on the DataNode the NameNode names next.
   */
  async write(path: string, content: Buffer | string | { file: string }, options: { overwrite?: boolean } = {}): Promise<void> {
    let staging = '';
    try {
      await withAnotherDataNode(this.dataNodePatienceMs, async () => {
        if (staging) await this.delete(staging).catch(() => undefined);
        staging = `${path}._landing_${process.pid}_${Date.now()}`;
        // Step 1: the NameNode names the DataNode to send the bytes to.
        const created = await this.call('PUT', staging, 'CREATE', { overwrite: 'true', noredirect: 'true' });
        const { Location } = (await created.json()) as { Location: string };
        await sendToDataNode(Location, content);
      });
    } catch (error) {
      if (staging) await this.delete(staging).catch(() => undefined);
      if (error instanceof LakeError) throw error;
      throw new LakeError(`upload of ${path} to the DataNode failed: ${(error as Error).message}`, CHECK_DATANODES, {
        cause: error,
      });
    }
    // Step 2: make it visible under its name in one step (replacing an old file atomically, so a
    // reader of a pointer file sees the old content or the new, never nothing).
    if (options.overwrite) {
      await this.call('PUT', staging, 'RENAME', { destination: path, renameoptions: 'OVERWRITE' });
      return;
    }
    try {
      await this.rename(staging, path);
    } catch (error) {
      await this.delete(staging).catch(() => undefined);
      throw new LakeError(`could not move the uploaded file into place at ${path}: ${(error as Error).message}`, undefined, { cause: error });
    }
  }

  /**
   * The whole content of a file (for small files: manifests, pointers), from the DataNode the
   * NameNode names, or from another when that one is lost.
   */
  async read(path: string): Promise<Buffer | undefined> {
    try {
      return await withAnotherDataNode(this.dataNodePatienceMs, async () => {
        const response = await this.call('GET', path, 'OPEN', { noredirect: 'true' }, { missing: 'absent' });
        if (response.status === 404) return undefined;
        const { Location } = (await response.json()) as { Location: string };
        const answer = await fetch(Location, { signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
        if (!answer.ok) await this.fail(answer, 'OPEN', path);
        return Buffer.from(await answer.arrayBuffer());
      });
    } catch (error) {
      if (error instanceof LakeError) throw error;
      throw new LakeError(`reading ${path} from its DataNode failed: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`, CHECK_DATANODES, {
        cause: error,
      });
    }
  }
}
