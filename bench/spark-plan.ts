// How the benchmarks that time Spark Connect calls record them: every call timed, named by the
// head of its SQL (or its plan's kind) and by the benchmark's step under way.
import { SparkSession } from '@lake/spark-connect';

export interface SparkCall {
  ms: number;
  what: string;
  step: string;
}

/** Times every Spark Connect call from now on, labelled with the step `step()` names when it ends. */
export function recordSparkCalls(step: () => string): SparkCall[] {
  const calls: SparkCall[] = [];
  const execute = SparkSession.prototype.execute;
  SparkSession.prototype.execute = async function* (plan, options) {
    const started = performance.now();
    try {
      yield* execute.call(this, plan, options);
    } finally {
      calls.push({ ms: performance.now() - started, what: describePlan(plan), step: step() });
    }
  };
  return calls;
}

/** The SQL of a plan (its first 160 characters, comments dropped), or the plan's kind. */
export function describePlan(plan: Parameters<SparkSession['execute']>[0]): string {
  const text = JSON.stringify(plan.opType.value, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
  const sql = /"(?:query|sql)":"((?:[^"\\]|\\.){5,})"/.exec(text)?.[1];
  if (!sql) return /"case":"(\w+)"/.exec(text)?.[1] ?? 'plan';
  return sql
    .replace(/\\n/g, '\n')
    .replace(/--[^\n]*/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 160);
}
