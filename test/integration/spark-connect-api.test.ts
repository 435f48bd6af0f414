// @lake/spark-connect's public API against the real Spark Connect server, method by method: what
// spark-client.test.ts and spark-streaming.test.ts do not already run. Expected values are written
// out by hand (or follow from the input by arithmetic), never computed with the client. Every path
// and table is unique to the run, so the file can run beside others on the shared stack.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Column,
  SparkError,
  SparkSession,
  col,
  decodeArrowBatches,
  distinctFn,
  expr,
  fn,
  lit,
  parseRemote,
  rowsOf,
  tuplesOf,
  type DataFrame,
  type StreamingQuery,
} from '@lake/spark-connect';
import { loadConfig } from '../../control/config.js';
import { WebHdfs, hdfsPath } from '../../control/hdfs/webhdfs.js';

const config = loadConfig();
const remote = config.sparkRemote;
const run = randomUUID().slice(0, 8);
const testRoot = `${config.lakeRoot}/_test/spark-connect-api-${run}`;
const tables = { saved: `sc_api_saved_${run}`, streamed: `sc_api_streamed_${run}` };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let spark: SparkSession;
const queries: StreamingQuery[] = [];

beforeAll(async () => {
  spark = await SparkSession.connect(remote);
});

afterAll(async () => {
  for (const query of queries) await query.stop().catch(() => undefined);
  for (const table of Object.values(tables)) await spark?.sql(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
  await spark?.close();
  await new WebHdfs(config.webHdfs).delete(hdfsPath(testRoot), true);
});

const people = () => spark.sql("SELECT * FROM VALUES (1, 'ann', 2.5D), (2, 'bob', NULL) AS t(id, name, score)");

describe('@lake/spark-connect against Spark Connect', () => {
  it('connects: the session id (its own or the address’s), the address without secrets, the version; close ends the session', async () => {
    const { host, port } = parseRemote(remote);
    const sessionId = randomUUID();
    const address = `${remote}${remote.includes('/;') ? '' : '/'};session_id=${sessionId}`;
    const own = await SparkSession.connect(address);
    expect(own.sessionId).toBe(sessionId);
    expect(own.remote).toBe(`sc://${host}:${port}`);
    expect(await own.version()).toBe('4.2.0');
    expect(spark.sessionId).toMatch(UUID);
    expect(spark.sessionId).not.toBe(sessionId);

    await own.range(0, 1).createOrReplaceTempView('only_in_own');
    expect(await (await own.sql('SELECT count(*) AS n FROM only_in_own')).collect()).toEqual([{ n: 1n }]);
    // Another session does not see it: temp views belong to their session.
    await expect(spark.sql('SELECT * FROM only_in_own')).rejects.toMatchObject({ errorClass: 'TABLE_OR_VIEW_NOT_FOUND' });
    await own.close();
    await expect(own.range(0, 1).collect()).rejects.toThrow('this SparkSession is closed');
  });

  it('joins on a condition and on shared columns, in every join type, and a cross product', async () => {
    const left = await spark.sql("SELECT * FROM VALUES (1, 'a'), (2, 'b'), (3, 'c') AS l(id, l)");
    const right = await spark.sql("SELECT * FROM VALUES (2, 'x'), (3, 'y'), (4, 'z') AS r(id, r)");

    const onCondition = left.join(right, left.col('id').eq(right.col('id'))).select(left.col('id'), col('l'), col('r')).orderBy('id');
    expect(await onCondition.collect()).toEqual([
      { id: 2, l: 'b', r: 'x' },
      { id: 3, l: 'c', r: 'y' },
    ]);
    const using = (how: Parameters<DataFrame['join']>[2]) => left.join(right, ['id'], how).orderBy('id').collect();
    expect(await using('inner')).toEqual([
      { id: 2, l: 'b', r: 'x' },
      { id: 3, l: 'c', r: 'y' },
    ]);
    expect(await using('left')).toEqual([
      { id: 1, l: 'a', r: null },
      { id: 2, l: 'b', r: 'x' },
      { id: 3, l: 'c', r: 'y' },
    ]);
    expect(await using('right')).toEqual([
      { id: 2, l: 'b', r: 'x' },
      { id: 3, l: 'c', r: 'y' },
      { id: 4, l: null, r: 'z' },
    ]);
    expect(await using('full')).toEqual([
      { id: 1, l: 'a', r: null },
      { id: 2, l: 'b', r: 'x' },
      { id: 3, l: 'c', r: 'y' },
      { id: 4, l: null, r: 'z' },
    ]);
    expect(await using('left_semi')).toEqual([
      { id: 2, l: 'b' },
      { id: 3, l: 'c' },
    ]);
    expect(await using('left_anti')).toEqual([{ id: 1, l: 'a' }]);
    expect(await left.join(right).count()).toBe(9n);
    expect(await left.join(right, undefined, 'cross').count()).toBe(9n);
  });

  it('tells apart the two sides of a self-join by alias and by df.col', async () => {
    const staff = await spark.sql("SELECT * FROM VALUES (1, 'ann', NULL), (2, 'bob', 1), (3, 'cid', 2) AS p(id, name, manager)");
    const workers = staff.alias('workers');
    const bosses = staff.alias('bosses');
    const byCol = workers.join(bosses, workers.col('manager').eq(bosses.col('id'))).select(workers.col('name').as('name'), bosses.col('name').as('boss'));
    expect(await byCol.orderBy('name').collect()).toEqual([
      { name: 'bob', boss: 'ann' },
      { name: 'cid', boss: 'bob' },
    ]);
    const byAlias = workers.join(bosses, expr('workers.manager = bosses.id'), 'left').select(expr('workers.name AS name'), expr('bosses.name AS boss'));
    expect(await byAlias.orderBy('name').collect()).toEqual([
      { name: 'ann', boss: null },
      { name: 'bob', boss: 'ann' },
      { name: 'cid', boss: 'bob' },
    ]);
  });

  it('groups and aggregates: groupBy().count(), agg over all rows, distinct aggregates', async () => {
    const parity = spark.range(0, 10).withColumn('parity', col('id').mod(2));
    expect(await parity.groupBy('parity').count().orderBy('parity').collect()).toEqual([
      { parity: 0n, count: 5n },
      { parity: 1n, count: 5n },
    ]);
    expect(await parity.groupBy(col('parity')).agg(fn('sum', col('id')).as('total')).orderBy(col('parity').asc()).collect()).toEqual([
      { parity: 0n, total: 20n }, // 0 + 2 + 4 + 6 + 8
      { parity: 1n, total: 25n }, // 1 + 3 + 5 + 7 + 9
    ]);
    // 1..100: sum 5050, max 100, and seven distinct remainders modulo 7.
    expect(await spark.range(1, 101).agg(fn('sum', col('id')).as('s'), fn('max', col('id')).as('m'), distinctFn('count', col('id').mod(7)).as('d')).collect()).toEqual([
      { s: 5050n, m: 100n, d: 7n },
    ]);
  });

  it('transforms: where, drop, withColumn, distinct, sort, limit, range with a step and partitions', async () => {
    const remainders = spark.range(0, 20).withColumn('r', col('id').mod(4)).where('id >= 10').drop('id').distinct().sort(col('r').desc());
    expect(await remainders.collect()).toEqual([{ r: 3n }, { r: 2n }, { r: 1n }, { r: 0n }]);
    expect(await spark.range(10, 0, -3, 2).collect()).toEqual([{ id: 10n }, { id: 7n }, { id: 4n }, { id: 1n }]);
    expect(await spark.range(0, 100).where(col('id').ge(95)).sort('id').limit(2).collect()).toEqual([{ id: 95n }, { id: 96n }]);
  });

  it("evaluates every Column operator with Spark's SQL semantics", async () => {
    const [row] = await spark
      .range(6, 7)
      .select(
        col('id').plus(1).as('plus'),
        col('id').minus(1).as('minus'),
        col('id').times(2).as('times'),
        col('id').div(4).as('div'),
        col('id').mod(4).as('mod'),
        col('id').eq(6).as('eq'),
        col('id').neq(6).as('neq'),
        col('id').lt(7).as('lt'),
        col('id').le(6).as('le'),
        col('id').gt(6).as('gt'),
        col('id').ge(7).as('ge'),
        col('id').gt(1).and(col('id').lt(3)).as('and'),
        col('id').gt(1).or(col('id').lt(3)).as('or'),
        col('id').eq(6).not().as('not'),
        lit(null).isNull().as('is_null'),
        col('id').isNotNull().as('is_not_null'),
        col('id').isin(1, 6, 9).as('isin'),
        lit('spark').like('sp%').as('like'),
        lit(null).eqNullSafe(lit(null)).as('null_safe'),
        lit(null).eq(lit(null)).as('null_eq'),
        col('id').cast('string').as('text'),
        expr('id * 10').as('sql'),
        lit(2n ** 62n).as('big'),
        lit(new Date('2024-05-06T07:08:09.010Z')).as('ts'),
        Column.of({ exprType: { case: 'unresolvedAttribute', value: { unparsedIdentifier: 'id' } } }).as('raw'),
      )
      .collect();
    expect(row).toEqual({
      plus: 7n,
      minus: 5n,
      times: 12n,
      div: 1.5,
      mod: 2n,
      eq: true,
      neq: false,
      lt: true,
      le: true,
      gt: false,
      ge: false,
      and: false,
      or: true,
      not: false,
      is_null: true,
      is_not_null: true,
      isin: true,
      like: true,
      null_safe: true,
      null_eq: null,
      text: '6',
      sql: 60n,
      big: 4611686018427387904n,
      ts: new Date('2024-05-06T07:08:09.010Z'),
      raw: 6n,
    });
  });

  it('unions by position and by name, missing columns as null when allowed', async () => {
    const a = await spark.sql("SELECT 1 AS x, 'a' AS y");
    const b = await spark.sql("SELECT 'b' AS y, 2 AS x");
    const c = await spark.sql('SELECT 3 AS x');
    expect(await a.unionByName(b).orderBy('x').collect()).toEqual([
      { x: 1, y: 'a' },
      { x: 2, y: 'b' },
    ]);
    expect(await a.unionByName(c, { allowMissingColumns: true }).orderBy('x').collect()).toEqual([
      { x: 1, y: 'a' },
      { x: 3, y: null },
    ]);
    expect(await a.union(await spark.sql("SELECT 5 AS p, 'e' AS q")).orderBy('x').collect()).toEqual([
      { x: 1, y: 'a' },
      { x: 5, y: 'e' },
    ]);
  });

  it('analyzes without running: the schema of each field, and explain in every mode', async () => {
    const df = await spark.sql("SELECT 1 AS i, 'a' AS s, CAST(1.5 AS DECIMAL(5,2)) AS d, CAST(NULL AS BIGINT) AS n");
    const schema = await df.schema();
    expect(schema).toEqual(await spark.schema(df.plan));
    const fields = schema.kind.case === 'struct' ? schema.kind.value.fields : [];
    expect(fields.map((field) => ({ name: field.name, type: field.dataType?.kind.case, nullable: field.nullable }))).toEqual([
      { name: 'i', type: 'integer', nullable: false },
      { name: 's', type: 'string', nullable: false },
      { name: 'd', type: 'decimal', nullable: false },
      { name: 'n', type: 'long', nullable: true },
    ]);
    const decimal = fields[2]?.dataType?.kind;
    expect(decimal?.case === 'decimal' ? [decimal.value.precision, decimal.value.scale] : []).toEqual([5, 2]);

    const filtered = spark.range(0, 1000).filter(col('id').gt(10));
    expect(await filtered.explain()).toMatch(/^== Physical Plan ==/);
    const extended = await filtered.explain('extended');
    for (const part of ['== Parsed Logical Plan ==', '== Analyzed Logical Plan ==', '== Optimized Logical Plan ==', '== Physical Plan ==']) expect(extended).toContain(part);
    expect(await filtered.explain('codegen')).toMatch(/Found \d+ WholeStageCodegen subtrees/);
    expect(await filtered.explain('cost')).toContain('Statistics(sizeInBytes=');
    expect(await filtered.explain('formatted')).toMatch(/\(1\) Range/);
    expect(await spark.explain(filtered.plan, 'simple')).toBe(await filtered.explain());
  });

  it('interrupts every operation of a session, or one by its operation id; an idle session has nothing to interrupt', async () => {
    const own = await SparkSession.connect(remote);
    try {
      const endless = () => own.sql('SELECT count(*) AS n FROM range(0, 100000000000000, 1, 2)');
      const first = (await endless()).collect().catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await own.interruptAll()).toHaveLength(1);
      expect(await first).toMatchObject({ errorClass: 'OPERATION_CANCELED' });

      const operationId = randomUUID();
      const second = (await endless()).collect({ operationId }).catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await own.interruptOperation(operationId)).toEqual([operationId]);
      expect(await second).toBeInstanceOf(SparkError);
      expect(await second).toMatchObject({ errorClass: 'OPERATION_CANCELED' });

      expect(await own.interruptAll()).toEqual([]);
      expect(await (await own.sql('SELECT 3 AS still_here')).collect()).toEqual([{ still_here: 3 }]);
    } finally {
      await own.close();
    }
  });

  it('reads and writes CSV and JSON, with options and a DDL schema, in each save mode', async () => {
    const csv = `${testRoot}/people-csv`;
    await (await people()).write.format('csv').options({ header: true, sep: ';' }).mode('overwrite').save(csv);
    // A new DataFrame each time: the server may keep the file listing of a plan it analyzed.
    const typed = () => spark.read.format('csv').options({ header: true, sep: ';' }).schema('id INT, name STRING, score DOUBLE').load(csv);
    expect(await typed().orderBy('id').collect()).toEqual([
      { id: 1, name: 'ann', score: 2.5 },
      { id: 2, name: 'bob', score: null },
    ]);
    const inferred = spark.read.option('header', 'true').option('sep', ';').option('inferSchema', true).csv(csv);
    expect(await inferred.orderBy('id').collect()).toEqual([
      { id: 1, name: 'ann', score: 2.5 },
      { id: 2, name: 'bob', score: null },
    ]);

    const writer = (await people()).write.format('csv').option('header', true).option('sep', ';');
    await expect(writer.save(csv)).rejects.toMatchObject({ errorClass: 'PATH_ALREADY_EXISTS' });
    await writer.mode('ignore').save(csv);
    expect(await typed().count()).toBe(2n);
    await writer.mode('append').save(csv);
    expect(await typed().count()).toBe(4n);
    expect(() => writer.mode('upsert' as never)).toThrow('unknown save mode "upsert"');

    const json = `${testRoot}/people-json`;
    await (await people()).write.format('json').save(json);
    // JSON numbers without a schema are read as BIGINT and DOUBLE.
    expect(await spark.read.json(json).orderBy('id').collect()).toEqual([
      { id: 1n, name: 'ann', score: 2.5 },
      { id: 2n, name: 'bob', score: null },
    ]);
  });

  it('saves a table in the catalog and reads it back with session.table and read.table, in each save mode', async () => {
    await (await people()).write.format('parquet').saveAsTable(tables.saved);
    expect(await spark.table(tables.saved).orderBy('id').collect()).toEqual([
      { id: 1, name: 'ann', score: 2.5 },
      { id: 2, name: 'bob', score: null },
    ]);
    await expect((await people()).write.format('parquet').saveAsTable(tables.saved)).rejects.toMatchObject({ errorClass: 'TABLE_OR_VIEW_ALREADY_EXISTS' });
    await (await people()).write.format('parquet').mode('append').saveAsTable(tables.saved);
    expect(await spark.read.table(tables.saved).count()).toBe(4n);
    await spark.range(7, 8).select(col('id').cast('int').as('id'), lit('cid').as('name'), lit(1.0).as('score')).write.format('parquet').mode('overwrite').saveAsTable(tables.saved);
    expect(await spark.table(tables.saved).collect()).toEqual([{ id: 7, name: 'cid', score: 1 }]);
  });

  it('registers temp views: createTempView refuses a taken name, createOrReplaceTempView replaces it', async () => {
    const name = `sc_api_view_${run}`;
    await spark.range(0, 2).createTempView(name);
    await expect(spark.range(0, 5).createTempView(name)).rejects.toMatchObject({ errorClass: 'TEMP_TABLE_OR_VIEW_ALREADY_EXISTS' });
    expect(await spark.table(name).count()).toBe(2n);
    await spark.range(0, 5).createOrReplaceTempView(name);
    expect(await spark.table(name).count()).toBe(5n);
  });

  it('runs plans and commands directly, and decodes the Arrow batches of a result', async () => {
    const ids = spark.range(0, 3);
    const fromExecute: unknown[] = [];
    for await (const response of spark.execute(ids.plan)) {
      if (response.responseType.case === 'arrowBatch') for (const batch of decodeArrowBatches(response.responseType.value.data)) fromExecute.push(...rowsOf(batch));
    }
    expect(fromExecute).toEqual([{ id: 0n }, { id: 1n }, { id: 2n }]);

    const tuples: unknown[][] = [];
    for await (const batch of ids.batches()) tuples.push(...tuplesOf(batch));
    expect(tuples).toEqual([[0n], [1n], [2n]]);

    const view = `sc_api_command_${run}`;
    await spark.executeCommand({ commandType: { case: 'createDataframeView', value: { input: ids.relation, name: view, isGlobal: false, replace: true } } });
    expect(await (await spark.sql(`SELECT sum(id) AS total FROM ${view}`)).collect()).toEqual([{ total: 3n }]);

    const metrics: string[] = [];
    await spark.range(0, 10).filter('id > 4').collect({ onMetrics: (m) => metrics.push(...m.metrics.map((node) => node.name)) });
    expect(metrics.join(' ')).toMatch(/Filter|Range|WholeStageCodegen/);
  });

  it('builds a SQL query lazily with query(): nothing runs until an action, whose error names what is missing', async () => {
    const view = `sc_api_lazy_${run}`;
    // Built before the view exists: query() sends nothing, so the name resolves when the action runs.
    const totals = spark.query(`SELECT sum(id) AS total, count(*) AS n FROM ${view} WHERE id >= 2`);
    await spark.range(0, 5).createOrReplaceTempView(view);
    expect(await totals.collect()).toEqual([{ total: 9n, n: 3n }]);
    expect(await totals.where('total > 100').collect()).toEqual([]);

    const missing = spark.query('SELECT * FROM sc_api_no_such_view');
    await expect(missing.collect()).rejects.toThrow(/table or view not found: `sc_api_no_such_view`/);
  });

  it('sets, reads, lists and unsets the session configuration', async () => {
    const prefix = `spark.lake.api${run}.`;
    expect(await spark.config.get(`${prefix}missing`)).toBeUndefined();
    await spark.config.set({ [`${prefix}flag`]: true, [`${prefix}count`]: 3 });
    await spark.config.set(`${prefix}name`, 'x');
    expect(await spark.config.getAll(prefix)).toEqual({ [`${prefix}flag`]: 'true', [`${prefix}count`]: '3', [`${prefix}name`]: 'x' });
    expect(await spark.config.getAll()).toMatchObject({ [`${prefix}name`]: 'x' });
    await spark.config.unset(`${prefix}flag`, `${prefix}count`);
    expect(await spark.config.getAll(prefix)).toEqual({ [`${prefix}name`]: 'x' });
    // A set SQL option changes what the server does.
    await spark.config.set('spark.sql.ansi.enabled', false);
    expect(await (await spark.sql('SELECT 1 / 0 AS q')).collect()).toEqual([{ q: null }]);
    await spark.config.unset('spark.sql.ansi.enabled');
    await expect((await spark.sql('SELECT 1 / 0 AS q')).collect()).rejects.toMatchObject({ errorClass: 'DIVIDE_BY_ZERO' });
  });

  it('streams files into a memory sink (processAllAvailable, observe, get, isActive), into a table (toTable, availableNow) and to a path (once, options, partitionBy)', async () => {
    const input = `${testRoot}/stream-in`;
    await (await people()).write.format('json').save(input);
    expect(spark.readStream.isStreaming).toBe(true);
    expect(spark.read.isStreaming).toBe(false);
    const source = () => spark.readStream.schema('id INT, name STRING, score DOUBLE').option('maxFilesPerTrigger', 10).json(input);

    const sinkName = `sc_api_memory_${run}`;
    const memory = await source()
      .observe('seen', fn('count', lit(1)).as('rows'), fn('max', col('id')).as('top'))
      .writeStream.format('memory')
      .queryName(sinkName)
      .outputMode('append')
      .option('checkpointLocation', `${testRoot}/_checkpoints/memory`)
      .start();
    queries.push(memory);
    await memory.processAllAvailable();
    expect(await (await spark.sql(`SELECT id, name FROM ${sinkName} ORDER BY id`)).collect()).toEqual([
      { id: 1, name: 'ann' },
      { id: 2, name: 'bob' },
    ]);
    expect((await memory.lastProgress())?.observedMetrics).toEqual({ seen: { rows: 2, top: 2 } });
    expect(await memory.isActive()).toBe(true);
    expect((await spark.streams.get(memory.id))?.name).toBe(sinkName);
    await memory.stop();
    expect(await memory.isActive()).toBe(false);

    const table = await source()
      .writeStream.format('parquet')
      .trigger({ availableNow: true })
      .option('checkpointLocation', `${testRoot}/_checkpoints/table`)
      .toTable(tables.streamed);
    queries.push(table);
    expect(await table.awaitTermination(120_000)).toBe(true);
    expect(await spark.table(tables.streamed).orderBy('id').collect()).toEqual([
      { id: 1, name: 'ann', score: 2.5 },
      { id: 2, name: 'bob', score: null },
    ]);

    // One trigger, to a path, laid out by name, with options given at once.
    const output = `${testRoot}/stream-out`;
    const once = await source()
      .writeStream.format('json')
      .trigger({ once: true })
      .options({ checkpointLocation: `${testRoot}/_checkpoints/once`, compression: 'gzip' })
      .partitionBy('name')
      .start(output);
    queries.push(once);
    expect(await once.awaitTermination(120_000)).toBe(true);
    const partitions = await new WebHdfs(config.webHdfs).list(hdfsPath(output));
    expect(partitions.map((entry) => entry.pathSuffix).filter((name) => name.startsWith('name=')).sort()).toEqual(['name=ann', 'name=bob']);
    expect(await spark.read.schema('id INT, score DOUBLE, name STRING').json(output).orderBy('id').collect()).toEqual([
      { id: 1, name: 'ann', score: 2.5 },
      { id: 2, name: 'bob', score: null },
    ]);
    expect(await spark.streams.get(randomUUID())).toBeUndefined();
  });
});
