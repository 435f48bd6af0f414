// The Spark Connect client of lake: the public API. Import from here, not from the modules.
export { SparkSession, RuntimeConfig, type ConnectOptions, type CommandResult, type ExplainMode } from './session.js';
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
export { createProgressBar, type ProgressBar, type ProgressBarOptions } from './progress-bar.js';
export { rowsOf, tuplesOf, decodeArrowBatches, type Row } from './arrow.js';
export { RowStream } from './row-stream.js';
export { SparkError, SparkUnreachableError, SparkAuthError, SparkInterruptedError } from './errors.js';
export { InvalidRemoteError, parseRemote, redactRemote, type RemoteSpec } from './connection-string.js';
export type { RetryPolicy } from './retry.js';
