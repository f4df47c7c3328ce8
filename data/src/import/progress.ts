/** Where progress goes: stderr, or a test's stand-in (a terminal or not). */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface StepProgress {
  /**
   * Rows done so far, and the share of the step done (0..1) when it is known (bytes read of the
   * file): with it the line says the ETA.
   */
  update(rows: number, fraction?: number): void;
  /** The step is over: a step that showed progress ends with its rows, seconds and rows/s. */
  done(rows?: number): void;
}

export interface ProgressOptions {
  stream?: ProgressStream;
  /** Nothing is shown for a step shorter than this. */
  delayMs?: number;
  /** How often the line is written: redrawn in place on a terminal, a new line elsewhere (logs). */
  intervalMs?: number;
  now?: () => number;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const duration = (s: number) =>
  s < 90 ? `${Math.ceil(s)} s` : `${Math.floor(s / 60)} min ${Math.ceil(s % 60)} s`;

/**
 * One line of progress for a step of the import: rows, rows/s and, when the share done is known,
 * the percentage and ETA. Silent for steps shorter than a few seconds; on a terminal the line is
 * redrawn in place, on a pipe or in a log a line every few seconds. A step whose progress cannot
 * be followed row by row (one set-based statement) passes its rows only: the line then says how
 * long it has been running.
 */
export function stepProgress(label: string, opts: ProgressOptions = {}): StepProgress {
  const stream = opts.stream ?? process.stderr;
  const tty = !!stream.isTTY;
  const now = opts.now ?? Date.now;
  const delay = opts.delayMs ?? 3000;
  const interval = opts.intervalMs ?? (tty ? 250 : 5000);
  const started = now();
  let shown = false;
  let last = 0;
  let rows = 0;
  let fraction: number | undefined;

  const line = () => {
    const secs = (now() - started) / 1000;
    const rate = rows / Math.max(secs, 0.001);
    const parts = rows > 0 || fraction !== undefined ? [`${fmt(rows)} rows`] : [];
    if (fraction !== undefined && fraction > 0) {
      parts.push(`${fmt(rate)} rows/s`, `${Math.min(100, Math.floor(fraction * 100))} %`);
      if (fraction < 1) parts.push(`eta ${duration((secs / fraction) * (1 - fraction))}`);
    } else parts.push(`${duration(secs)} so far`);
    return `${label}: ${parts.join(', ')}`;
  };
  const draw = () => {
    const t = now();
    if (t - started < delay || t - last < interval) return;
    last = t;
    shown = true;
    stream.write(tty ? `\r\x1b[2K${line()}` : `${line()}\n`);
  };
  // A step with no row-by-row progress still says it is running.
  let timer: NodeJS.Timeout | undefined = setInterval(draw, Math.min(interval, 1000));
  timer.unref();

  return {
    update(n, f) {
      rows = n;
      if (f !== undefined) fraction = f;
      draw();
    },
    done(n) {
      if (!timer) return;
      clearInterval(timer);
      timer = undefined;
      if (n !== undefined) rows = n;
      if (!shown) return;
      const secs = (now() - started) / 1000;
      const end =
        rows > 0
          ? `${label}: ${fmt(rows)} rows in ${secs.toFixed(1)} s, ${fmt(rows / Math.max(secs, 0.001))} rows/s`
          : `${label}: done in ${secs.toFixed(1)} s`;
      stream.write(tty ? `\r\x1b[2K${end}\n` : `${end}\n`);
    },
  };
}
