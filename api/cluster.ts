// The API on every core: `API_WORKERS` processes (node:cluster) accept requests on the one port,
// each a full API over the shared users database. The primary holds what must be one: the gold
// cache (one Spark session, one poll of the pointer), whose versions it passes to the workers, and
// the failed-login counters (express-rate-limit's cluster store), so that N workers do not grant
// N times the login allowance, and the turns to hash a password, so that N workers do not hash N
// times as many at once. A worker that dies is replaced; Ctrl-C stops them all.
import cluster, { type Worker } from 'node:cluster';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClusterMemoryStorePrimary } from '@express-rate-limit/cluster-memory-store';
import type { LakeConfig } from '../control/config.js';
import { LakeError } from '../control/errors.js';
import type { ApiConfig } from './config.js';
import { GoldCache, sparkGoldLoader } from './gold-cache.js';
import type { GoldStatus, LoadedGold } from './gold-source.js';
import { apiUrl } from './listen.js';
import { HashTurns } from './passwords.js';
import { apiVersion, type RunningApi } from './server.js';
import { UserStore } from './users.js';

/** What the primary tells a worker (the `lake` key keeps them apart from the rate-limit store's messages). */
export type ToWorker =
  | { lake: 'start'; config: ApiConfig; version: string }
  | { lake: 'gold'; gold: LoadedGold | undefined; status: GoldStatus }
  | { lake: 'stop' }
  /** The answer to the worker's `hash-turn` request `id`: its turn to hash a password, or none (the line is full). */
  | { lake: 'hash-turn'; id: number }
  | { lake: 'hash-busy'; id: number };

/** What a worker tells the primary. */
export type FromWorker =
  | { lake: 'ready' }
  | { lake: 'listening'; port: number }
  | { lake: 'failed'; message: string; hint?: string }
  /** Asks for a turn to hash a password, then tells it is done. */
  | { lake: 'hash-turn'; id: number }
  | { lake: 'hash-done' };

// The worker's module beside this one: worker.ts under tsx, worker.js once compiled.
const thisFile = fileURLToPath(import.meta.url);
const workerFile = path.join(path.dirname(thisFile), `worker${path.extname(thisFile)}`);
const RESTART_DELAY_MS = 1000;
const STOP_TIMEOUT_MS = 5000;

/** What the primary needs of a worker to give it turns to hash. */
type TurnTaker = Pick<Worker, 'on' | 'once' | 'send' | 'isConnected'>;

/**
 * Answers a worker's requests for turns to hash a password from the primary's `turns`, shared by
 * all the workers, and takes back the turns it held when it exits (a worker killed mid-login).
 */
export function giveHashTurns(worker: TurnTaker, turns: HashTurns): void {
  let held = 0;
  worker.on('message', (message: FromWorker | undefined) => {
    if (message?.lake === 'hash-turn') {
      const { id } = message;
      turns.take().then(
        () => {
          if (!worker.isConnected()) return turns.give();
          held++;
          worker.send({ lake: 'hash-turn', id } satisfies ToWorker);
        },
        () => {
          // The line is full (HashQueueFull, take's only refusal): the worker refuses the login.
          if (worker.isConnected()) worker.send({ lake: 'hash-busy', id } satisfies ToWorker);
        },
      );
    } else if (message?.lake === 'hash-done') {
      held--;
      turns.give();
    }
  });
  worker.once('exit', () => {
    for (; held > 0; held--) turns.give();
  });
}

export async function startApiCluster(lake: LakeConfig, config: ApiConfig, log: (line: string) => void = () => undefined): Promise<RunningApi> {
  if (config.usersDb === ':memory:') {
    throw new LakeError(`API_WORKERS=${config.workers} needs a users database file: LAKE_USERS_DB=:memory: lives in one process`, 'set LAKE_USERS_DB to a file, or API_WORKERS=1');
  }
  // Opened here first, so the schema exists before the workers open the file.
  const users = new UserStore(config.usersDb);
  new ClusterMemoryStorePrimary().init();
  const hashTurns = new HashTurns(config.loginHashes, config.loginQueue);
  const workers = new Set<Worker>();
  /** Workers whose module has loaded: they handle messages (a stop among them). */
  const ready = new WeakSet<Worker>();
  const goldMessage = (): ToWorker => {
    const snapshot = gold.snapshot();
    return { lake: 'gold', gold: snapshot && { version: snapshot.version, publishedAt: snapshot.publishedAt, loadedAt: snapshot.loadedAt, tables: snapshot.tables }, status: gold.status() };
  };
  const loader = sparkGoldLoader(lake);
  const gold = new GoldCache(lake, {
    pollMs: config.goldPollMs,
    load: loader,
    log,
    onCheck: () => {
      const message = goldMessage();
      for (const worker of workers) if (worker.isConnected()) worker.send(message);
    },
  });
  await gold.start();

  let stopping = false;
  cluster.setupPrimary({ exec: workerFile });
  const start: ToWorker = { lake: 'start', config, version: apiVersion };

  /** A new worker; resolves with the port once it listens. */
  const fork = () =>
    new Promise<number>((resolve, reject) => {
      const worker = cluster.fork();
      workers.add(worker);
      let listening = false;
      giveHashTurns(worker, hashTurns);
      // A worker killed outright still looks connected until the primary hears of its exit: a
      // message sent meanwhile (a gold check, a turn to hash) fails with an 'error' event on the
      // worker, which would end the primary if nobody listened. Its exit replaces it.
      worker.on('error', (error: Error) => log(`worker ${worker.process.pid}: ${error.message}`));
      worker.on('message', (message: FromWorker | undefined) => {
        // A message sent before the worker's module has loaded would be lost: it asks when ready.
        if (message?.lake === 'ready') {
          ready.add(worker);
          worker.send(start);
          worker.send(goldMessage());
        } else if (message?.lake === 'listening') {
          listening = true;
          resolve(message.port);
        } else if (message?.lake === 'failed') {
          reject(new LakeError(message.message, message.hint));
        }
      });
      worker.once('exit', (code, signal) => {
        workers.delete(worker);
        const how = signal ?? `code ${code}`;
        if (!listening) return reject(new LakeError(`an API worker exited (${how}) before it listened`, 'its error is above'));
        if (stopping) return;
        log(`worker ${worker.process.pid} exited (${how}): starting another`);
        setTimeout(() => void fork().catch((error: unknown) => log(`a replacement worker failed: ${String(error)}`)), RESTART_DELAY_MS).unref();
      });
    });

  const stop = async () => {
    stopping = true;
    gold.stop();
    await Promise.all(
      [...workers].map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            worker.once('exit', () => resolve());
            // A ready worker closes its connections and exits; one still loading has none: it is ended.
            if (ready.has(worker) && worker.isConnected()) worker.send({ lake: 'stop' } satisfies ToWorker);
            else worker.process.kill('SIGTERM');
            setTimeout(() => worker.process.kill('SIGKILL'), STOP_TIMEOUT_MS).unref();
          }),
      ),
    );
    await loader.close();
    users.close();
  };

  try {
    const [port] = await Promise.all(Array.from({ length: config.workers }, fork));
    return { url: apiUrl(config, port!), gold, users, close: stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
