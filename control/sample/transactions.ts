// The transactions source: monthly CSV exports of the shop's sales, `transactions/ventes-YYYY-MM.csv`.
// The exports come from different tools, so files differ in header spelling, column order, extra
// columns, quoting, BOM and line breaks; the dirty records break each rule of the contract.
//
// Decisions where the contract is silent (docs/data-contract.md lists them):
// - Every field is trimmed before it is checked (` 3 ` is the quantity 3).
// - A row whose field count differs from the header's is `malformed_row`, whatever else is wrong
//   with it; it never takes part in deduplication (its fields cannot be trusted).
// - Deduplication is on the trimmed `transaction_id`, among rows that break no other rule: a row
//   quarantined for another reason does not claim its id, so a later valid row with that id is kept.
//   A row that repeats a kept id and breaks another rule gets that other rule's reason.
// - `quantite`: an integer literal, optionally signed (`+3` is 3); `3.0`, `2,0`, `1e3` are
//   `bad_integer`; an integer literal out of 1–1 000 000, however large, is `out_of_range`.
// - `prix`: digits with at most one decimal separator (`.` or `,`) and at most 2 decimals;
//   `12.345` (money below the cent), `1,234.50`, `1.234,50`, `€12.50` are `bad_decimal`. Negative
//   prices are `out_of_range`. Unquoted, `12,5` or `1,234.50` split the row: `malformed_row`.
// - `date_transaction`: only the three forms of the contract; `±HH:MM` offsets only in the ISO
//   `T` form; `+0200` (no colon), a missing seconds field, or a day that does not exist
//   (`2024-02-30`) are `bad_timestamp`.
// - A file without a `client_id` column: every row's client is `inconnu`.
// - No field holds a line break (RFC 4180 allows it inside quotes; the generator does not use it).
// - decimal(14,2) cannot hold 1 000 000 × 1 000 000.00: the generator never combines both maxima.
import { productByPopularity, productsWithComma } from './catalog.js';
import type { Product } from './catalog.js';
import type { SalesTally } from './expected.js';
import type { RecordKind } from './kinds.js';
import { KeptRecords } from './memory.js';
import { Weighted } from './random.js';
import type { Random } from './random.js';
import type { SampleFile, SampleSource } from './source.js';
import { localDateTime, monthStart, offsetText, parisOffset } from './time.js';

const allColumns = ['transaction_id', 'client_id', 'produit', 'quantite', 'prix', 'date_transaction', 'canal', 'magasin', 'remarque'] as const;
type Column = (typeof allColumns)[number];

interface Sale {
  id: string;
  client: string;
  product: string;
  quantity: number;
  priceCents: number;
  /** Epoch seconds. */
  time: number;
  canal: string;
  magasin: string;
  remarque: string;
}

/** A CSV field; `quoted` undefined means quoted when the text needs it or the file quotes all. */
interface Field {
  text: string;
  quoted?: boolean;
}

type Row = Record<Column, Field>;

/** How one exporting tool writes its files. */
interface Layout {
  columns: Column[];
  /** The header as that tool spells it, column by column. */
  header: string[];
  quoteAll: boolean;
  /** `12.5` and `12` rather than `12.50` and `12.00`. */
  shortPrices: boolean;
  dates: 'space' | 'iso-utc' | 'iso-paris';
  file: Pick<SampleFile, 'eol' | 'bom' | 'ending'>;
}

