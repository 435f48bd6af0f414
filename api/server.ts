// The API server: users database, gold cache, and the app, listening. Used by `lake api` and the
// demo; returns a handle that stops all three.
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, type LakeConfig } from '../control/config.js';
import { LakeError } from '../control/errors.js';
import { createApp } from './app.js';
import type { ApiConfig } from './config.js';
import { GoldCache, sparkGoldLoader } from './gold-cache.js';
import { UserStore } from './users.js';

export interface RunningApi {
  url: string;
  gold: GoldCache;
  users: UserStore;
  close(): Promise<void>;
}

const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };

export async function startApi(lake: LakeConfig, config: ApiConfig, log: (line: string) => void = () => undefined): Promise<RunningApi> {
  const users = new UserStore(config.usersDb);
  const loader = sparkGoldLoader(lake);
  const gold = new GoldCache(lake, { pollMs: config.goldPollMs, load: loader, log });
  await gold.start();
  const app = createApp({ config, users, gold, version, log });
  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (error: NodeJS.ErrnoException) => {
      gold.stop();
      users.close();
      reject(
        error.code === 'EADDRINUSE'
          ? new LakeError(`port ${config.port} on ${config.host} is taken`, 'stop what uses it, or choose another port with API_PORT')
          : error,
      );
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    gold,
    users,
    close: async () => {
      gold.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await loader.close();
      users.close();
    },
  };
}
