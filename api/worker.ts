// One worker of the API cluster (api/cluster.ts): the full app on the shared port, over the shared
// users database, serving the gold its primary sends and counting failed logins in its primary.
// It never loads the Spark client.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClusterMemoryStoreWorker } from '@express-rate-limit/cluster-memory-store';
import { LakeError, describeError } from '../control/errors.js';
import { createApp } from './app.js';
import type { FromWorker, ToWorker } from './cluster.js';
import { GoldMirror } from './gold-source.js';
import { listen } from './listen.js';
import { shareHashSlots } from './passwords.js';
import { UserStore } from './users.js';

const log = (line: string) => process.stderr.write(`[api ${process.pid}] ${line}\n`);
const gold = new GoldMirror(log);
let server: Server | undefined;
let users: UserStore | undefined;
const tell = (message: FromWorker) => process.send?.(message);

async function start({ config, version, workers }: Extract<ToWorker, { lake: 'start' }>): Promise<void> {
  shareHashSlots(workers);
  users = new UserStore(config.usersDb);
  const app = createApp({ config, users, gold, version, log, rateLimitStores: (name) => new ClusterMemoryStoreWorker({ prefix: name }) });
  try {
    server = await listen(app, config);
    tell({ lake: 'listening', port: (server.address() as AddressInfo).port });
  } catch (error) {
    tell(error instanceof LakeError ? { lake: 'failed', message: error.message, hint: error.hint } : { lake: 'failed', message: describeError(error) });
    process.exit(1);
  }
}

function stop(): void {
  server?.closeAllConnections();
  server?.close(() => {
    users?.close();
    process.exit(0);
  });
  if (!server) process.exit(0);
}

process.on('message', (message: ToWorker | undefined) => {
  if (message?.lake === 'start') void start(message);
  else if (message?.lake === 'gold') gold.update(message.gold, message.status);
  else if (message?.lake === 'stop') stop();
});
// Ctrl-C reaches every process of the terminal's group: the primary stops the workers in order.
process.on('SIGINT', () => undefined);
// Without its primary (killed), a worker has no gold updates and no login counters: it stops.
process.on('disconnect', () => process.exit(0));
tell({ lake: 'ready' });
