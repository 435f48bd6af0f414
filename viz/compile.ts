// Vega-Lite → Vega, with every warning the compiler gives kept rather than printed: a chart that
// compiles with warnings (a dropped encoding, an ignored property) is not the chart we meant.
import type { LoggerInterface, Spec as VegaSpec } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface CompiledChart {
  vega: VegaSpec;
  warnings: string[];
}

export function compileChart(spec: TopLevelSpec): CompiledChart {
  const warnings: string[] = [];
  let level = 2;
  const keep = (kind: string) => (...args: unknown[]) => {
    warnings.push(`${kind}: ${args.map(String).join(' ')}`);
    return logger;
  };
  const logger: LoggerInterface = {
    level: (value?: number) => (value === undefined ? level : ((level = value), logger)),
    error: keep('error'),
    warn: keep('warning'),
    info: () => logger,
    debug: () => logger,
  };
  return { vega: compile(spec, { logger }).spec, warnings };
}
