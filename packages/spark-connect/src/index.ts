// @lake/spark-connect, a Spark Connect client for Node.js: the public API. Import from here
// (`import { SparkSession } from '@lake/spark-connect'`), never from the modules.
export { SparkSession, RuntimeConfig } from './session.js';
export type { ConnectOptions } from './connection.js';
export type { CommandInit, CommandResult, Executor, ExplainMode } from './executor.js';
export { DataFrame, GroupedData, type QueryOptions } from './plan/dataframe.js';
export { DataFrameReader, type OptionValue } from './plan/reader.js';
export { DataFrameWriter, type SaveMode } from './plan/writer.js';
export { DataStreamWriter, type OutputMode, type Trigger } from './plan/stream-writer.js';
export {
  StreamingQuery,
  StreamingQueryManager,
  type StreamingQueryFailure,
  type StreamingQueryProgress,
  type StreamingQueryStatus,
  type SourceProgress,
} from './streaming.js';
export { Column, col, lit, expr, fn, distinctFn, type ColumnOrName, type ColumnOrValue } from './plan/expressions.js';
export type { LiteralValue } from './plan/literals.js';
export type { JoinType } from './plan/relations.js';
export type { ExecuteOptions, ReattachEvent } from './execute.js';
export type { Progress, ProgressListener, StageProgress } from './progress.js';
export { rowsOf, tuplesOf, decodeArrowBatches, type Row } from './arrow.js';
export { RowStream } from './row-stream.js';
export { SparkConnectError, SparkError, SparkUnreachableError, SparkAuthError, SparkInterruptedError, type SparkErrorInit } from './errors.js';
export { InvalidRemoteError, parseRemote, redactRemote, type RemoteSpec } from './connection-string.js';
export type { RetryPolicy } from './retry.js';
