import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate } from './generate';
import { readTable, verifyDataset } from './verify';

const base = { scale: 0.05, start: '2024-09-01', months: 26, gzip: true, quiet: true };
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'erp-gen-'));
  dirs.push(d);
  return d;
};
const hashes = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [
        f,
        createHash('sha256')
          .update(readFileSync(path.join(dir, f)))
          .digest('hex'),
      ]),
  );

let a: string;
let b: string;

beforeAll(async () => {
  a = tmp();
  b = tmp();
  await generate({ ...base, seed: 42, out: a });
  await generate({ ...base, seed: 42, out: b });
});

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('data generator', () => {
  it('writes byte-identical files for the same seed and scale', () => {
    const ha = hashes(a);
    expect(Object.keys(ha)).toHaveLength(15);
    expect(hashes(b)).toEqual(ha);
  });

  it('writes different data for another seed', async () => {
    const c = tmp();
    await generate({ ...base, seed: 43, out: c });
    const ha = hashes(a);
    const hc = hashes(c);
    expect(hc['orders.csv.gz']).not.toEqual(ha['orders.csv.gz']);
    expect(hc['customers.csv.gz']).not.toEqual(ha['customers.csv.gz']);
  });

  it('satisfies every constraint: keys, references, status timestamps, the stock ledger', () => {
    const { errors, stats } = verifyDataset(a);
    expect(errors).toEqual([]);
    expect(stats.negatives).toBe(0);
    expect(stats.orders).toBe(2000);
    expect(stats.customers).toBe(100);
  });

  it('honours --start and --months (a start mid-month still gives month-start evaluations)', async () => {
    const c = tmp();
    await generate({ ...base, seed: 5, out: c, start: '2025-01-15', months: 6 });
    const { errors } = verifyDataset(c);
    expect(errors).toEqual([]);
    const orders = readTable(c, 'orders');
    expect(orders[0]!.ordered_at! >= '2025-01-15').toBe(true);
    expect(orders.at(-1)!.ordered_at! < '2025-07-15').toBe(true);
  });

  it('writes plain CSV that matches the gzipped set when --gzip false', async () => {
    const c = tmp();
    await generate({ ...base, seed: 42, out: c, gzip: false });
    expect(readdirSync(c).every((f) => f.endsWith('.csv'))).toBe(true);
    expect(readTable(c, 'order_lines')).toEqual(readTable(a, 'order_lines'));
  });

  it('has the expected shapes: statuses, returns, seasonality, anomalies', () => {
    const orders = readTable(a, 'orders');
    const statuses = new Set(orders.map((o) => o.status));
    for (const s of ['DELIVERED', 'CANCELLED']) expect(statuses).toContain(s);
    expect(orders.some((o) => o.kind === 'RETURN')).toBe(true);
    const cancelled = orders.filter((o) => o.status === 'CANCELLED').length / orders.length;
    expect(cancelled).toBeGreaterThan(0.01);
    expect(cancelled).toBeLessThan(0.06);
    expect(orders[0]!.ordered_at! >= '2024-09-01').toBe(true);
    expect(orders.at(-1)!.ordered_at! < '2026-11-01').toBe(true);
    // old orders are settled; only the last weeks hold open orders
    for (const o of orders)
      if (o.ordered_at! < '2026-10-01') expect(['DELIVERED', 'CANCELLED']).toContain(o.status);
    const users = readTable(a, 'users');
    expect(users.filter((u) => u.role === 'SALES').length).toBeGreaterThanOrEqual(8);
    for (const u of users) expect(u.email).toMatch(/^[a-z]+\.[a-z]+@distribution\.example$/);
    const anomalies = readTable(a, 'planted_anomalies');
    expect(anomalies.length).toBeGreaterThanOrEqual(20);
    expect(anomalies.length).toBeLessThanOrEqual(40);
    const levels = readTable(a, 'stock_levels');
    expect(levels).toHaveLength(readTable(a, 'products').length * 4);
  });
});
