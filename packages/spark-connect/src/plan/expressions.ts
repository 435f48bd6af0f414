// Column expressions, built immutably: every method returns a new Column around a new Expression
// and never touches the one it started from. Operators are Spark's own function names ("==", "+",
// "and", ...), sent unresolved, so the server applies exactly the SQL semantics.
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import {
  ExpressionSchema,
  Expression_SortOrder_NullOrdering as NullOrdering,
  Expression_SortOrder_SortDirection as SortDirection,
  type Expression,
  type Expression_SortOrder,
} from '../gen/spark/connect/expressions_pb.js';
import { toLiteral, type LiteralValue } from './literals.js';

/** A Column, or a value used as a literal. */
export type ColumnOrValue = Column | LiteralValue;
/** A Column, or a column name. */
export type ColumnOrName = Column | string;

export class Column {
  private constructor(readonly expression: Expression) {
    Object.freeze(this);
  }

  /** A Column from the protocol's Expression message, for what the builders do not cover. */
  static of(init: MessageInitShape<typeof ExpressionSchema>): Column {
    return new Column(create(ExpressionSchema, init));
  }

  as(alias: string): Column {
    return Column.of({ exprType: { case: 'alias', value: { expr: this.expression, name: [alias] } } });
  }

  /** `type` as Spark SQL spells it: 'bigint', 'decimal(10,2)', 'array<string>', ... */
  cast(type: string): Column {
    return Column.of({ exprType: { case: 'cast', value: { expr: this.expression, castToType: { case: 'typeStr', value: type } } } });
  }

  /** Ascending, nulls first (Spark's default). */
  asc(): Column {
    return this.sortOrder(SortDirection.ASCENDING, NullOrdering.SORT_NULLS_FIRST);
  }

  /** Descending, nulls last (Spark's default). */
  desc(): Column {
    return this.sortOrder(SortDirection.DESCENDING, NullOrdering.SORT_NULLS_LAST);
  }

  eq(other: ColumnOrValue): Column {
    return fn('==', this, other);
  }
  neq(other: ColumnOrValue): Column {
    return fn('not', fn('==', this, other));
  }
  /** Null-safe equality (`<=>`): true when both sides are null. */
  eqNullSafe(other: ColumnOrValue): Column {
    return fn('<=>', this, other);
  }
  lt(other: ColumnOrValue): Column {
    return fn('<', this, other);
  }
  le(other: ColumnOrValue): Column {
    return fn('<=', this, other);
  }
  gt(other: ColumnOrValue): Column {
    return fn('>', this, other);
  }
  ge(other: ColumnOrValue): Column {
    return fn('>=', this, other);
  }
  plus(other: ColumnOrValue): Column {
    return fn('+', this, other);
  }
  minus(other: ColumnOrValue): Column {
    return fn('-', this, other);
  }
  times(other: ColumnOrValue): Column {
    return fn('*', this, other);
  }
  div(other: ColumnOrValue): Column {
    return fn('/', this, other);
  }
  mod(other: ColumnOrValue): Column {
    return fn('%', this, other);
  }
  and(other: ColumnOrValue): Column {
    return fn('and', this, other);
  }
  or(other: ColumnOrValue): Column {
    return fn('or', this, other);
  }
  not(): Column {
    return fn('not', this);
  }
  isNull(): Column {
    return fn('isnull', this);
  }
  isNotNull(): Column {
    return fn('isnotnull', this);
  }
  isin(...values: ColumnOrValue[]): Column {
    return fn('in', this, ...values);
  }
  like(pattern: string): Column {
    return fn('like', this, pattern);
  }


  private sortOrder(direction: SortDirection, nullOrdering: NullOrdering): Column {
    return Column.of({ exprType: { case: 'sortOrder', value: { child: this.expression, direction, nullOrdering } } });
  }
}

/** The SortOrder a column stands for in an ORDER BY: itself if it is one, else ascending. */
export function sortOrderOf(column: Column): Expression_SortOrder {
  const { exprType } = column.expression;
  if (exprType.case === 'sortOrder') return exprType.value;
  return sortOrderOf(column.asc());
}

/**
 * A column by name (`a`, `t.a`, `` `odd name` ``); `*` and `t.*` select all columns.
 * `planId` ties the name to one DataFrame's output, to tell apart same-named columns of a join.
 */
export function col(name: string, planId?: bigint): Column {
  if (name === '*' || name.endsWith('.*')) {
    const target = name === '*' ? undefined : name;
    return Column.of({ exprType: { case: 'unresolvedStar', value: { unparsedTarget: target, planId } } });
  }
  return Column.of({ exprType: { case: 'unresolvedAttribute', value: { unparsedIdentifier: name, planId } } });
}

export function lit(value: LiteralValue): Column {
  return Column.of({ exprType: { case: 'literal', value: toLiteral(value) } });
}

/** A Spark SQL expression, parsed by the server: `expr("amount * 2 AS doubled")`. */
export function expr(sql: string): Column {
  return Column.of({ exprType: { case: 'expressionString', value: { expression: sql } } });
}

/** A call of a Spark SQL function by name; arguments that are not Columns are literals. */
export function fn(name: string, ...args: ColumnOrValue[]): Column {
  return Column.of({
    exprType: { case: 'unresolvedFunction', value: { functionName: name, arguments: args.map((arg) => asColumn(arg).expression) } },
  });
}

/** Like `fn`, over distinct values: `distinctFn('count', col('user'))` is COUNT(DISTINCT user). */
export function distinctFn(name: string, ...args: ColumnOrValue[]): Column {
  return Column.of({
    exprType: {
      case: 'unresolvedFunction',
      value: { functionName: name, arguments: args.map((arg) => asColumn(arg).expression), isDistinct: true },
    },
  });
}

export function asColumn(value: ColumnOrValue): Column {
  return value instanceof Column ? value : lit(value);
}

export function columnOrName(value: ColumnOrName, planId?: bigint): Column {
  return typeof value === 'string' ? col(value, planId) : value;
}
