// Silver transactions on generated data: a sample plus two hand-written CSV files, landed by bronze
// into a lake of its own, then jobs/sql/silver/transactions.sql run as is. Every record must be
// classified once with the generator's reason counts, the hand-written lines must get their exact
// reason or values, and jobs/sql/gold/total_sales_per_product.sql must give the expected sales.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SilverFixture, plain } from './support/silver-fixture.js';


/** A hand-written line, what silver must make of it (`reason`), and for valid ones the exact row. */
interface HandLine {
  text: string;
  reason: string | null | 'header' | 'blank';
  row?: Record<string, unknown>;
}

interface HandFile {
  /** Relative to the source folder: a sub-folder, after the generated `ventes-*.csv` in path order. */
  path: string;
  bom: boolean;
  eol: '\n' | '\r\n';
  /** Whether the last line ends with a line break. */
  finalEol: boolean;
  lines: HandLine[];
}

const row = (transaction_id: string, client_id: string, produit: string, quantite: number, prix: string, date: string, montant: string) => ({
  transaction_id,
  client_id,
  produit,
  quantite,
  prix,
  date_transaction: date,
  montant,
});

// Ids HX… never meet the generated TX… ids; a.csv comes before b.csv in the deduplication order.
const handFiles: HandFile[] = [
  {
    // A spreadsheet export: BOM, CRLF, quoted and padded header names in another order, no
    // client_id column, an extra column.
    path: 'zz-hand/a.csv',
    bom: true,
    eol: '\r\n',
    finalEol: true,
    lines: [
      { text: '"Prix", Produit ,QUANTITE,Transaction_ID,date_transaction,Note', reason: 'header' },
      {
        // Quoted decimal comma, a negative offset crossing midnight and a month; quoted comma in the extra column.
        text: '"0,5","Produit C",4,HX101,2024-06-30T22:00:00-02:00,"a, b"',
        reason: null,
        row: row('HX101', 'inconnu', 'Produit C', 4, '0.50', '2024-07-01T00:00:00.000Z', '2.00'),
      },
      { text: '12,5,Produit C,1,HX102,2024-01-01,', reason: 'malformed_row' },
      { text: '', reason: 'blank' },
      {
        // HX102 was quarantined above: it does not claim its id.
        text: '1,Produit C,1,HX102,2024-01-01,',
        reason: null,
        row: row('HX102', 'inconnu', 'Produit C', 1, '1.00', '2024-01-01T00:00:00.000Z', '1.00'),
      },
    ],
  },
  {
    path: 'zz-hand/b.csv',
    bom: false,
    eol: '\n',
    finalEol: false,
    lines: [
      { text: 'transaction_id,client_id,produit,quantite,prix,date_transaction', reason: 'header' },
      {
        text: 'HX001,C1,"Stylo plume ""Classique""",2,"12,5",2024-03-31T01:30:00+02:00',
        reason: null,
        row: row('HX001', 'C1', 'Stylo plume "Classique"', 2, '12.50', '2024-03-30T23:30:00.000Z', '25.00'),
      },
      {
        // Empty client, signed quantity, padded values (quoted padding too), 29 February.
        text: 'HX002,,Produit A,+3, 7.05 ," 2024-02-29 "',
        reason: null,
        row: row('HX002', 'inconnu', 'Produit A', 3, '7.05', '2024-02-29T00:00:00.000Z', '21.15'),
      },
      { text: '   \t', reason: 'blank' },
      { text: 'HX003,C2,Produit A,1,10,2024-01-01 10:00:00,extra', reason: 'malformed_row' },
      { text: 'HX004,C2,"Produit A,1,10,2024-01-01', reason: 'malformed_row' },
      { text: 'HX005,C2,"Produit" A,1,10,2024-01-01', reason: 'malformed_row' },
      { text: 'HX006,C2,Pro"duit,1,10,2024-01-01', reason: 'malformed_row' },
      { text: 'HX001,C9,Produit B,1,1.00,2024-01-01', reason: 'duplicate:transaction_id' },
      { text: 'HX007,C3,Produit B,1000001,abc,demain', reason: 'out_of_range:quantite' },
      { text: 'HX008,C3,Produit B,99999999999999999999999999999999999999999999,1,2024-01-01', reason: 'out_of_range:quantite' },
      { text: 'HX009,C3,Produit B,0,1,2024-01-01', reason: 'out_of_range:quantite' },
      { text: 'HX010,C3,Produit B,3.0,1,2024-01-01', reason: 'bad_integer:quantite' },
      { text: 'HX011,C3,Produit B,,1,2024-01-01', reason: 'missing_required:quantite' },
      { text: 'HX012,C3,Produit B,1,12.345,2024-01-01', reason: 'bad_decimal:prix' },
      { text: 'HX013,C3,Produit B,1,12.,2024-01-01', reason: 'bad_decimal:prix' },
      { text: 'HX014,C3,Produit B,1,"1,234.50",2024-01-01', reason: 'bad_decimal:prix' },
      { text: 'HX015,C3,Produit B,1,-0.01,2024-01-01', reason: 'out_of_range:prix' },
      // 10⁶ × 10⁶ does not fit montant's decimal(14,2): the contract makes it the price's fault.
      { text: 'HX016,C3,Produit B,1000000,1000000,2024-01-01', reason: 'out_of_range:prix' },
      { text: 'HX017,C3,Produit B,1,  ,2024-01-01', reason: 'missing_required:prix' },
      { text: 'HX018,C3,Produit B,1,1,2024-01-01T10:00:00+0200', reason: 'bad_timestamp:date_transaction' },
      { text: 'HX019,C3,Produit B,1,1,2024-01-01 10:00:00Z', reason: 'bad_timestamp:date_transaction' },
      { text: 'HX020,C3,Produit B,1,1,2023-02-29', reason: 'bad_timestamp:date_transaction' },
      { text: 'HX021,C3,Produit B,1,1,2024-01-01T24:00:00', reason: 'bad_timestamp:date_transaction' },
      { text: 'HX022,C3,Produit B,1,1,2024-01-01T10:00', reason: 'bad_timestamp:date_transaction' },
      { text: 'HX023,C3,Produit B,1,1,', reason: 'missing_required:date_transaction' },
      { text: 'HX024,C3,,deux,1,2024-01-01', reason: 'missing_required:produit' },
      { text: '" ",C3,Produit B,1,1,2024-01-01', reason: 'missing_required:transaction_id' },
      { text: ',,,,,', reason: 'missing_required:transaction_id' },
      {
        // The maxima, each alone; HX007 was quarantined above, so its id is free.
        text: 'HX007,C3,Produit B,1000000,0.99,2024-12-31T23:59:59Z',
        reason: null,
        row: row('HX007', 'C3', 'Produit B', 1_000_000, '0.99', '2024-12-31T23:59:59.000Z', '990000.00'),
      },
      {
        text: 'HX025,C3,Produit B,1,1000000.00,2024-12-31T23:59:59+00:00',
        reason: null,
        row: row('HX025', 'C3', 'Produit B', 1, '1000000.00', '2024-12-31T23:59:59.000Z', '1000000.00'),
      },
      { text: ' HX025  ,C4,Produit D,2,3,2024-01-01', reason: 'duplicate:transaction_id' },
    ],
  },
];

