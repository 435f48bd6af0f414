// Relations (logical plan nodes) as Spark Connect protobuf. Every relation built here gets a plan
// id unique in this process, which the server uses to resolve a column reference to the DataFrame
// it was taken from (`left.col('id')` vs `right.col('id')` in a self-join).
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import {
  Aggregate_GroupType,
  Join_JoinType,
  RelationSchema,
  SetOperation_SetOpType,
  type Relation,
} from '../gen/spark/connect/relations_pb.js';
import type { Expression } from '../gen/spark/connect/expressions_pb.js';
import type { LiteralValue } from './literals.js';
import { lit, sortOrderOf, type Column } from './expressions.js';

type RelType = MessageInitShape<typeof RelationSchema>['relType'];

let lastPlanId = 0n;

export function relation(relType: RelType): Relation {
  return create(RelationSchema, { common: { planId: ++lastPlanId }, relType });
}

export function planIdOf(rel: Relation): bigint | undefined {
  return rel.common?.planId;
}

/**
 * A SQL query; `args` fill its parameters, by name (`:name`, from an object) or by position
 * (`?`, from an array). They travel as literal expressions, never spliced into the text.
 */
export function sqlQuery(query: string, args?: Readonly<Record<string, LiteralValue>> | readonly LiteralValue[]): Relation {
  const toExpression = (value: LiteralValue) => lit(value).expression;
  if (Array.isArray(args)) return relation({ case: 'sql', value: { query, posArguments: args.map(toExpression) } });
  const named = Object.fromEntries(Object.entries(args ?? {}).map(([name, value]) => [name, toExpression(value as LiteralValue)]));
  return relation({ case: 'sql', value: { query, namedArguments: named } });
}

export function range(start: bigint, end: bigint, step: bigint, numPartitions?: number): Relation {
  return relation({ case: 'range', value: { start, end, step, numPartitions } });
}

/** A table of the catalog; `isStreaming`: read as a stream (each trigger reads what is new). */
export function namedTable(name: string, options: Readonly<Record<string, string>> = {}, isStreaming = false): Relation {
  return relation({ case: 'read', value: { readType: { case: 'namedTable', value: { unparsedIdentifier: name, options } }, isStreaming } });
}

export interface DataSourceSpec {
  format?: string;
  /** DDL, e.g. `id BIGINT, name STRING`; inferred by the source when absent. */
  schema?: string;
  options: Readonly<Record<string, string>>;
  paths: readonly string[];
}

/** A data source; `isStreaming`: read as a stream (each trigger reads what is new). */
export function dataSource(spec: DataSourceSpec, isStreaming = false): Relation {
  return relation({
    case: 'read',
    value: {
      readType: {
        case: 'dataSource',
        value: { format: spec.format, schema: spec.schema, options: { ...spec.options }, paths: [...spec.paths] },
      },
      isStreaming,
    },
  });
}

export function project(input: Relation, columns: readonly Column[]): Relation {
  return relation({ case: 'project', value: { input, expressions: columns.map((column) => column.expression) } });
}

export function collectMetrics(input: Relation, name: string, metrics: readonly Column[]): Relation {
  return relation({ case: 'collectMetrics', value: { input, name, metrics: metrics.map((metric) => metric.expression) } });
}

export function filter(input: Relation, condition: Column): Relation {
  return relation({ case: 'filter', value: { input, condition: condition.expression } });
}

export function withColumns(input: Relation, columns: Readonly<Record<string, Column>>): Relation {
  const aliases = Object.entries(columns).map(([name, column]) => ({ expr: column.expression, name: [name] }));
  return relation({ case: 'withColumns', value: { input, aliases } });
}

export function drop(input: Relation, columnNames: readonly string[]): Relation {
  return relation({ case: 'drop', value: { input, columnNames: [...columnNames] } });
}

export function aggregate(input: Relation, grouping: readonly Column[], aggregates: readonly Column[]): Relation {
  return relation({
    case: 'aggregate',
    value: {
      input,
      groupType: Aggregate_GroupType.GROUPBY,
      groupingExpressions: grouping.map((column) => column.expression),
      aggregateExpressions: aggregates.map((column) => column.expression),
    },
  });
}

export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'left_semi' | 'left_anti' | 'cross';

const JOIN_TYPES: Record<JoinType, Join_JoinType> = {
  inner: Join_JoinType.INNER,
  left: Join_JoinType.LEFT_OUTER,
  right: Join_JoinType.RIGHT_OUTER,
  full: Join_JoinType.FULL_OUTER,
  left_semi: Join_JoinType.LEFT_SEMI,
  left_anti: Join_JoinType.LEFT_ANTI,
  cross: Join_JoinType.CROSS,
};

/** `on` is either the names of columns both sides share (USING) or a join condition. */
export function join(left: Relation, right: Relation, on: readonly string[] | Column | undefined, how: JoinType): Relation {
  const joinType = JOIN_TYPES[how];
  if (joinType === undefined) throw new TypeError(`unknown join type "${how}": use one of ${Object.keys(JOIN_TYPES).join(', ')}`);
  const condition: Partial<{ joinCondition: Expression; usingColumns: string[] }> =
    on === undefined ? {} : Array.isArray(on) ? { usingColumns: [...(on as readonly string[])] } : { joinCondition: (on as Column).expression };
  return relation({ case: 'join', value: { left, right, joinType, ...condition } });
}

export function union(left: Relation, right: Relation, options: { byName: boolean; allowMissingColumns?: boolean }): Relation {
  return relation({
    case: 'setOp',
    value: {
      leftInput: left,
      rightInput: right,
      setOpType: SetOperation_SetOpType.UNION,
      isAll: true,
      byName: options.byName,
      allowMissingColumns: options.allowMissingColumns ?? false,
    },
  });
}

export function sort(input: Relation, order: readonly Column[]): Relation {
  return relation({ case: 'sort', value: { input, order: order.map(sortOrderOf), isGlobal: true } });
}

export function limit(input: Relation, count: number): Relation {
  return relation({ case: 'limit', value: { input, limit: count } });
}

export function distinct(input: Relation): Relation {
  return relation({ case: 'deduplicate', value: { input, allColumnsAsKeys: true } });
}

export function alias(input: Relation, name: string): Relation {
  return relation({ case: 'subqueryAlias', value: { input, alias: name } });
}
