// A DataFrame: an immutable logical plan bound to the session that runs it. Transformations return
// new DataFrames and send nothing; actions (rows, collect, count, write...) execute the plan.
import { create } from '@bufbuild/protobuf';
import type { RecordBatch } from 'apache-arrow';
import { PlanSchema, type ExecutePlanResponse_Metrics, type Plan } from '../gen/spark/connect/base_pb.js';
import type { Relation } from '../gen/spark/connect/relations_pb.js';
import type { DataType } from '../gen/spark/connect/types_pb.js';
import { decodeArrowBatches, rowsOf, type Row } from '../arrow.js';
import { RowStream } from '../row-stream.js';
import type { ExecuteOptions } from '../execute.js';
import type { Executor, ExplainMode } from '../executor.js';
import { col, columnOrName, expr, fn, lit, type Column, type ColumnOrName } from './expressions.js';
import * as rel from './relations.js';
import { DataFrameWriter } from './writer.js';
import { DataStreamWriter } from './stream-writer.js';

export interface QueryOptions extends ExecuteOptions {
  /** Server-side execution metrics of the plan's nodes, sent once the result is complete. */
  onMetrics?: (metrics: ExecutePlanResponse_Metrics) => void;
}

export class DataFrame {
  constructor(
    private readonly executor: Executor,
    readonly relation: Relation,
  ) {
    Object.freeze(this);
  }

  get plan(): Plan {
    return create(PlanSchema, { opType: { case: 'root', value: this.relation } });
  }

  /** A column of this DataFrame specifically, to tell apart same-named columns after a join. */
  col(name: string): Column {
    return col(name, rel.planIdOf(this.relation));
  }

  // ---- transformations ----

  /** Rows where `condition` holds; a string is a SQL expression (`"amount > 10"`). */
  filter(condition: Column | string): DataFrame {
    return this.derive(rel.filter(this.relation, typeof condition === 'string' ? expr(condition) : condition));
  }

  /**
   * The same rows, with named aggregates computed on them as they pass (`max(col('ts')).as('newest')`):
   * a streaming query reports them in each trigger's progress, under `observedMetrics[name]`.
   */
  observe(name: string, ...metrics: Column[]): DataFrame {
    if (metrics.length === 0) throw new TypeError('observe needs at least one metric');
    return this.derive(rel.collectMetrics(this.relation, name, metrics));
  }

  where(condition: Column | string): DataFrame {
    return this.filter(condition);
  }

  /** Strings are column names (`'*'` for all); use `expr()` for SQL expressions. */
  select(...columns: ColumnOrName[]): DataFrame {
    return this.derive(rel.project(this.relation, columns.map((column) => columnOrName(column))));
  }

  /** Adds or replaces columns: `withColumns({ total: col('price').times(col('qty')) })`. */
  withColumns(columns: Readonly<Record<string, Column>>): DataFrame {
    return this.derive(rel.withColumns(this.relation, columns));
  }

  withColumn(name: string, column: Column): DataFrame {
    return this.withColumns({ [name]: column });
  }

  drop(...columnNames: string[]): DataFrame {
    return this.derive(rel.drop(this.relation, columnNames));
  }

  groupBy(...columns: ColumnOrName[]): GroupedData {
    return new GroupedData(this.executor, this.relation, columns.map((column) => columnOrName(column)));
  }

  /** Aggregates over all rows: `df.agg(fn('sum', col('amount')).as('total'))`. */
  agg(...aggregates: Column[]): DataFrame {
    return this.groupBy().agg(...aggregates);
  }

  /**
   * Joins with `other`. `on` is a column name or names present on both sides (USING, one output
   * column each) or a condition (`a.col('id').eq(b.col('id'))`); no `on` is a cross product.
   */
  join(other: DataFrame, on?: string | readonly string[] | Column, how: rel.JoinType = 'inner'): DataFrame {
    const condition = typeof on === 'string' ? [on] : on;
    return this.derive(rel.join(this.relation, other.relation, condition, how));
  }

  /** UNION ALL, matching columns by position (as SQL does). */
  union(other: DataFrame): DataFrame {
    return this.derive(rel.union(this.relation, other.relation, { byName: false }));
  }

  /** UNION ALL, matching columns by name; missing ones become null when `allowMissingColumns`. */
  unionByName(other: DataFrame, options: { allowMissingColumns?: boolean } = {}): DataFrame {
    return this.derive(rel.union(this.relation, other.relation, { byName: true, ...options }));
  }

  /** Strings are column names, ascending; use `col('x').desc()` for descending. */
  orderBy(...columns: ColumnOrName[]): DataFrame {
    return this.derive(rel.sort(this.relation, columns.map((column) => columnOrName(column))));
  }

