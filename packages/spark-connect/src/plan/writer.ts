// `df.write`: an immutable description of where and how to write a DataFrame; save() or
// saveAsTable() runs it as a WriteOperation command.
import type { MessageInitShape } from '@bufbuild/protobuf';
import { WriteOperation_SaveMode, WriteOperation_SaveTable_TableSaveMethod, type WriteOperationSchema } from '../gen/spark/connect/commands_pb.js';
import type { Relation } from '../gen/spark/connect/relations_pb.js';
import type { ExecuteOptions } from '../execute.js';
import type { Executor } from '../executor.js';
import type { OptionValue } from './reader.js';

export type SaveMode = 'append' | 'overwrite' | 'error' | 'ignore';

const SAVE_MODES: Record<SaveMode, WriteOperation_SaveMode> = {
  append: WriteOperation_SaveMode.APPEND,
  overwrite: WriteOperation_SaveMode.OVERWRITE,
  error: WriteOperation_SaveMode.ERROR_IF_EXISTS,
  ignore: WriteOperation_SaveMode.IGNORE,
};

interface WriterSpec {
  format?: string;
  mode: SaveMode;
  options: Readonly<Record<string, string>>;
  partitionBy: readonly string[];
}

export class DataFrameWriter {
  constructor(
    private readonly session: Executor,
    private readonly input: Relation,
    private readonly spec: WriterSpec = { mode: 'error', options: {}, partitionBy: [] },
  ) {
    Object.freeze(this);
  }

  format(source: string): DataFrameWriter {
    return this.with({ format: source });
  }

  /** What to do when data is already there; 'error' (the default) fails. */
  mode(mode: SaveMode): DataFrameWriter {
    if (!(mode in SAVE_MODES)) throw new TypeError(`unknown save mode "${mode}": use one of ${Object.keys(SAVE_MODES).join(', ')}`);
    return this.with({ mode });
  }

  option(key: string, value: OptionValue): DataFrameWriter {
    return this.with({ options: { ...this.spec.options, [key]: String(value) } });
  }

  options(options: Readonly<Record<string, OptionValue>>): DataFrameWriter {
    return Object.entries(options).reduce<DataFrameWriter>((writer, [key, value]) => writer.option(key, value), this);
  }

  /** Lays the output out in `column=value/` directories. */
  partitionBy(...columns: string[]): DataFrameWriter {
    return this.with({ partitionBy: columns });
  }

  async save(path: string, options: ExecuteOptions = {}): Promise<void> {
    await this.run({ case: 'path', value: path }, options);
  }

  async saveAsTable(table: string, options: ExecuteOptions = {}): Promise<void> {
    await this.run({ case: 'table', value: { tableName: table, saveMethod: WriteOperation_SaveTable_TableSaveMethod.SAVE_AS_TABLE } }, options);
  }

  private async run(saveType: MessageInitShape<typeof WriteOperationSchema>['saveType'], options: ExecuteOptions): Promise<void> {
    await this.session.executeCommand(
      {
        commandType: {
          case: 'writeOperation',
          value: {
            input: this.input,
            source: this.spec.format,
            saveType,
            mode: SAVE_MODES[this.spec.mode],
            options: { ...this.spec.options },
            partitioningColumns: [...this.spec.partitionBy],
          },
        },
      },
      options,
    );
  }

  private with(change: Partial<WriterSpec>): DataFrameWriter {
    return new DataFrameWriter(this.session, this.input, { ...this.spec, ...change });
  }
}
