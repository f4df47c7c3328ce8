import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip, type Gzip } from 'node:zlib';
import { finished } from 'node:stream/promises';

/** RFC 4180 field: quoted when it holds a comma, a quote or a line break; null/undefined = empty. */
export function field(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function row(values: readonly (string | number | boolean | null | undefined)[]): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    out += field(values[i]);
  }
  return out + '\n';
}

/**
 * A CSV file written as a stream (optionally gzipped, deterministic: no timestamp or name in the gzip
 * header), rows buffered into ~256 kB chunks and written with back-pressure.
 */
export class CsvFile {
  rows = 0;
  private buf = '';
  private readonly file: WriteStream;
  private readonly gzip?: Gzip;
  private readonly head: NodeJS.WritableStream;

  constructor(
    readonly path: string,
    header: readonly string[],
    gzip: boolean,
  ) {
    this.file = createWriteStream(path);
    if (gzip) {
      this.gzip = createGzip({ level: 6 });
      this.gzip.pipe(this.file);
      this.head = this.gzip;
    } else this.head = this.file;
    this.buf = row(header);
  }

  private pending?: Promise<unknown>;

  /** Adds one already formatted line (see `row`). Call `drain()` now and then to honour back-pressure. */
  line(text: string): void {
    this.rows++;
    this.buf += text;
    if (this.buf.length >= 262144) this.flush();
  }

  add(values: readonly (string | number | boolean | null | undefined)[]): void {
    this.line(row(values));
  }

  private flush(): void {
    const chunk = this.buf;
    this.buf = '';
    if (!this.head.write(chunk) && !this.pending)
      this.pending = once(this.head as NodeJS.EventEmitter, 'drain').then(() => {
        this.pending = undefined;
      });
  }

  /** Resolves once the stream can take more (immediately when it can). */
  async drain(): Promise<void> {
    const p = this.pending;
    this.pending = undefined;
    if (p) await p;
  }

  async close(): Promise<void> {
    if (this.buf) this.flush();
    await this.drain();
    this.head.end();
    await finished(this.file);
  }
}
