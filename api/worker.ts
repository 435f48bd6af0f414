// One worker of the API cluster (api/cluster.ts): the full app on the shared port, over the shared
// users database, serving the gold its primary sends, counting failed logins in its primary and
// hashing passwords in turns its primary gives. It never loads the Spark client.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClusterMemoryStoreWorker } from '@express-rate-limit/cluster-memory-store';
import { describeError, hintOf, isUserError } from '../control/errors.js';
import { createApp } from './app.js';
import type { FromWorker, ToWorker } from './cluster.js';
import { GoldMirror } from './gold-source.js';
import { listen } from './listen.js';
import { HashQueueFull, useHashTurns, type HashTurnGiver } from './passwords.js';
import { UserStore } from './users.js';

const log = (line: string) => process.stderr.write(`[api ${process.pid}] ${line}\n`);
const gold = new GoldMirror(log);
let server: Server | undefined;
let users: UserStore | undefined;
const tell = (message: FromWorker) => process.send?.(message);

/** Turns to hash from the primary, which gives them to all the workers in the order asked, or refuses one when its line is full. */
const waitingForTurns = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
let turnRequests = 0;
const primaryTurns: HashTurnGiver = {
  take: () =>
    new Promise<void>((resolve, reject) => {
      const id = ++turnRequests;
      waitingForTurns.set(id, { resolve, reject });
      tell({ lake: 'hash-turn', id });
    }),
  give: () => tell({ lake: 'hash-done' }),
};

/** The primary's answer to the turn request `id`. */
function answerTurn(id: number, granted: boolean): void {
  const waiting = waitingForTurns.get(id);
  waitingForTurns.delete(id);
  if (granted) waiting?.resolve();
  else waiting?.reject(new HashQueueFull());
}

async function start({ config, version }: Extract<ToWorker, { lake: 'start' }>): Promise<void> {
  useHashTurns(primaryTurns);
  users = new UserStore(config.usersDb);
  const app = createApp({ config, users, gold, version, log, rateLimitStores: (name) => new ClusterMemoryStoreWorker({ prefix: name }) });
  try {
    server = await listen(app, config);
    tell({ lake: 'listening', port: (server.address() as AddressInfo).port });
  } catch (error) {
    tell(isUserError(error) ? { lake: 'failed', message: error.message, hint: hintOf(error) } : { lake: 'failed', message: describeError(error) });
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
  // The primary answers a worker's requests in the order they came.
  else if (message?.lake === 'hash-turn' || message?.lake === 'hash-busy') answerTurn(message.id, message.lake === 'hash-turn');
});
// Ctrl-C reaches every process of the terminal's group: the primary stops the workers in order.
process.on('SIGINT', () => undefined);
// Without its primary (killed), a worker has no gold updates and no login counters: it stops.
process.on('disconnect', () => process.exit(0));
tell({ lake: 'ready' });
