// A worker thread running one of the lake's own modules, whether the lake runs compiled (dist/,
// what bin/lake.mjs starts) or from its TypeScript sources (tsx, vitest). A worker does not
// inherit the loader that lets the main thread import .ts files, so for a .ts module the worker
// first registers tsx's loader, then imports the module.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Starts `name` (a module next to `from`, an `import.meta.url`, with the same extension) in a worker. */
export function moduleWorker(from: string, name: string, options: WorkerOptions = {}): Worker {
  const extension = path.extname(fileURLToPath(from));
  const module = new URL(`./${name}${extension}`, from);
  if (extension !== '.ts') return new Worker(module, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
