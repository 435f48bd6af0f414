import { describe, expect, it } from 'vitest';
import { Join_JoinType, SetOperation_SetOpType, Aggregate_GroupType, type Relation } from '../gen/spark/connect/relations_pb.js';
import { WriteOperation_SaveMode } from '../gen/spark/connect/commands_pb.js';
import type { Expression } from '../gen/spark/connect/expressions_pb.js';
import type { SparkSession } from '../session.js';
import { DataFrame } from './dataframe.js';
import { DataFrameReader } from './reader.js';
import { col, expr, fn, lit } from './expressions.js';
import * as rel from './relations.js';

/** A session stand-in that records the commands it is asked to run. */
function recordingSession() {
  const commands: unknown[] = [];
  const session = {
    executeCommand: async (command: unknown) => {
      commands.push(command);
      return { responses: [] };
    },
  } as unknown as SparkSession;
  return { session, commands };
}

const { session } = recordingSession();
const source = new DataFrame(session, rel.namedTable('sales'));

type RelType = Exclude<Relation['relType'], { case: undefined }>;
type RelValues = { [R in RelType as R['case']]: R['value'] };

/** The relation's node, checking it is of the given kind. */
function relType<K extends keyof RelValues>(relation: Relation, kind: K): RelValues[K] {
  expect(relation.relType.case).toBe(kind);
  return relation.relType.value as RelValues[K];
}

function attribute(expression: Expression | undefined): string | undefined {
  return expression?.exprType.case === 'unresolvedAttribute' ? expression.exprType.value.unparsedIdentifier : undefined;
}

