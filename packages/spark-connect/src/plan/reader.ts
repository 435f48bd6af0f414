// `session.read` and `session.readStream`: an immutable description of a data source, turned into a
// DataFrame by load(). A stream's DataFrame is read trigger by trigger once written with
// `df.writeStream` (plan/stream-writer.ts); each trigger reads what is new in the source.
import type { Executor } from '../executor.js';
import { DataFrame } from './dataframe.js';
import * as rel from './relations.js';

export type OptionValue = string | number | boolean;

interface ReaderSpec {
  streaming?: boolean;
  format?: string;
  schema?: string;
  options: Readonly<Record<string, string>>;
}

export class DataFrameReader {
  constructor(
    private readonly session: Executor,
    private readonly spec: ReaderSpec = { options: {} },
  ) {
    Object.freeze(this);
  }

  /** 'parquet', 'csv', 'json', 'orc', 'text', ... (Spark's default source when not set: parquet). */
  format(source: string): DataFrameReader {
    return this.with({ format: source });
  }

  /** The schema as DDL (`id BIGINT, name STRING`), instead of letting the source infer it. */
  schema(ddl: string): DataFrameReader {
    return this.with({ schema: ddl });
  }

  option(key: string, value: OptionValue): DataFrameReader {
    return this.with({ options: { ...this.spec.options, [key]: String(value) } });
  }

  options(options: Readonly<Record<string, OptionValue>>): DataFrameReader {
    return Object.entries(options).reduce<DataFrameReader>((reader, [key, value]) => reader.option(key, value), this);
  }

  /** Whether load() and table() read as a stream (`session.readStream`). */
  get isStreaming(): boolean {
    return this.spec.streaming ?? false;
  }

  load(...paths: string[]): DataFrame {
    const { format, schema, options } = this.spec;
    return new DataFrame(this.session, rel.dataSource({ format, schema, options, paths }, this.isStreaming));
  }

  parquet(...paths: string[]): DataFrame {
    return this.format('parquet').load(...paths);
  }

  csv(...paths: string[]): DataFrame {
    return this.format('csv').load(...paths);
  }

  json(...paths: string[]): DataFrame {
    return this.format('json').load(...paths);
  }

  /** A table or view of the catalog. */
  table(name: string): DataFrame {
    return new DataFrame(this.session, rel.namedTable(name, this.spec.options, this.isStreaming));
  }

  private with(change: Partial<ReaderSpec>): DataFrameReader {
    return new DataFrameReader(this.session, { ...this.spec, ...change });
  }
}
