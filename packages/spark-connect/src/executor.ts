// What the DataFrame, reader, writer and streaming builders need to run what they build: executing
// a plan or a command, and analyzing a plan. SparkSession implements it; the builders see only this
// interface (as spark-connect-go's `sql` package sees only its client interface), so the plan
// modules never import the session.
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { ExecutePlanResponse, Plan } from './gen/spark/connect/base_pb.js';
import type { CommandSchema } from './gen/spark/connect/commands_pb.js';
import type { Relation } from './gen/spark/connect/relations_pb.js';
import type { DataType } from './gen/spark/connect/types_pb.js';
import type { ExecuteOptions } from './execute.js';

export type ExplainMode = 'simple' | 'extended' | 'codegen' | 'cost' | 'formatted';

/** A command, as the protocol's Command message (`{ commandType: { case, value } }`). */
export type CommandInit = MessageInitShape<typeof CommandSchema>;

export interface CommandResult {
  /** For SQL: the relation the statement stands for (its rows, for a command already run). */
  relation?: Relation;
  responses: ExecutePlanResponse[];
}

export interface Executor {
  /** Executes a plan, streaming its responses in order (reattaching and releasing as needed). */
  execute(plan: Plan, options?: ExecuteOptions): AsyncGenerator<ExecutePlanResponse>;
  /** Runs a command to completion. */
  executeCommand(command: CommandInit, options?: ExecuteOptions): Promise<CommandResult>;
  /** The schema of `plan`'s result, resolved by the server without running it. */
  schema(plan: Plan): Promise<DataType>;
  /** The server's plans for `plan`, as text. */
  explain(plan: Plan, mode?: ExplainMode): Promise<string>;
}
