import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import pino from 'pino';

export const LOG_FILE_MAX_BYTES = 10 * 1024 * 1024;
export const LOG_FILES_KEPT = 5;

/**
 * A log file that rotates by size: when the next line would take `name.log` past `maxBytes`, it
 * becomes `name.1.log` (`.1` → `.2`, …) and the oldest beyond `keep` files is deleted. Writes are
 * synchronous, so a crash loses no line already logged.
 */
export class RotatingFile {
  private fd: number;
  private size: number;
  constructor(
    readonly file: string,
    readonly maxBytes = LOG_FILE_MAX_BYTES,
    readonly keep = LOG_FILES_KEPT,
  ) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.fd = openSync(file, 'a');
    this.size = fstatSync(this.fd).size;
  }

  private rotated(n: number): string {
    return this.file.replace(/\.log$/, '') + `.${n}.log`;
  }

  private rotate(): void {
    closeSync(this.fd);
    // `keep` files in all: the live one and keep - 1 rotated ones.
    const oldest = this.rotated(this.keep - 1);
    if (existsSync(oldest)) rmSync(oldest);
    for (let n = this.keep - 2; n >= 1; n--)
      if (existsSync(this.rotated(n))) renameSync(this.rotated(n), this.rotated(n + 1));
    if (this.keep > 1) renameSync(this.file, this.rotated(1));
    else rmSync(this.file);
    this.fd = openSync(this.file, 'a');
    this.size = 0;
  }

  write(line: string): boolean {
    const bytes = Buffer.byteLength(line);
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
    writeSync(this.fd, line);
    this.size += bytes;
    return true;
  }

  close(): void {
    closeSync(this.fd);
  }
}

const LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const OMIT = new Set(['level', 'time', 'service', 'msg', 'pid', 'hostname', 'name']);

/** One readable line per entry for a terminal: `12:00:01 gateway  WARN message key=value`. */
export function formatLine(json: string): string {
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(json);
  } catch {
    return json;
  }
  const time = typeof e.time === 'string' ? e.time.slice(11, 19) : '';
  const level = LEVELS[e.level as number] ?? String(e.level);
  const extras = Object.entries(e)
    .filter(([k]) => !OMIT.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
  return `${time} ${String(e.service ?? '').padEnd(10)} ${level === 'info' ? '' : `${level} `}${String(e.msg ?? '')}${extras ? `  ${extras}` : ''}\n`;
}

export interface LoggerOptions {
  level?: string;
  /** stdout in readable lines instead of JSON (files stay JSON). */
  pretty?: boolean;
  /** Folder of the rotating log files (LOG_DIR); none: stdout only. */
  dir?: string;
  /** Also to stdout (default true). */
  stdout?: boolean;
  /** While it returns true, stdout shows fatal lines only (the files keep everything): e.g. during a shutdown. */
  quietStdout?: () => boolean;
}

/**
 * One JSON logger per process (pino): `service` says who wrote the line; request and run ids are
 * added by child loggers. To stdout and, with `dir`, to `<dir>/<name>.log` rotated at 10 MB, 5 kept.
 */
export function createLogger(name: string, levelOrOptions: string | LoggerOptions = 'info') {
  const opts: LoggerOptions = typeof levelOrOptions === 'string' ? { level: levelOrOptions } : levelOrOptions;
  const streams: pino.StreamEntry[] = [];
  if (opts.stdout !== false) {
    const quiet = opts.quietStdout ?? (() => false);
    const out = (line: string) =>
      quiet() && !line.includes('"level":60')
        ? true
        : process.stdout.write(opts.pretty ? formatLine(line) : line);
    streams.push({ stream: { write: out } });
  }
  if (opts.dir) streams.push({ stream: new RotatingFile(path.join(opts.dir, `${name}.log`)) });
  return pino(
    { name, level: opts.level ?? 'info', base: { service: name }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.multistream(streams.map((s) => ({ ...s, level: 'trace' as const }))),
  );
}
export type Logger = ReturnType<typeof createLogger>;