function handContent(file: HandFile): string {
  const body = file.lines.map((line) => line.text).join(file.eol) + (file.finalEol ? file.eol : '');
  return (file.bom ? '\uFEFF' : '') + body;
}

const handRecords = handFiles.flatMap((file) =>
  file.lines.flatMap((line, index) => (line.reason === 'header' || line.reason === 'blank' ? [] : [{ file: file.path, line_number: index + 1, ...line }])),
);

const reasonCodes =
  /^(malformed_row|missing_required:(transaction_id|produit|quantite|prix|date_transaction)|bad_integer:quantite|out_of_range:(quantite|prix)|bad_decimal:prix|bad_timestamp:date_transaction|duplicate:transaction_id)$/;

const silverTypes = {
  transaction_id: 'string',
  client_id: 'string',
  produit: 'string',
  quantite: 'int',
  prix: 'decimal(12,2)',
  date_transaction: 'timestamp',
  montant: 'decimal(14,2)',
  reason: 'string',
  raw_record: 'string',
  batch_id: 'string',
  source_file: 'string',
  line_number: 'int',
  element_index: 'int',
  kafka_partition: 'int',
  kafka_offset: 'bigint',
};

/** Writes the hand-written files into the transactions folder of the input. */
async function writeHandFiles(sourceFolder: string): Promise<void> {
  for (const file of handFiles) {
    const target = path.join(sourceFolder, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, handContent(file));
  }
}

