// `df.writeStream`: an immutable description of a streaming query (its sink, output mode, trigger
// and checkpoint); start() or toTable() starts it on the server (WriteStreamOperationStart) and
// returns its handle. The query then runs on the server until stopped, failed or finished.
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { WriteStreamOperationStartSchema } from '../gen/spark/connect/commands_pb.js';
import type { Relation } from '../gen/spark/connect/relations_pb.js';
import type { ExecuteOptions } from '../execute.js';
import type { Executor } from '../executor.js';
import { type StreamingQuery, streamingQuery } from '../streaming.js';
import type { OptionValue } from './reader.js';

/** append: new rows only; complete: the whole result each trigger; update: the rows that changed. */
export type OutputMode = 'append' | 'complete' | 'update';

/**
 * When triggers run: every `processingTime` (`'2 seconds'`, `'500 milliseconds'`); `availableNow`:
 * what is in the sources when the query starts, in as many triggers as their limits need, then
 * stop; `once`: one trigger, then stop. Default: the next trigger as soon as the last one ended.
 */
export type Trigger = { processingTime: string } | { availableNow: true } | { once: true };

type StartShape = MessageInitShape<typeof WriteStreamOperationStartSchema>;

interface StreamWriterSpec {
  format?: string;
  outputMode?: OutputMode;
  trigger?: Trigger;
  queryName?: string;
  options: Readonly<Record<string, string>>;
  partitionBy: readonly string[];
}

const OUTPUT_MODES: readonly OutputMode[] = ['append', 'complete', 'update'];

function triggerOf(trigger: Trigger | undefined): StartShape['trigger'] {
  if (trigger === undefined) return { case: undefined };
  if ('processingTime' in trigger) return { case: 'processingTimeInterval', value: trigger.processingTime };
  if ('availableNow' in trigger) return { case: 'availableNow', value: true };
  return { case: 'once', value: true };
}

export class DataStreamWriter {
  constructor(
    private readonly session: Executor,
    private readonly input: Relation,
    private readonly spec: StreamWriterSpec = { options: {}, partitionBy: [] },
  ) {
    Object.freeze(this);
  }

  /** The sink: 'delta', 'parquet', 'kafka', 'console', 'memory', ... */
  format(sink: string): DataStreamWriter {
    return this.with({ format: sink });
  }

  outputMode(mode: OutputMode): DataStreamWriter {
    if (!OUTPUT_MODES.includes(mode)) throw new TypeError(`unknown output mode "${mode}": use one of ${OUTPUT_MODES.join(', ')}`);
    return this.with({ outputMode: mode });
  }

  trigger(trigger: Trigger): DataStreamWriter {
    return this.with({ trigger });
  }

  /** Where the query keeps its progress (offsets, commits, state): a restart resumes from it. */
  checkpointLocation(path: string): DataStreamWriter {
    return this.option('checkpointLocation', path);
  }

  /** Names the query (`streams.active`, the Spark UI; the table name of a memory sink). */
  queryName(name: string): DataStreamWriter {
    return this.with({ queryName: name });
  }

  option(key: string, value: OptionValue): DataStreamWriter {
    return this.with({ options: { ...this.spec.options, [key]: String(value) } });
  }

  options(options: Readonly<Record<string, OptionValue>>): DataStreamWriter {
    return Object.entries(options).reduce<DataStreamWriter>((writer, [key, value]) => writer.option(key, value), this);
  }

  partitionBy(...columns: string[]): DataStreamWriter {
    return this.with({ partitionBy: columns });
  }

  /** Starts the query, writing to `path` (or where the options say). */
  start(path?: string, options: ExecuteOptions = {}): Promise<StreamingQuery> {
    return this.run(path === undefined ? { case: undefined } : { case: 'path', value: path }, options);
  }

  /** Starts the query, writing into the catalog table `table`. */
  toTable(table: string, options: ExecuteOptions = {}): Promise<StreamingQuery> {
    return this.run({ case: 'tableName', value: table }, options);
  }

  private async run(sinkDestination: StartShape['sinkDestination'], options: ExecuteOptions): Promise<StreamingQuery> {
    const { format, outputMode, trigger, queryName } = this.spec;
    const result = await this.session.executeCommand(
      {
        commandType: {
          case: 'writeStreamOperationStart',
          value: {
            input: this.input,
            format: format ?? '',
            options: { ...this.spec.options },
            partitioningColumnNames: [...this.spec.partitionBy],
            trigger: triggerOf(trigger),
            outputMode: outputMode ?? '',
            queryName: queryName ?? '',
            sinkDestination,
          },
        },
      },
      options,
    );
    const started = result.responses.find((response) => response.responseType.case === 'writeStreamOperationStartResult')?.responseType;
    if (started?.case !== 'writeStreamOperationStartResult') throw new Error('the server started the query without saying its id');
    return streamingQuery(this.session, started.value.queryId, started.value.name);
  }

  private with(change: Partial<StreamWriterSpec>): DataStreamWriter {
    return new DataStreamWriter(this.session, this.input, { ...this.spec, ...change });
  }
}
