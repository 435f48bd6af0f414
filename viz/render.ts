// A chart as a static SVG, rendered in Node by vega itself (no browser): text widths are
// estimated, so the layout may differ from the browser's by a few pixels.
import { View, parse, type Spec as VegaSpec } from 'vega';

export async function renderSvg(vega: VegaSpec): Promise<string> {
  const view = new View(parse(vega), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
