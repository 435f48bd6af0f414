// The Spark Connect connection string, as every Spark Connect client reads it:
//   sc://host[:port][/;param=value;param=value...]
// Known parameters configure the client; any other parameter is sent as a gRPC header on every call.
import { SparkConnectError } from './errors.js';

export const DEFAULT_PORT = 15002;

export interface RemoteSpec {
  host: string;
  port: number;
  /** Bearer token sent as `authorization: Bearer <token>` on every call. */
  token?: string;
  userId?: string;
  /** Prepended to the client type the server logs and shows in its UI. */
  userAgent?: string;
  /** Reuse a known session instead of starting a new one (a UUID). */
  sessionId?: string;
  useSsl: boolean;
  /** Extra gRPC headers: every parameter this client does not know itself. */
  headers: Readonly<Record<string, string>>;
}

export class InvalidRemoteError extends SparkConnectError {
  constructor(remote: string, problem: string) {
    super(
      `invalid Spark Connect address ${redactRemote(remote)}: ${problem}`,
      'expected sc://host:port/;token=...;user_id=...',
    );
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseRemote(remote: string): RemoteSpec {
  const match = /^sc:\/\/(\[[^\]]+\]|[^:/;[\]]+)(?::(\d+))?(?:\/(.*))?$/.exec(remote.trim());
  if (!match) throw new InvalidRemoteError(remote, 'not of the form sc://host:port');
  const [, host = '', portText, rest = ''] = match;
  const port = portText === undefined ? DEFAULT_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidRemoteError(remote, `bad port ${portText}`);

  const spec: RemoteSpec = { host, port, useSsl: false, headers: {} };
  const headers: Record<string, string> = {};
  for (const pair of rest.split(';')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InvalidRemoteError(remote, `parameter "${pair}" is not key=value`);
    const key = pair.slice(0, eq);
    const value = decodeURIComponent(pair.slice(eq + 1));
    switch (key) {
      case 'token':
        spec.token = value;
        break;
      case 'user_id':
        spec.userId = value;
        break;
      case 'user_agent':
        spec.userAgent = value;
        break;
      case 'session_id':
        if (!UUID.test(value)) throw new InvalidRemoteError(remote, `session_id must be a UUID, got "${value}"`);
        spec.sessionId = value.toLowerCase();
        break;
      case 'use_ssl':
        if (value !== 'true' && value !== 'false') throw new InvalidRemoteError(remote, 'use_ssl must be true or false');
        spec.useSsl = value === 'true';
        break;
      default:
        headers[key.toLowerCase()] = value;
    }
  }
  spec.headers = headers;
  return spec;
}

/** The address without secrets, for messages and logs. */
export function redactRemote(remote: string): string {
  return remote.replace(/(token=)[^;]*/g, '$1***');
}

/** `sc://host:port`, the part of the address a user recognises in an error message. */
export function describeRemote(spec: RemoteSpec): string {
  return `sc://${spec.host}:${spec.port}`;
}

/** The `host:port` target gRPC dials (brackets kept for IPv6). */
export function grpcTarget(spec: RemoteSpec): string {
  return `${spec.host}:${spec.port}`;
}
