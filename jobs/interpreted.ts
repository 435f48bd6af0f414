// Small data runs its expressions interpreted. Spark generates and compiles Java for every
// projection, predicate, aggregate and stage of every task, and Delta's log replay projects its
// wide action schema in each task: on a run over a few megabytes that was about half of the
// executor's CPU in a profile (JFR), on a machine every run keeps busy (docs/benchmarks.md,
// 2026-12-04). Large data amortizes the compilation, and keeps it. Silver decides by the size of
// the new bronze records, gold by the size of the silver rows it reads, and the stream lands every
// cycle after its first interpreted (its events since the cycle before).
import type { SparkSession } from '@lake/spark-connect';

/**
 * The settings of a session (one run's) that evaluates expressions interpreted rather than
 * compiled. (`factoryMode` is an internal setting: NO_CODEGEN selects the interpreted
 * implementations Spark falls back on when compiling fails; `wholeStage` is public.)
 */
export const interpretedExpressions = { 'spark.sql.codegen.wholeStage': false, 'spark.sql.codegen.factoryMode': 'NO_CODEGEN' } as const;

/**
 * Below this many bytes of new records in every source, a silver run is small data: a day of a few
 * thousand records, whose compiled code would cost more than it saves. (A scale s day, 100 000
 * records a source, is kept on the executors but compiled.)
 */
export const interpretBelowBytes = 4 * 1024 ** 2;

/** Sets the session (one run's) to evaluate expressions interpreted rather than compiled. */
export async function interpretExpressions(session: SparkSession): Promise<void> {
  await session.config.set(interpretedExpressions);
}
