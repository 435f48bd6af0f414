// Where the browser builds of vega, vega-lite and vega-embed are: in the folder of each package's
// Node entry point. The chart pages inline them; the API's dashboard serves them.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export const chartLibraries = ['vega', 'vega-lite', 'vega-embed'] as const;

/** `vega` → `.../node_modules/vega/build/vega.min.js`. */
export function browserBuild(pkg: (typeof chartLibraries)[number]): string {
  return path.join(path.dirname(require.resolve(pkg)), `${pkg}.min.js`);
}
