// How the benchmarks that time Spark Connect calls name a call: the head of its SQL, or its plan's kind.
import type { SparkSession } from '@lake/spark-connect';

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
