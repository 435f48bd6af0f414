// The width of histogram bins: a round number (1, 2 or 5 times a power of ten) that cuts the
// range from 0 to `upper` into about `bins` bins. Integers (quantities) get a step of at least 1.

export function histogramStep(upper: number, { integers, bins = 40 }: { integers: boolean; bins?: number }): number {
  if (!(upper > 0)) return 1;
  const raw = upper / bins;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = magnitude * ([1, 2, 5].find((m) => raw <= m * magnitude) ?? 10);
  return integers ? Math.max(1, Math.round(step)) : Number(step.toPrecision(6));
}
