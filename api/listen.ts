// Listening: the same for the API in one process (server.ts) and in each worker of a cluster
// (worker.ts), which share the port.
import type { Server } from 'node:http';
import { LakeError } from '../control/errors.js';
import type { ApiApp } from './app.js';
import type { ApiConfig } from './config.js';

/** Starts serving `app` on the configured address; a taken port is a clear error. */
export async function listen(app: ApiApp, config: ApiConfig): Promise<Server> {
  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new LakeError(`port ${config.port} on ${config.host} is taken`, 'stop what uses it, or choose another port with API_PORT')
          : error,
      );
    });
  });
  return server;
}

/** The URL clients use for a server listening on `port` at the configured address. */
export function apiUrl(config: ApiConfig, port: number): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