// Four tools, used in turn month after month.
const layouts: readonly Layout[] = [
  {
    columns: ['transaction_id', 'client_id', 'produit', 'quantite', 'prix', 'date_transaction'],
    header: ['transaction_id', 'client_id', 'produit', 'quantite', 'prix', 'date_transaction'],
    quoteAll: false,
    shortPrices: false,
    dates: 'space',
    file: { eol: '\n', bom: false, ending: 'newline' },
  },
  {
    // A spreadsheet: BOM, CRLF, capitalised names with stray spaces.
    columns: ['transaction_id', 'client_id', 'produit', 'quantite', 'prix', 'date_transaction'],
    header: ['Transaction_ID', ' Client_ID ', 'PRODUIT', 'Quantite', '  Prix', 'Date_Transaction '],
    quoteAll: false,
    shortPrices: false,
    dates: 'iso-utc',
    file: { eol: '\r\n', bom: true, ending: 'blank-line' },
  },
  {
    // A script that quotes everything, reorders the columns and adds two of its own.
    columns: ['date_transaction', 'transaction_id', 'produit', 'prix', 'quantite', 'client_id', 'canal', 'magasin'],
    header: ['date_transaction', 'transaction_id', 'produit', 'prix', 'quantite', 'client_id', 'canal', 'magasin'],
    quoteAll: true,
    shortPrices: true,
    dates: 'iso-paris',
    file: { eol: '\n', bom: false, ending: 'newline' },
  },
  {
    // The shop's till: no client column, a free-text remark, no line break after the last row.
    columns: ['transaction_id', 'produit', 'quantite', 'prix', 'date_transaction', 'remarque'],
    header: ['TRANSACTION_ID', 'Produit', 'QUANTITE', 'Prix', 'date_transaction', 'Remarque'],
    quoteAll: false,
    shortPrices: false,
    dates: 'space',
    file: { eol: '\r\n', bom: false, ending: 'no-newline' },
  },
];

const quantities = new Weighted([
  [[1, 1], 55],
  [[2, 2], 20],
  [[3, 3], 9],
  [[4, 5], 8],
  [[6, 12], 6],
  [[13, 50], 2],
] as const);

const discounts = new Weighted([
  [1, 72],
  [0.9, 12],
  [0.8, 9],
  [0.5, 3],
  [1.1, 4],
] as const);

const canals = ['web', 'web', 'web', 'magasin', 'app', 'telephone'];
const magasins = ['Paris 11e', 'Lyon Part-Dieu', 'Lille Centre', 'Bordeaux', 'Nantes', ''];
const remarques = ['', '', '', '', 'cadeau, emballage', 'client fidèle', 'livraison express', 'retrait en magasin, samedi'];