describe('DataFrame transformations', () => {
  it('are immutable: each returns a new DataFrame with a new plan id over the same input', () => {
    const filtered = source.filter(col('amount').gt(10));
    expect(filtered).not.toBe(source);
    expect(Object.isFrozen(filtered)).toBe(true);
    expect(source.relation.relType.case).toBe('read');
    expect(relType(filtered.relation, 'filter').input).toBe(source.relation);
    const ids = [source, filtered, filtered.limit(1)].map((df) => df.relation.common?.planId);
    expect(new Set(ids).size).toBe(3);
    expect(ids.every((id) => typeof id === 'bigint')).toBe(true);
  });

  it('filter takes a Column or a SQL string', () => {
    const condition = relType(source.filter(col('amount').gt(10)).relation, 'filter').condition!;
    expect(condition.exprType.case).toBe('unresolvedFunction');
    const call = condition.exprType.value as Extract<Expression['exprType'], { case: 'unresolvedFunction' }>['value'];
    expect(call.functionName).toBe('>');
    expect(attribute(call.arguments[0])).toBe('amount');
    expect(call.arguments[1]?.exprType).toMatchObject({ case: 'literal', value: { literalType: { case: 'integer', value: 10 } } });

    const text = relType(source.where('amount > 10').relation, 'filter').condition!;
    expect(text.exprType).toMatchObject({ case: 'expressionString', value: { expression: 'amount > 10' } });
  });

  it('observe names its metrics over the same rows, and wants at least one', () => {
    const observed = relType(source.observe('landed', fn('max', col('ts')).as('newest'), fn('count', lit(1)).as('n')).relation, 'collectMetrics');
    expect(observed.input).toBe(source.relation);
    expect(observed.name).toBe('landed');
    expect(observed.metrics.map((metric) => metric.exprType.case)).toEqual(['alias', 'alias']);
    expect(() => source.observe('nothing')).toThrow(/at least one metric/);
  });

  it('select takes names and expressions; * becomes a star', () => {
    const project = relType(source.select('id', col('amount').times(2).as('double'), '*').relation, 'project');
    expect(attribute(project.expressions[0])).toBe('id');
    expect(project.expressions[1]?.exprType).toMatchObject({ case: 'alias', value: { name: ['double'] } });
    expect(project.expressions[2]?.exprType.case).toBe('unresolvedStar');
  });

  it('withColumns aliases each expression under its name', () => {
    const withColumns = relType(source.withColumns({ total: col('price').times(col('qty')), one: lit(1) }).relation, 'withColumns');
    expect(withColumns.aliases.map((alias) => alias.name)).toEqual([['total'], ['one']]);
    expect(withColumns.aliases[0]?.expr?.exprType).toMatchObject({ case: 'unresolvedFunction', value: { functionName: '*' } });
  });

  it('groupBy().agg() is a GROUPBY aggregate', () => {
    const aggregate = relType(source.groupBy('region').agg(fn('sum', col('amount')).as('total')).relation, 'aggregate');
    expect(aggregate.groupType).toBe(Aggregate_GroupType.GROUPBY);
    expect(attribute(aggregate.groupingExpressions[0])).toBe('region');
    expect(aggregate.aggregateExpressions[0]?.exprType).toMatchObject({ case: 'alias', value: { name: ['total'] } });
  });

  it('join by shared columns, by condition, with a join type', () => {
    const other = new DataFrame(session, rel.namedTable('regions'));
    const using = relType(source.join(other, 'region_id').relation, 'join');
    expect(using).toMatchObject({ usingColumns: ['region_id'], joinType: Join_JoinType.INNER });
    expect(using.left).toBe(source.relation);
    expect(using.right).toBe(other.relation);

    const on = relType(source.join(other, source.col('id').eq(other.col('id')), 'left_anti').relation, 'join');
    expect(on.joinType).toBe(Join_JoinType.LEFT_ANTI);
    const args = (on.joinCondition?.exprType.value as { arguments: Expression[] }).arguments;
    // Each side's column carries its DataFrame's plan id, so the server can tell them apart.
    expect(args.map((arg) => (arg.exprType.value as { planId?: bigint }).planId)).toEqual([
      source.relation.common?.planId,
      other.relation.common?.planId,
    ]);
    expect(() => source.join(other, 'id', 'sideways' as never)).toThrow(/unknown join type/);
  });

  it('union is UNION ALL by position; unionByName matches names', () => {
    const other = new DataFrame(session, rel.namedTable('more_sales'));
    expect(relType(source.union(other).relation, 'setOp')).toMatchObject({
      setOpType: SetOperation_SetOpType.UNION,
      isAll: true,
      byName: false,
    });
    expect(relType(source.unionByName(other, { allowMissingColumns: true }).relation, 'setOp')).toMatchObject({
      byName: true,
      allowMissingColumns: true,
    });
  });

  it('orderBy sorts ascending by default, descending on request; limit caps', () => {
    const sort = relType(source.orderBy('day', col('amount').desc()).relation, 'sort');
    expect(sort.isGlobal).toBe(true);
    expect(sort.order.map((order) => [attribute(order.child), order.direction, order.nullOrdering])).toEqual([
      ['day', 1, 1],
      ['amount', 2, 2],
    ]);
    expect(relType(source.limit(5).relation, 'limit').limit).toBe(5);
  });
});

describe('expressions', () => {
  it('cast, expr and distinct functions', () => {
    expect(col('x').cast('decimal(10,2)').expression.exprType).toMatchObject({
      case: 'cast',
      value: { castToType: { case: 'typeStr', value: 'decimal(10,2)' } },
    });
    expect(expr('a + 1').expression.exprType).toMatchObject({ case: 'expressionString', value: { expression: 'a + 1' } });
    expect(col('a').neq(1).expression.exprType).toMatchObject({ case: 'unresolvedFunction', value: { functionName: 'not' } });
    expect(col('a').and(col('b')).expression.exprType).toMatchObject({ value: { functionName: 'and' } });
  });

  it('literals follow the JavaScript value', () => {
    const literal = (value: Parameters<typeof lit>[0]) => (lit(value).expression.exprType.value as { literalType: unknown }).literalType;
    expect(literal(1)).toEqual({ case: 'integer', value: 1 });
    expect(literal(2 ** 40)).toEqual({ case: 'long', value: 2n ** 40n });
    expect(literal(12345678901234567890n)).toEqual({ case: 'long', value: 12345678901234567890n });
    expect(literal(1.5)).toEqual({ case: 'double', value: 1.5 });
    expect(literal('x')).toEqual({ case: 'string', value: 'x' });
    expect(literal(true)).toEqual({ case: 'boolean', value: true });
    expect(literal(new Date('2024-01-01T00:00:00.001Z'))).toEqual({ case: 'timestamp', value: 1_704_067_200_001_000n });
    expect(literal(null)).toMatchObject({ case: 'null', value: { kind: { case: 'null' } } });
    expect(literal([1, 2])).toMatchObject({
      case: 'array',
      value: { elements: [{ literalType: { case: 'integer' } }, { literalType: { case: 'integer' } }], elementType: { kind: { case: 'integer' } } },
    });
  });
});

