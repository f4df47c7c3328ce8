import { stepProgress, type ProgressStream } from './progress';

/** A stand-in for stderr, a terminal or not, and a clock the test moves. */
function fake(isTTY: boolean) {
  const out: string[] = [];
  const stream: ProgressStream = { isTTY, write: (t: string) => out.push(t) };
  let t = 1_000_000;
  return { out, stream, now: () => t, advance: (ms: number) => (t += ms) };
}

test('a short step shows nothing', () => {
  const f = fake(false);
  const p = stepProgress('staging orders.csv', { stream: f.stream, now: f.now });
  f.advance(1000);
  p.update(5000, 0.5);
  f.advance(1000);
  p.done(10_000);
  expect(f.out).toEqual([]);
});

test('in a log: after a few seconds, a line every few seconds with rows, rows/s, share done and ETA; then the total', () => {
  const f = fake(false);
  const p = stepProgress('staging orders.csv', { stream: f.stream, now: f.now });
  f.advance(4000);
  p.update(40_000, 0.25);
  f.advance(1000);
  p.update(50_000, 0.3); // within the interval: no line
  f.advance(4000);
  p.update(80_000, 0.5);
  f.advance(8000);
  p.done(160_000);
  expect(f.out).toEqual([
    'staging orders.csv: 40,000 rows, 10,000 rows/s, 25 %, eta 12 s\n',
    'staging orders.csv: 80,000 rows, 8,889 rows/s, 50 %, eta 9 s\n',
    'staging orders.csv: 160,000 rows in 17.0 s, 9,412 rows/s\n',
  ]);
});

test('on a terminal: one line redrawn in place, ended by the total', () => {
  const f = fake(true);
  const p = stepProgress('staging lines.csv.gz', { stream: f.stream, now: f.now });
  f.advance(3000);
  p.update(30_000, 0.1);
  f.advance(300);
  p.update(33_000, 0.11);
  f.advance(6700);
  p.done(100_000);
  expect(f.out).toEqual([
    '\r\x1b[2Kstaging lines.csv.gz: 30,000 rows, 10,000 rows/s, 10 %, eta 27 s',
    '\r\x1b[2Kstaging lines.csv.gz: 33,000 rows, 10,000 rows/s, 11 %, eta 27 s',
    '\r\x1b[2Kstaging lines.csv.gz: 100,000 rows in 10.0 s, 10,000 rows/s\n',
  ]);
});

test('a set-based step (one statement): the rows it writes and how long it has been running; rows/s when done', async () => {
  const f = fake(false);
  const p = stepProgress('writing order_lines', { stream: f.stream, now: f.now, delayMs: 0, intervalMs: 0 });
  p.update(192_000);
  f.advance(95_000);
  p.update(192_000);
  p.done(192_000);
  expect(f.out).toEqual([
    'writing order_lines: 192,000 rows, 0 s so far\n',
    'writing order_lines: 192,000 rows, 1 min 35 s so far\n',
    'writing order_lines: 192,000 rows in 95.0 s, 2,021 rows/s\n',
  ]);
  // a step with no row count: running time, then done
  const g = fake(false);
  const q = stepProgress('checks', { stream: g.stream, now: g.now, delayMs: 0, intervalMs: 0 });
  g.advance(5000);
  q.update(0);
  q.done();
  q.done(); // once only
  expect(g.out).toEqual(['checks: 5 s so far\n', 'checks: done in 5.0 s\n']);
});
