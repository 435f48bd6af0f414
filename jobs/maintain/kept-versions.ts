// What `lake maintain --keep N` must leave readable: every table version named by the last N
// published versions of its layer (the `published` of the succeeded silver and gold runs, newest
// last), and always the one the layer's pointer names now, whatever N is — readers read it. Since
// a Delta version stays readable while the files it references are kept, and every later version
// of a table only removes files after it, keeping a table's oldest such version readable keeps
// all the ones after it readable too: the oldest is all VACUUM needs to know.
import type { RunManifest } from '../../control/runs/manifest.js';
import type { PublishedLayer, PublishedLayerName } from '../../control/runs/published.js';

/** Table path (`silver/transactions`) → the oldest of its versions to keep readable. */
export function oldestKeptVersions(runs: readonly RunManifest[], pointers: Readonly<Record<PublishedLayerName, PublishedLayer | undefined>>, keep: number): Map<string, number> {
  const oldest = new Map<string, number>();
  for (const layer of ['silver', 'gold'] as const) {
    const published = runs.flatMap((run) => (run.layer === layer && run.outcome === 'succeeded' && run.published ? [run.published] : []));
    const current = pointers[layer];
    for (const version of [...published.slice(-keep), ...(current ? [current] : [])]) {
      for (const table of Object.values(version.tables)) oldest.set(table.path, Math.min(oldest.get(table.path) ?? Infinity, table.version));
    }
  }
  return oldest;
}