function quote(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

function cents(priceCents: number, short: boolean, separator: '.' | ','): string {
  const units = Math.floor(priceCents / 100);
  const fraction = String(priceCents % 100).padStart(2, '0');
  if (!short) return `${units}${separator}${fraction}`;
  const trimmed = fraction.replace(/0+$/, '');
  return trimmed ? `${units}${separator}${trimmed}` : String(units);
}

/** `123456789` cents → `1,234,567.89`. */
function withThousands(priceCents: number): string {
  return cents(priceCents, false, '.').replace(/\B(?=(\d{3})+\.)/g, ',');
}

export interface TransactionsSource extends SampleSource {
  sales: SalesTally;
}

/** `firstId`: the number of the first fresh sale (TX00000001 for 1). */
export function transactionsSource(random: Random, fileRecords: readonly number[], sales: SalesTally, firstId = 1): TransactionsSource {
  const files: SampleFile[] = fileRecords.map((records, index) => ({
    name: `ventes-${localDateTime(monthStart(2024, index + 1)).slice(0, 7)}.csv`,
    records,
    jsonArray: false,
    ...(layouts[index % layouts.length] as Layout).file,
  }));
  const memory = new KeptRecords<Sale>(random);
  let layout = layouts[0] as Layout;
  let counter = firstId - 1;
  let fileStart = 0;
  let step = 1;
  let madeInFile = 0;

  const fresh = (product: Product = productByPopularity.draw(random)): Sale => {
    const [low, high] = quantities.draw(random);
    const priceCents = Math.max(1, Math.round(product.priceCents * discounts.draw(random)));
    // Rows of an export follow the clock: the month is spread over the file's rows.
    const time = fileStart + Math.floor(madeInFile++ * step) + random.int(0, Math.max(0, Math.floor(step) - 1));
    return {
      id: `TX${String(++counter).padStart(8, '0')}`,
      client: `C${String(random.int(1, 40_000)).padStart(5, '0')}`,
      product: product.name,
      quantity: random.int(low, high),
      priceCents,
      time,
      canal: random.pick(canals),
      magasin: random.pick(magasins),
      remarque: random.pick(remarques),
    };
  };

  const dateText = (time: number): string => {
    if (layout.dates === 'iso-utc') return `${localDateTime(time)}Z`;
    if (layout.dates === 'iso-paris') return localDateTime(time, parisOffset(time)) + offsetText(parisOffset(time), true);
    return localDateTime(time).replace('T', ' ');
  };

  const valueOf = (sale: Sale, column: Column): string => {
    switch (column) {
      case 'transaction_id':
        return sale.id;
      case 'client_id':
        return sale.client;
      case 'produit':
        return sale.product;
      case 'quantite':
        return String(sale.quantity);
      case 'prix':
        return cents(sale.priceCents, layout.shortPrices, '.');
      case 'date_transaction':
        return dateText(sale.time);
      default:
        return sale[column];
    }
  };

  const cell = (text: string, quoted = layout.quoteAll || /[",\r\n]/.test(text)): string => (quoted ? quote(text) : text);

  /** A sale's row as the file's tool writes it. */
  const line = (sale: Sale): string => {
    let out = cell(valueOf(sale, layout.columns[0] as Column));
    for (let i = 1; i < layout.columns.length; i++) out += `,${cell(valueOf(sale, layout.columns[i] as Column))}`;
    return out;
  };

  /** A sale's row as fields, to be changed before it is written. */
  const row = (sale: Sale): Row => {
    const fields = {} as Row;
    for (const column of allColumns) fields[column] = { text: valueOf(sale, column) };
    return fields;
  };

  const cells = (fields: Row): string[] => layout.columns.map((column) => cell(fields[column].text, fields[column].quoted));

  const render = (fields: Row): string => cells(fields).join(',');

  /** A valid row: counted in gold and remembered for duplicates. */
  const keep = (sale: Sale, fields?: Row): string => {
    sales.add(sale.product, sale.quantity, sale.priceCents);
    memory.kept(sale);
    return fields ? render(fields) : line(sale);
  };

  /** A row with a fresh id quarantined for some reason: a later valid row may reuse its id. */
  const reject = (sale: Sale, text: string): string => {
    memory.quarantined(sale.id);
    return text;
  };

  /** A fresh row with some fields rewritten, quarantined. */
  const rejectWith = (change: (fields: Row, sale: Sale) => void): string => {
    const sale = fresh();
    const fields = row(sale);
    change(fields, sale);
    return reject(sale, render(fields));
  };

  /** A row reusing a kept id, with some fields rewritten (none for a plain duplicate). */
  const repeatKeptId = (source: Sale | undefined, change?: (fields: Row, sale: Sale) => void): string => {
    const sale = { ...fresh(), id: (source as Sale).id };
    const fields = row(sale);
    change?.(fields, sale);
    return render(fields);
  };

  const validWith = (change: (fields: Row, sale: Sale) => void): string => {
    const sale = fresh();
    const fields = row(sale);
    change(fields, sale);
    return keep(sale, fields);
  };

  const hasKept = () => memory.hasThisFile || memory.hasEarlierFiles;
  const dateOf = (time: number) => localDateTime(time).slice(0, 10);
  const valid = (name: string, weight: number, make: () => string, fits?: () => boolean): RecordKind => ({ name, reason: null, weight, make, fits });
  const dirty = (name: string, reason: string, weight: number, make: () => string, fits?: () => boolean): RecordKind => ({ name, reason, weight, make, fits });

  const kinds: RecordKind[] = [
    valid('client-id-empty', 4, () => validWith((f, s) => (f.client_id.text = s.client = '')), () => layout.columns.includes('client_id')),
    valid('prix-decimal-comma-quoted', 6, () => validWith((f, s) => (f.prix = { text: cents(s.priceCents, random.chance(0.5), ','), quoted: true }))),
    valid('prix-integer', 3, () =>
      validWith((f, s) => {
        s.priceCents = Math.max(100, Math.round(s.priceCents / 100) * 100);
        f.prix.text = String(s.priceCents / 100);
      }),
    ),
    valid('prix-zero', 1, () => validWith((f, s) => ((s.priceCents = 0), (f.prix.text = random.pick(['0', '0.00', '0.0']))))),
    valid('quantite-plus-sign', 1, () => validWith((f, s) => (f.quantite.text = `+${s.quantity}`))),
    valid('values-padded', 2, () =>
      validWith((f) => {
        for (const column of ['transaction_id', 'produit', 'quantite', 'prix', 'date_transaction'] as const) f[column].text = ` ${f[column].text}  `;
      }),
    ),
    // The maxima are rare: a few of them would outweigh all other sales in gold.
    valid('quantite-maximum', 0.002, () =>
      validWith((f, s) => {
        s.quantity = 1_000_000;
        s.priceCents = random.int(1, 99);
        f.quantite.text = '1000000';
        f.prix.text = cents(s.priceCents, false, '.');
      }),
    ),
    valid('prix-maximum', 0.002, () =>
      validWith((f, s) => {
        s.quantity = 1;
        s.priceCents = 100_000_000;
        f.quantite.text = '1';
        f.prix.text = random.pick(['1000000', '1000000.00']);
      }),
    ),
    valid('date-only', 3, () => validWith((f, s) => (f.date_transaction.text = dateOf(s.time)))),
    valid('date-iso-utc', 2, () => validWith((f, s) => (f.date_transaction.text = `${localDateTime(s.time)}Z`))),
    valid('date-iso-offset', 2, () =>
      validWith((f, s) => {
        const offset = random.pick([-300, 60, 120, 330]);
        f.date_transaction.text = localDateTime(s.time, offset) + offsetText(offset, true);
      }),
    ),
    valid('date-iso-local', 2, () => validWith((f, s) => (f.date_transaction.text = localDateTime(s.time)))),
    valid(
      'retry-after-quarantine',
      1,
      () => keep({ ...fresh(), id: memory.takeQuarantinedId() as string }),
      () => memory.hasQuarantinedIds,
    ),

    dirty('prix-decimal-comma-unquoted', 'malformed_row', 5, () => rejectWith((f, s) => (f.prix = { text: cents(s.priceCents, false, ','), quoted: false }))),
    dirty('prix-thousands-separator-unquoted', 'malformed_row', 2, () =>
      rejectWith((f) => (f.prix = { text: withThousands(random.int(100_000, 99_999_999)), quoted: false })),
    ),
    dirty('produit-comma-unquoted', 'malformed_row', 2, () => {
      const sale = fresh(random.pick(productsWithComma));
      const fields = row(sale);
      fields.produit.quoted = false;
      return reject(sale, render(fields));
    }),
    dirty('row-missing-field', 'malformed_row', 2, () => {
      const sale = fresh();
      return reject(sale, cells(row(sale)).slice(0, -1).join(','));
    }),
    dirty('row-extra-field', 'malformed_row', 2, () => {
      const sale = fresh();
      return reject(sale, [...cells(row(sale)), random.pick(['', 'x', '"note"'])].join(','));
    }),
    dirty('malformed-duplicate', 'malformed_row', 1, () => repeatKeptId(memory.any(), (f, s) => (f.prix = { text: cents(s.priceCents, false, ','), quoted: false })), hasKept),
    dirty('transaction-id-empty', 'missing_required:transaction_id', 2, () => {
      const fields = row(fresh());
      fields.transaction_id.text = random.pick(['', '   ']);
      return render(fields);
    }),
    dirty('row-all-empty', 'missing_required:transaction_id', 2, () => layout.columns.map(() => '').join(',')),
    dirty('produit-empty', 'missing_required:produit', 2, () => rejectWith((f) => (f.produit.text = random.pick(['', '  '])))),
    dirty('produit-empty-and-quantite-bad', 'missing_required:produit', 1, () =>
      rejectWith((f) => {
        f.produit.text = '';
        f.quantite.text = 'deux';
      }),
    ),
    dirty('quantite-empty', 'missing_required:quantite', 1, () => rejectWith((f) => (f.quantite.text = ''))),
    dirty('quantite-not-integer', 'bad_integer:quantite', 3, () =>
      rejectWith((f) => (f.quantite.text = random.pick(['2.5', '3.0', 'trois', '1e3', '5 pcs', '2,0', '0x10']))),
    ),
    dirty('quantite-out-of-range', 'out_of_range:quantite', 3, () =>
      rejectWith((f) => (f.quantite.text = random.pick(['0', '-1', '-12', '1000001', '99999999999']))),
    ),
    dirty('quantite-and-prix-bad', 'bad_integer:quantite', 1, () =>
      rejectWith((f) => {
        f.quantite.text = 'deux';
        f.prix.text = 'abc';
      }),
    ),
    dirty('prix-empty', 'missing_required:prix', 1, () => rejectWith((f) => (f.prix.text = ''))),
    dirty('prix-not-decimal', 'bad_decimal:prix', 3, () =>
      rejectWith((f) => (f.prix.text = random.pick(['12.5.0', 'abc', '€12.50', '12.50 EUR', '12.345', '1,234.50', '1 234,50', '1.234,50', 'NaN']))),
    ),
    dirty('prix-out-of-range', 'out_of_range:prix', 2, () =>
      rejectWith((f) => (f.prix.text = random.pick(['-5.00', '-0.01', '1000000.01', '2500000', '-3,50'])))),
    dirty('date-empty', 'missing_required:date_transaction', 1, () => rejectWith((f) => (f.date_transaction.text = ''))),
    dirty('date-invalid', 'bad_timestamp:date_transaction', 4, () =>
      rejectWith((f, s) => {
        const day = dateOf(s.time);
        const [year, month, date] = day.split('-');
        f.date_transaction.text = random.pick([
          `${year}-02-30`,
          `${year}-13-01`,
          `${date}/${month}/${year}`,
          `${day} 24:30:00`,
          `${day}T10:00:00+0200`,
          `${day}T10:00`,
          `${year}/${month}/${date}`,
          'demain',
        ]);
      }),
    ),
    dirty('date-invalid-duplicate', 'bad_timestamp:date_transaction', 1, () => repeatKeptId(memory.any(), (f) => (f.date_transaction.text = 'hier')), hasKept),
    dirty('duplicate-resend', 'duplicate:transaction_id', 4, () => line(memory.fromThisFile() as Sale), () => memory.hasThisFile),
    dirty('duplicate-changed', 'duplicate:transaction_id', 3, () => repeatKeptId(memory.any()), hasKept),
    dirty('duplicate-across-files', 'duplicate:transaction_id', 3, () => repeatKeptId(memory.fromEarlierFiles()), () => memory.hasEarlierFiles),
    dirty('duplicate-padded-id', 'duplicate:transaction_id', 1, () => repeatKeptId(memory.any(), (f) => (f.transaction_id.text = ` ${f.transaction_id.text}  `)), hasKept),
  ];

  return {
    table: 'transactions',
    folder: 'transactions',
    files,
    kinds,
    sales,
    plain: () => keep(fresh()),
    startFile(file, index) {
      layout = layouts[index % layouts.length] as Layout;
      memory.startFile();
      fileStart = monthStart(2024, index + 1);
      step = (monthStart(2024, index + 2) - fileStart) / file.records;
      madeInFile = 0;
      return (layout.quoteAll ? layout.header.map(quote) : layout.header).join(',');
    },
    // A spreadsheet's lock file, left next to the export it has open.
    hiddenFiles: [{ name: '.~lock.ventes-2024-01.csv#', content: ',julie,PC-COMPTA,05.02.2024 09:14,file:///C:/Users/julie/AppData/Roaming/LibreOffice/4;\n' }],
  };
}