  sort(...columns: ColumnOrName[]): DataFrame {
    return this.orderBy(...columns);
  }

  limit(count: number): DataFrame {
    return this.derive(rel.limit(this.relation, count));
  }

  distinct(): DataFrame {
    return this.derive(rel.distinct(this.relation));
  }

  /** Names this DataFrame, so SQL expressions can qualify its columns (`alias.column`). */
  alias(name: string): DataFrame {
    return this.derive(rel.alias(this.relation, name));
  }

  // ---- actions ----

  /** The result as Arrow record batches, streamed as they arrive. */
  async *batches(options: QueryOptions = {}): AsyncGenerator<RecordBatch> {
    for await (const response of this.executor.execute(this.plan, options)) {
      if (response.metrics) options.onMetrics?.(response.metrics);
      if (response.responseType.case === 'arrowBatch') yield* decodeArrowBatches(response.responseType.value.data);
    }
  }

  /**
   * The result row by row, streamed: only the batch being read is in memory. See arrow.ts for how
   * Spark types map to JavaScript values; `T` is an unchecked claim about the row shape.
   */
  rows<T extends Row = Row>(options: QueryOptions = {}): RowStream<T> {
    return new RowStream<T>(this.batches(options));
  }

  /** The whole result in memory: for small results. */
  async collect<T extends Row = Row>(options: QueryOptions = {}): Promise<T[]> {
    const rows: T[] = [];
    for await (const batch of this.batches(options)) for (const row of rowsOf(batch)) rows.push(row as T);
    return rows;
  }

  async count(options: QueryOptions = {}): Promise<bigint> {
    const [row] = await this.agg(fn('count', lit(1)).as('count')).collect<{ count: bigint }>(options);
    return row?.count ?? 0n;
  }

  /** The result schema, as the server resolves it (no job runs). */
  schema(): Promise<DataType> {
    return this.executor.schema(this.plan);
  }

  explain(mode: ExplainMode = 'simple'): Promise<string> {
    return this.executor.explain(this.plan, mode);
  }

  get write(): DataFrameWriter {
    return new DataFrameWriter(this.executor, this.relation);
  }

  /** How to run this DataFrame (one from `session.readStream`) as a streaming query. */
  get writeStream(): DataStreamWriter {
    return new DataStreamWriter(this.executor, this.relation);
  }

  /**
   * Computes the DataFrame now and keeps its rows on the executors (in memory, spilling to disk)
   * while the session lives; returns a DataFrame that reads them. Its plan is a leaf, so what is
   * built on it is analyzed and planned as over a table, however long the plan it came from.
   * Spark's `localCheckpoint`: not replicated, so a lost executor loses the rows (a query over
   * them then fails). They are freed when the session ends.
   */
  async localCheckpoint(options: ExecuteOptions = {}): Promise<DataFrame> {
    const result = await this.executor.executeCommand({ commandType: { case: 'checkpointCommand', value: { relation: this.relation, local: true, eager: true } } }, options);
    const response = result.responses.find((candidate) => candidate.responseType.case === 'checkpointCommandResult')?.responseType;
    const cached = response?.case === 'checkpointCommandResult' ? response.value.relation : undefined;
    if (!cached) throw new Error('the server answered the checkpoint without the relation it cached');
    return this.derive(rel.relation({ case: 'cachedRemoteRelation', value: cached }));
  }

  /** Registers the DataFrame as a temporary view of the session, replacing any of that name. */
  async createOrReplaceTempView(name: string, options: ExecuteOptions = {}): Promise<void> {
    await this.createView(name, true, options);
  }

  /** Registers the DataFrame as a temporary view; fails if the name is taken. */
  async createTempView(name: string, options: ExecuteOptions = {}): Promise<void> {
    await this.createView(name, false, options);
  }

  private async createView(name: string, replace: boolean, options: ExecuteOptions): Promise<void> {
    await this.executor.executeCommand(
      { commandType: { case: 'createDataframeView', value: { input: this.relation, name, isGlobal: false, replace } } },
      options,
    );
  }

  private derive(relation: Relation): DataFrame {
    return new DataFrame(this.executor, relation);
  }
}

/** The result of `groupBy`: a DataFrame once its aggregates are given. */
export class GroupedData {
  constructor(
    private readonly executor: Executor,
    private readonly source: Relation,
    private readonly grouping: readonly Column[],
  ) {
    Object.freeze(this);
  }

  agg(...aggregates: Column[]): DataFrame {
    return new DataFrame(this.executor, rel.aggregate(this.source, this.grouping, aggregates));
  }

  /** Rows per group, in a column named `count`. */
  count(): DataFrame {
    return this.agg(fn('count', lit(1)).as('count'));
  }
}
