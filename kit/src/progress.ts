import cliProgress from 'cli-progress';

export interface Progress {
  /** Sets the absolute count done; `total` may be updated when it becomes known. */
  update(done: number, total?: number): void;
  stop(summary?: string): void;
}

/**
 * A progress bar on a terminal; on a pipe or in CI, a line every few seconds instead, so logs stay
 * readable.
 */
export function progress(label: string, total = 0, unit = 'rows'): Progress {
  const started = Date.now();
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label.padEnd(18)} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate}/s | eta {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total || 1, 0, { rate: 0 });
    return {
      update(done, t) {
        if (t !== undefined) bar.setTotal(t || 1);
        bar.update(done, { rate: Math.round(done / Math.max((Date.now() - started) / 1000, 0.001)) });
      },
      stop(summary) {
        bar.stop();
        if (summary) process.stderr.write(`${label}: ${summary}\n`);
      },
    };
  }
  let last = 0;
  let current = 0;
  let tot = total;
  return {
    update(done, t) {
      current = done;
      if (t !== undefined) tot = t;
      if (Date.now() - last > 5000) {
        last = Date.now();
        const rate = done / Math.max((Date.now() - started) / 1000, 0.001);
        const eta = tot && rate > 0 && done < tot ? `, eta ${Math.ceil((tot - done) / rate)} s` : '';
        process.stderr.write(
          `${label}: ${done}${tot ? `/${tot}` : ''} ${unit}, ${Math.round(rate)} ${unit}/s${eta}\n`,
        );
      }
    },
    stop(summary) {
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      process.stderr.write(`${label}: ${summary ?? `${current} ${unit}`} in ${secs}s\n`);
    },
  };
}
