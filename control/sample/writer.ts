// Writes one sample file as a stream: text is gathered into chunks of about 64 KiB, each chunk is
// hashed and written, and the caller waits for the disk whenever the stream asks it to (backpressure),
// so a file of any size takes a few MiB of memory.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { finished } from 'node:stream/promises';

// Small chunks: the records' strings then die young, which keeps the garbage collector cheap.
const chunkSize = 1 << 16;
// Many chunks may wait for the disk while the next ones are made: writing overlaps generating.
const queuedBytes = 8 << 20;

export class FileWriter {
  private pending = '';
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private failure: Error | undefined;

  private constructor(private readonly stream: ReturnType<typeof createWriteStream>) {
    // Kept until the next flush: an error between two awaits must not crash the process.
    stream.on('error', (error) => (this.failure = error));
  }

  static async open(file: string): Promise<FileWriter> {
    await mkdir(path.dirname(file), { recursive: true });
    return new FileWriter(createWriteStream(file, { highWaterMark: queuedBytes }));
  }

  write(text: string): void {
    this.pending += text;
  }

  /** Whether enough text is gathered: the caller should then `await flush()`. */
  get full(): boolean {
    return this.pending.length >= chunkSize;
  }

  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.pending.length === 0) return;
    const chunk = Buffer.from(this.pending, 'utf8');
    this.pending = '';
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  /** Writes what is left and closes the file: its size and SHA-256 (hex). */
  async close(): Promise<{ bytes: number; sha256: string }> {
    await this.flush();
    this.stream.end();
    await finished(this.stream);
    return { bytes: this.bytes, sha256: this.hash.digest('hex') };
  }
}
