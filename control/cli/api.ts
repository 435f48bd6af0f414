// `lake api`: serves gold over HTTP with JWT authentication until Ctrl-C.
import { Command } from 'commander';
import { loadApiConfig } from '../../api/config.js';
import { startApiCluster } from '../../api/cluster.js';
import { startApi } from '../../api/server.js';
import { loadConfig } from '../config.js';

const log = (line: string) => process.stderr.write(`[api] ${line}\n`);

export function apiCommand(): Command {
  return new Command('api')
    .description('serve the gold metrics over HTTP, with JWT authentication (Ctrl-C stops)')
    .option('-p, --port <port>', 'port to listen on (default: API_PORT or 8000)')
    .option('--host <address>', 'address to listen on (default: API_HOST or 127.0.0.1)')
    .action(async (options: { port?: string; host?: string }) => {
      const lake = loadConfig();
      const config = loadApiConfig({ ...process.env, API_PORT: options.port ?? process.env.API_PORT, API_HOST: options.host ?? process.env.API_HOST }, lake.homeDir);
      const api = config.workers > 1 ? await startApiCluster(lake, config, log) : await startApi(lake, config, log);
      const gold = api.gold.status();
      const processes = config.workers > 1 ? `${config.workers} workers` : 'one process';
      log(`listening on ${api.url} (${processes}) — gold ${gold.version ?? `not loaded (${gold.error ?? 'unknown'})`}`);
      log(`signing secret from ${config.jwtSecretSource}; users in ${config.usersDb}`);
      if (api.users.list().length === 0) log('no users yet: create one with `npm run lake -- user create <name>`');
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      log('stopping');
      await api.close();
    });
}
