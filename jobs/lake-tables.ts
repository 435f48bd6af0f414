// The Delta tables of the lake, in one list, for the commands that work on tables as Delta tables
// rather than on a layer version (`lake history`, `lake maintain`): silver's and gold's, which
// their layer's pointer names, and bronze's ad events, which no pointer names (silver reads the
// committed batches of its latest version). Each is known by its `lake sql` view name, the name
// users already see.
import { LakeError } from '../control/errors.js';
import { layerTables } from './catalog.js';

export interface LakeTable {
  /** The `lake sql` view name: `silver_transactions`, `gold_campaign_metrics`, `bronze_ad_events`. */
  name: string;
  layer: 'bronze' | 'silver' | 'gold';
  /** The table inside its layer: `transactions_quarantine`. */
  table: string;
  /** The Delta table, relative to the lake root: `<layer>/<table>`. */
  path: string;
}

const lakeTable = (layer: LakeTable['layer'], table: string): LakeTable => ({ name: `${layer}_${table}`, layer, table, path: `${layer}/${table}` });

/** Silver (each table, then its quarantine), gold, then bronze's ad events. */
export const lakeTables: readonly LakeTable[] = [
  ...Object.keys(layerTables('silver')).map((table) => lakeTable('silver', table)),
  ...Object.keys(layerTables('gold')).map((table) => lakeTable('gold', table)),
  // The only bronze table that is a Delta table: the file sources are landed as files.
  lakeTable('bronze', 'ad_events'),
];

/** The table a user named, by its view name; a name that is none of them says which are. */
export function parseLakeTable(name: string): LakeTable {
  const found = lakeTables.find((table) => table.name === name.trim().toLowerCase());
  if (!found) {
    throw new LakeError(`${name} is not a Delta table of the lake`, `name one of: ${lakeTables.map((table) => table.name).join(', ')}`);
  }
  return found;
}