describe('silver transactions (xs sample and hand-written files)', () => {
  const lake = new SilverFixture('transactions', 'xs', 11, writeHandFiles);
  const sql = lake.sql;

  beforeAll(() => lake.setUp());
  afterAll(() => lake.tearDown());

  it('gives each reason as many records as the generator made, and the expected gold sales', async () => {
    await lake.checkAgainstExpected('total_sales_per_product', lake.expected.gold.total_sales_per_product);
  });

  it('classifies every record once, with a contract reason and its origin; never a blank line or a header', async () => {
    const [totals] = plain(
      await sql(`SELECT count(*) AS n,
                        count(DISTINCT batch_id, source_file, line_number) AS origins,
                        count_if(batch_id IS NULL OR source_file IS NULL OR line_number IS NULL OR raw_record IS NULL) AS without_origin,
                        count_if(element_index IS NOT NULL OR kafka_partition IS NOT NULL OR kafka_offset IS NOT NULL) AS foreign_origin
                 FROM classified_transactions`),
    );
    const records = lake.expected.sources.transactions.bronze_records + handRecords.length;
    expect(totals).toEqual({ n: records, origins: records, without_origin: 0, foreign_origin: 0 });

    const reasons = await sql(`SELECT DISTINCT reason FROM classified_transactions WHERE reason IS NOT NULL`);
    for (const { reason } of reasons) expect(reason).toMatch(reasonCodes);

    // Each classified record is a non-blank bronze line after its file's first non-blank line.
    const [stray] = plain(
      await sql(`SELECT count_if(l.line_number IS NULL) AS not_a_line, count_if(l.blank) AS blank, count_if(l.line_number <= h.header_line) AS header
                 FROM classified_transactions c
                 LEFT JOIN bronze_transactions_lines l ON c.batch_id = l.batch_id AND c.source_file = l.file AND c.line_number = l.line_number
                 LEFT JOIN (SELECT batch_id, file, min(line_number) AS header_line FROM bronze_transactions_lines WHERE NOT blank GROUP BY batch_id, file) h
                   ON c.batch_id = h.batch_id AND c.source_file = h.file`),
    );
    expect(stray).toEqual({ not_a_line: 0, blank: 0, header: 0 });
  });

  it('gives the silver columns, then the classification and origin columns, their types', async () => {
    const described = await sql('DESCRIBE classified_transactions');
    expect(Object.fromEntries(described.map((r) => [r.col_name, r.data_type]))).toEqual(silverTypes);
    expect(described.map((r) => r.col_name)).toEqual(Object.keys(silverTypes));
  });

  it('classifies the hand-written lines by the contract, with exact values for valid ones', async () => {
    const rows = plain(
      await sql(`SELECT source_file, line_number, reason, raw_record, transaction_id, client_id, produit, quantite, prix, date_transaction, montant
                 FROM classified_transactions WHERE source_file LIKE 'zz-hand/%' ORDER BY source_file, line_number`),
    );
    expect(rows.map((r) => [r.source_file, r.line_number, r.reason])).toEqual(handRecords.map((l) => [l.file, l.line_number, l.reason]));
    for (const [index, line] of handRecords.entries()) {
      const found = rows[index] as Record<string, unknown>;
      // raw_record is the line as in bronze: a CRLF file's CR stays.
      const eol = handFiles.find((f) => f.path === line.file)?.eol;
      expect(found.raw_record).toBe(eol === '\r\n' ? `${line.text}\r` : line.text);
      if (line.row) expect(found).toMatchObject(line.row);
    }
  });

  it('is deterministic: the same bronze gives the same rows', async () => {
    expect(await lake.fingerprint()).toEqual(await lake.fingerprint());
  });
});

describe.runIf(process.env.LAKE_TEST_SCALE_S === '1')('silver transactions (s sample: minutes long, runs only with LAKE_TEST_SCALE_S=1)', () => {
  const lake = new SilverFixture('transactions', 's', 20261128);

  beforeAll(() => lake.setUp());
  afterAll(() => lake.tearDown());

  it('gives each reason as many records as the generator made, and the expected gold sales', async () => {
    await lake.checkAgainstExpected('total_sales_per_product', lake.expected.gold.total_sales_per_product);
  });
});
