// HTTP status classes (2xx, 3xx, ...) and their colours, the same in every chart that shows them:
// green for success, blue for redirects, orange for client errors, red for server errors.

export const statusClasses = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
export type StatusClass = (typeof statusClasses)[number];

const classColors: Record<StatusClass, string> = { '1xx': '#9d9d9d', '2xx': '#54a24b', '3xx': '#4c78a8', '4xx': '#f58518', '5xx': '#e45756' };

const classNames: Record<StatusClass, string> = {
  '1xx': '1xx informational',
  '2xx': '2xx success',
  '3xx': '3xx redirect',
  '4xx': '4xx client error',
  '5xx': '5xx server error',
};

export function statusClassOf(statusCode: number): StatusClass {
  return `${Math.min(5, Math.max(1, Math.floor(statusCode / 100)))}xx` as StatusClass;
}

/** A colour scale over the classes present, in class order, with their fixed colours. */
export function statusClassScale(present: Iterable<string>): { domain: string[]; range: string[] } {
  const seen = new Set(present);
  const classes = statusClasses.filter((c) => seen.has(classNames[c]));
  return { domain: classes.map((c) => classNames[c]), range: classes.map((c) => classColors[c]) };
}

/** What a legend shows for a class, e.g. `4xx client error`. */
export function statusClassName(statusClass: StatusClass): string {
  return classNames[statusClass];
}
