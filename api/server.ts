// The API server: users database, gold cache, and the app, listening. Used by `lake api` and the
// demo; returns a handle that stops all three.
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, type LakeConfig } from '../control/config.js';
import { createApp } from './app.js';
import { apiUrl, listen } from './listen.js';
import type { ApiConfig } from './config.js';
import { GoldCache, sparkGoldLoader } from './gold-cache.js';
import { HashTurns, useHashTurns } from './passwords.js';
import { UserStore } from './users.js';

export interface RunningApi {
  url: string;
  gold: GoldCache;
  users: UserStore;
  close(): Promise<void>;
}

export const { version: apiVersion } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };

/** The API in this process: the gold cache, the users database and the app. */
export async function startApi(lake: LakeConfig, config: ApiConfig, log: (line: string) => void = () => undefined): Promise<RunningApi> {
  useHashTurns(new HashTurns(config.loginHashes, config.loginQueue));
  const users = new UserStore(config.usersDb);
  const loader = sparkGoldLoader(lake);
  const gold = new GoldCache(lake, { pollMs: config.goldPollMs, load: loader, log });
  await gold.start();
  const app = createApp({ config, users, gold, version: apiVersion, log });
  const server = await listen(app, config).catch(async (error: unknown) => {
    gold.stop();
    await loader.close();
    users.close();
    throw error;
  });
  return {
    url: apiUrl(config, (server.address() as AddressInfo).port),
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
