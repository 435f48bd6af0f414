// Benchmark of the Spark Connect client: round-trip latency of trivial queries, and how fast a
// large result becomes JavaScript rows, next to how long Spark itself takes to compute it (a write
// to the `noop` sink runs the whole plan but sends nothing back), so the client's share is visible.
//
//   npm run bench:spark-client              (against SPARK_REMOTE, by default the embedded stack)
//   BENCH_ROWS=1000000 npm run bench:spark-client
//
// Spark Connect does not slow the query down to the client's pace: a result the client has not
// read yet waits in the driver's heap. 5 M rows (~200 MB of Arrow) need a driver of 2 GB or more;
// lower BENCH_ROWS for a smaller one.
import { loadConfig } from '../control/config.js';
import { SparkSession, col, decodeArrowBatches, rowsOf, type DataFrame } from '@lake/spark-connect';

const ROUND_TRIPS = 200;
const WARM_UP = 30;
const ROWS = Number(process.env.BENCH_ROWS ?? 5_000_000);
const REPEATS = 3;

const spark = await SparkSession.connect(loadConfig().sparkRemote);
const lines: string[] = [];
try {
  lines.push(`Spark ${await spark.version()} at ${spark.remote}, Node ${process.version}`, '');
  lines.push(...(await latency()), '', ...(await throughput()));
} finally {
  await spark.close();
}
process.stdout.write(`${lines.join('\n')}\n`);

async function latency(): Promise<string[]> {
  const prepared = await spark.sql('SELECT 1 AS one');
  const cases: [string, () => Promise<unknown>][] = [
    ['`version()` (AnalyzePlan, one unary RPC)', () => spark.version()],
    ['`SELECT 1`, plan prepared (one ExecutePlan)', () => prepared.collect()],
    ["`(await spark.sql('SELECT 1')).collect()` (SqlCommand + ExecutePlan)", async () => (await spark.sql('SELECT 1 AS one')).collect()],
  ];
  const out = ['| round trip | median | p99 |', '| --- | ---: | ---: |'];
  for (const [name, run] of cases) {
    for (let i = 0; i < WARM_UP; i++) await run();
    const times: number[] = [];
    for (let i = 0; i < ROUND_TRIPS; i++) {
      const start = performance.now();
      await run();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    out.push(`| ${name} | ${ms(quantile(times, 0.5))} | ${ms(quantile(times, 0.99))} |`);
  }
  return [`Latency over ${ROUND_TRIPS} runs after ${WARM_UP} warm-up runs:`, '', ...out];
}

async function throughput(): Promise<string[]> {
  const df = spark
    .range(0, ROWS)
    .select(
      col('id'),
      col('id').times(2).cast('double').as('twice'),
      col('id').cast('string').as('label'),
      col('id').cast('decimal(18,2)').as('amount'),
    );
  // Warm the server's code paths and the client's JIT on a slice first.
  await df.limit(200_000).collect();

  const spark_ = await best(() => df.write.format('noop').mode('overwrite').save('unused'));
  const transfer = await best(async () => {
    for await (const response of spark.execute(df.plan)) void response;
  });
  const batches = await best(async () => {
    for await (const batch of df.batches()) void batch.numRows;
  });
  let cpu = 0;
  const rows = await best(async () => {
    const before = process.cpuUsage();
    let count = 0;
    for await (const row of df.rows()) if (row) count++;
    if (count !== ROWS) throw new Error(`expected ${ROWS} rows, read ${count}`);
    const used = process.cpuUsage(before);
    cpu = (used.user + used.system) / 1000;
  });
  const decode = await decodeOnly(df);

  const rate = (msTaken: number) => `${Math.round(ROWS / (msTaken / 1000)).toLocaleString('en-US')}`;
  const ratio = (msTaken: number) => `${(msTaken / spark_).toFixed(2)}×`;
  return [
    `Throughput, ${ROWS.toLocaleString('en-US')} rows of (id BIGINT, twice DOUBLE, label STRING, amount DECIMAL(18,2)), best of ${REPEATS}:`,
    '',
    '| measurement | time | rows/s | vs Spark alone |',
    '| --- | ---: | ---: | ---: |',
    `| Spark alone: the plan run into the \`noop\` sink, nothing sent | ${ms(spark_)} | ${rate(spark_)} | 1.00× |`,
    `| ExecutePlan responses received (gRPC + protobuf, no Arrow decoding) | ${ms(transfer)} | ${rate(transfer)} | ${ratio(transfer)} |`,
    `| \`df.batches()\`: Arrow record batches | ${ms(batches)} | ${rate(batches)} | ${ratio(batches)} |`,
    `| \`df.rows()\`: JavaScript row objects (client CPU ${ms(cpu)}) | ${ms(rows)} | ${rate(rows)} | ${ratio(rows)} |`,
    `| Arrow → rows alone, on batches already received (client CPU only) | ${ms(decode)} | ${rate(decode)} | — |`,
  ];
}

/** The client-side cost alone: rows from Arrow payloads already in memory. */
async function decodeOnly(df: DataFrame): Promise<number> {
  const payloads: Uint8Array[] = [];
  for await (const response of spark.execute(df.plan)) {
    if (response.responseType.case === 'arrowBatch') payloads.push(response.responseType.value.data);
  }
  return best(async () => {
    let count = 0;
    for (const payload of payloads) for (const batch of decodeArrowBatches(payload)) count += rowsOf(batch).length;
    if (count !== ROWS) throw new Error(`expected ${ROWS} rows, decoded ${count}`);
  });
}

async function best(run: () => Promise<void>): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    await run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 10 ? 2 : 0)} ms`;
}
