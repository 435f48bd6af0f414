// What the chart tests check on every axis of numbers: no label twice. Ticks that fall between
// whole numbers, rounded by a format without decimals, would read `0 0 0 1 1 1 2`. Only number
// axes: a time axis repeats `12 PM` from day to day by design.

const numberLabel = /^[-−]?[\d,.]+%?$/;

/** The axes among `axes` (each: its labels in order) whose labels are all numbers. */
export function numberAxes(axes: readonly string[][]): string[][] {
  return axes.filter((labels) => labels.length > 0 && labels.every((label) => numberLabel.test(label)));
}

/** The labels an axis shows more than once. */
export function repeatedLabels(labels: readonly string[]): string[] {
  return labels.filter((label, i) => labels.indexOf(label) !== i);
}
