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
    expect(Object.keys(ha)).toHaveLength(18);
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

describe('the buy side', () => {
  it('each RECEIPT movement from a supplier is one purchase receipt of an order line (same units, same time), late suppliers planted', () => {
    // returned goods come back as RECEIPT movements too (RET-…): only suppliers' deliveries have purchase documents
    const moves = readTable(a, 'stock_movements').filter(
      (m) => m.kind === 'RECEIPT' && !m.external_key!.startsWith('RET-'),
    );
    const receipts = readTable(a, 'purchase_receipts');
    const lines = new Map(readTable(a, 'purchase_order_lines').map((l) => [l.po_number!, l]));
    const orders = new Map(readTable(a, 'purchase_orders').map((o) => [o.number!, o]));
    const byKey = new Map(receipts.map((r) => [r.number!, r]));
    expect(receipts.length).toBe(moves.length);
    for (const m of moves) {
      const r = byKey.get(m.external_key!);
      expect([
        m.external_key,
        r?.quantity,
        r?.received_at,
        lines.get(r?.po_number ?? '')?.sku,
        orders.get(r?.po_number ?? '')?.warehouse_code,
      ]).toEqual([m.external_key, m.quantity, m.occurred_at, m.sku, m.warehouse_code]);
    }
    const statuses = new Map<string, number>();
    for (const o of orders.values()) statuses.set(o.status!, (statuses.get(o.status!) ?? 0) + 1);
    expect([...statuses.keys()].sort()).toEqual(['PARTIALLY_RECEIVED', 'RECEIVED', 'SENT']);
    // a partially received order asked for more than came; a sent one has no receipt
    for (const o of orders.values()) {
      const got = receipts
        .filter((r) => r.po_number === o.number)
        .reduce((s, r) => s + Number(r.quantity), 0);
      const want = Number(lines.get(o.number!)!.quantity);
      if (o.status === 'SENT') expect(got).toBe(0);
      if (o.status === 'PARTIALLY_RECEIVED') expect(got).toBeLessThan(want);
      expect(got).toBeLessThanOrEqual(want);
    }
    // late = received after the line's expected date; planted: some suppliers slip over the last months
    const last = receipts.reduce((m, r) => (r.received_at! > m ? r.received_at! : m), '');
    const since = new Date(Date.parse(last) - 120 * 86_400_000).toISOString();
    const late = new Map<string, { n: number; late: number }>();
    for (const r of receipts) {
      if (r.received_at! < since) continue;
      const o = orders.get(r.po_number!)!;
      const s = late.get(o.supplier_code!) ?? { n: 0, late: 0 };
      s.n++;
      if (r.received_at!.slice(0, 10) > lines.get(r.po_number!)!.expected_date!) s.late++;
      late.set(o.supplier_code!, s);
    }
    const rates = [...late.values()].filter((s) => s.n >= 10).map((s) => s.late / s.n);
    expect(Math.max(...rates)).toBeGreaterThan(0.35);
    expect(Math.min(...rates)).toBeLessThan(0.15);
  });
});