describe('SQL with parameters', () => {
  it('sends named and positional arguments as literal expressions, never in the text', () => {
    const named = relType(rel.sqlQuery('SELECT * FROM t WHERE id = :id AND day = :day', { id: 7, day: '2024-01-01' }), 'sql');
    expect(named.query).toBe('SELECT * FROM t WHERE id = :id AND day = :day');
    expect(Object.keys(named.namedArguments)).toEqual(['id', 'day']);
    expect(named.namedArguments.id?.exprType).toMatchObject({ case: 'literal', value: { literalType: { case: 'integer', value: 7 } } });

    const positional = relType(rel.sqlQuery('SELECT ?', ["it's"]), 'sql');
    expect(positional.posArguments[0]?.exprType).toMatchObject({ value: { literalType: { case: 'string', value: "it's" } } });
  });
});

describe('reader', () => {
  it('describes a data source: format, schema, options and paths', () => {
    const df = new DataFrameReader(session).format('csv').schema('id BIGINT, name STRING').option('header', true).options({ sep: ';' }).load('/a', '/b');
    const read = relType(df.relation, 'read');
    expect(read.readType).toMatchObject({
      case: 'dataSource',
      value: { format: 'csv', schema: 'id BIGINT, name STRING', options: { header: 'true', sep: ';' }, paths: ['/a', '/b'] },
    });
    expect(relType(new DataFrameReader(session).table('db.t').relation, 'read').readType).toMatchObject({
      case: 'namedTable',
      value: { unparsedIdentifier: 'db.t' },
    });
  });
});

describe('writer and views', () => {
  it('write.save runs a WriteOperation command', async () => {
    const { session: recording, commands } = recordingSession();
    const df = new DataFrame(recording, rel.namedTable('sales'));
    const writer = df.write.format('parquet').mode('overwrite').option('compression', 'zstd').partitionBy('day');
    expect(df.write).not.toBe(writer);
    await writer.save('hdfs://nn/lake/silver/sales');
    expect(commands).toEqual([
      {
        commandType: {
          case: 'writeOperation',
          value: {
            input: df.relation,
            source: 'parquet',
            saveType: { case: 'path', value: 'hdfs://nn/lake/silver/sales' },
            mode: WriteOperation_SaveMode.OVERWRITE,
            options: { compression: 'zstd' },
            partitioningColumns: ['day'],
          },
        },
      },
    ]);
    expect(() => df.write.mode('sometimes' as never)).toThrow(/unknown save mode/);
  });

  it('createOrReplaceTempView runs a CreateDataFrameViewCommand', async () => {
    const { session: recording, commands } = recordingSession();
    const df = new DataFrame(recording, rel.namedTable('sales'));
    await df.createOrReplaceTempView('silver_sales');
    await df.createTempView('other');
    expect(commands).toEqual([
      { commandType: { case: 'createDataframeView', value: { input: df.relation, name: 'silver_sales', isGlobal: false, replace: true } } },
      { commandType: { case: 'createDataframeView', value: { input: df.relation, name: 'other', isGlobal: false, replace: false } } },
    ]);
  });
});
