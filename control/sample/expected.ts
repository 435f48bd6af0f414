// What the pipeline must make of the generated files, tracked while generating from the values
// each record was made of (never by re-reading the files): written as `_expected/files.json`.
// Money is summed in integer cents (bigint) and rounded only when formatted.
import type { Scale } from './scale.js';

/** The bronze tables of the file sources, which are also the keys of `sources`. */
export type FileSourceTable = 'transactions' | 'server_logs' | 'social_posts';

/** `<input>/_expected/files.json`: the contract's results for the generated file sources. */
export interface ExpectedFiles {
  /** How the files were made: the same three values give byte-identical files. */
  generator: { seed: number; scale: Scale; dirty_rate: number };
  sources: Record<FileSourceTable, ExpectedSource>;
  /** Files inside the source folders that no source may read (their names start with `.`), relative to the input folder. */
  ignored_files: string[];
  gold: ExpectedGold;
}

export interface ExpectedSource {
  /** The source's folder, relative to the input folder. */
  folder: string;
  /** Its input files in lexicographic order of path, which is also the order records were made in. */
  files: ExpectedFile[];
  /** Records in all its files; blank lines are not records. */
  bronze_records: number;
  blank_lines: number;
  silver_rows: number;
  /** Rows quarantined, all reasons together: `bronze_records = silver_rows + quarantined`. */
  quarantined: number;
  /** Quarantined rows per reason code (codes of the contract, sorted); only reasons that occur. */
  quarantine: Record<string, number>;
  /**
   * Records per kind of record the generator made (`plain`, and each valid variation or dirty
   * case by name): a debugging aid, to find which case a pipeline handles differently.
   */
  variants: Record<string, number>;
}

export interface ExpectedFile {
  /** Relative to the input folder, with `/` separators. */
  path: string;
  bytes: number;
  sha256: string;
  records: number;
  blank_lines: number;
}

/** The gold metrics of the file sources, each sorted by its key (code-point order). */
export interface ExpectedGold {
  total_sales_per_product: {
    produit: string;
    /** Σ quantite × prix, exact, as a decimal string with 2 decimals (`"1500.00"`). */
    total_ventes: string;
    nb_transactions: number;
    quantite_totale: number;
  }[];
  status_code_counts: { status_code: number; count_requests: number }[];
  avg_likes_per_product: {
    contenu: string;
    /** mean(likes) rounded half-up to 2 decimals, as a decimal string (`"75.30"`). */
    avg_likes: string;
    nb_posts: number;
  }[];
}

/** `1234n` → `"12.34"`. */
export function formatCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const magnitude = cents < 0n ? -cents : cents;
  return `${sign}${magnitude / 100n}.${String(magnitude % 100n).padStart(2, '0')}`;
}

/** numerator / denominator rounded half-up to 2 decimals, for non-negative operands: `(2n, 3n)` → `"0.67"`. */
export function formatMean(numerator: bigint, denominator: bigint): string {
  if (denominator <= 0n || numerator < 0n) throw new Error(`formatMean: ${numerator} / ${denominator} is not a mean of counts`);
  return formatCents((numerator * 200n + denominator) / (2n * denominator));
}

const byKey = <T>(key: (row: T) => string | number) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** Counts of one source as its records are made. */
export class SourceTally {
  private bronze = 0;
  private blank = 0;
  private silver = 0;
  private readonly reasons = new Map<string, number>();
  private readonly kinds = new Map<string, number>();
  private plain = 0;
  private readonly files: ExpectedFile[] = [];

  record(kind: string, reason: string | null): void {
    this.bronze++;
    if (kind === 'plain') this.plain++;
    else this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
    if (reason === null) this.silver++;
    else this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
  }

  blankLines(count: number): void {
    this.blank += count;
  }

  file(file: ExpectedFile): void {
    this.files.push(file);
  }

  get records(): number {
    return this.bronze;
  }

  get quarantined(): number {
    return this.bronze - this.silver;
  }

  expected(folder: string): ExpectedSource {
    const sorted = (map: Map<string, number>) => Object.fromEntries([...map].sort(byKey(([key]) => key)));
    return {
      folder,
      files: [...this.files].sort(byKey((file) => file.path)),
      bronze_records: this.bronze,
      blank_lines: this.blank,
      silver_rows: this.silver,
      quarantined: this.quarantined,
      quarantine: sorted(this.reasons),
      variants: sorted(this.plain > 0 ? new Map([...this.kinds, ['plain', this.plain]]) : this.kinds),
    };
  }
}

/** Gold `total_sales_per_product` from the kept transactions. */
export class SalesTally {
  private readonly byProduct = new Map<string, { cents: bigint; pendingCents: number; transactions: number; quantity: number }>();

  add(product: string, quantity: number, priceCents: number): void {
    let sales = this.byProduct.get(product);
    if (!sales) this.byProduct.set(product, (sales = { cents: 0n, pendingCents: 0, transactions: 0, quantity: 0 }));
    // quantite ≤ 10⁶ and prix ≤ 10⁸ cents: a row's amount is below 2⁴⁷, exact as a number. Amounts
    // add up as a number while the sum stays below 2⁵² (still exact), then move to the bigint:
    // exact at any scale, without a bigint a row.
    sales.pendingCents += quantity * priceCents;
    if (sales.pendingCents >= 2 ** 52) {
      sales.cents += BigInt(sales.pendingCents);
      sales.pendingCents = 0;
    }
    sales.transactions++;
    sales.quantity += quantity;
  }

  expected(): ExpectedGold['total_sales_per_product'] {
    return [...this.byProduct]
      .map(([produit, s]) => ({
        produit,
        total_ventes: formatCents(s.cents + BigInt(s.pendingCents)),
        nb_transactions: s.transactions,
        quantite_totale: s.quantity,
      }))
      .sort(byKey((row) => row.produit));
  }
}

/** Gold `status_code_counts` from the kept log lines. */
export class StatusTally {
  private readonly byStatus = new Map<number, number>();

  add(status: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
  }

  expected(): ExpectedGold['status_code_counts'] {
    return [...this.byStatus].map(([status_code, count_requests]) => ({ status_code, count_requests })).sort(byKey((row) => row.status_code));
  }
}

/** Gold `avg_likes_per_product` from the kept posts. */
export class LikesTally {
  // Sums of likes stay far below 2⁵³ (10⁷ posts of at most ~10⁴ likes): exact as numbers.
  private readonly bySubject = new Map<string, { likes: number; posts: number }>();

  add(subject: string, likes: number): void {
    let tally = this.bySubject.get(subject);
    if (!tally) this.bySubject.set(subject, (tally = { likes: 0, posts: 0 }));
    tally.likes += likes;
    tally.posts++;
  }

  expected(): ExpectedGold['avg_likes_per_product'] {
    return [...this.bySubject]
      .map(([contenu, t]) => ({ contenu, avg_likes: formatMean(BigInt(t.likes), BigInt(t.posts)), nb_posts: t.posts }))
      .sort(byKey((row) => row.contenu));
  }
}
