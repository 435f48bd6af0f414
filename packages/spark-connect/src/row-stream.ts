// Rows as an async iterator over a stream of record batches. An async generator costs several
// promises and microtask hops per yielded row, which dominated decoding; this iterator decodes one
// batch at a time and hands out its rows with a single resolved promise each.
import type { RecordBatch } from 'apache-arrow';
import { rowsOf, type Row } from './arrow.js';

export class RowStream<T extends Row = Row> implements AsyncIterableIterator<T> {
  private rows: T[] = [];
  private position = 0;

  constructor(private readonly batches: AsyncIterator<RecordBatch>) {}

  next(): Promise<IteratorResult<T>> {
    if (this.position < this.rows.length) return Promise.resolve({ value: this.rows[this.position++] as T, done: false });
    return this.refill();
  }

  /** Stopping early (a `break` in `for await`) stops the underlying execution. */
  async return(): Promise<IteratorResult<T>> {
    this.rows = [];
    await this.batches.return?.();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private async refill(): Promise<IteratorResult<T>> {
    for (;;) {
      const batch = await this.batches.next();
      if (batch.done) return { value: undefined, done: true };
      this.rows = rowsOf(batch.value) as T[];
      this.position = 0;
      if (this.rows.length > 0) return { value: this.rows[this.position++] as T, done: false };
    }
  }
}
