import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { repoRoot } from '@erp/kit';
import { testDatabase, type TestDatabase } from '@erp/kit/test/db';
import { formatSummary, importDirectory, isNativeDirectory } from './index';

const FIXTURES = path.join(__dirname, 'fixtures');
const TABLES = [
  'auth.users',
  'catalog.categories',
  'catalog.products',
  'inventory.warehouses',
  'inventory.stock_levels',
  'inventory.stock_movements',
  'customers.countries',
  'customers.regions',
  'customers.cities',
  'customers.customers',
  'customers.contacts',
  'suppliers.suppliers',
  'suppliers.contacts',
  'suppliers.product_supplies',
  'suppliers.evaluations',
  'suppliers.purchase_orders',
  'suppliers.purchase_order_lines',
  'suppliers.purchase_receipts',
  'sales.orders',
  'sales.order_lines',
  'sales.order_status_history',
  'platform.audit_log',
];
/** native file → table whose row count must equal the file's. */
const FILE_TABLES: Record<string, string> = {
  users: 'auth.users',
  categories: 'catalog.categories',
  products: 'catalog.products',
  warehouses: 'inventory.warehouses',
  customers: 'customers.customers',
  customer_contacts: 'customers.contacts',
  suppliers: 'suppliers.suppliers',
  supplier_contacts: 'suppliers.contacts',
  product_supplies: 'suppliers.product_supplies',
  supplier_evaluations: 'suppliers.evaluations',
  stock_movements: 'inventory.stock_movements',
  orders: 'sales.orders',
  order_lines: 'sales.order_lines',
  purchase_orders: 'suppliers.purchase_orders',
  purchase_order_lines: 'suppliers.purchase_order_lines',
  purchase_receipts: 'suppliers.purchase_receipts',
};

function fileRows(dir: string, entity: string): number | undefined {
  for (const name of [`${entity}.csv`, `${entity}.csv.gz`]) {
    const p = path.join(dir, name);
    if (!existsSync(p)) continue;
    const buf = name.endsWith('.gz') ? gunzipSync(readFileSync(p)) : readFileSync(p);
    return (parse(buf, { columns: true, skip_empty_lines: true }) as unknown[]).length;
  }
  return undefined;
}

async function counts(db: TestDatabase): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = (await db.pool.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n;
  return out;
}

let db: TestDatabase;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(() => db.drop());

describe('native mapping', () => {
  const dir = path.join(FIXTURES, 'native');

  test('imports the fixture set: row counts equal the files', async () => {
    const s = await importDirectory({ pool: db.pool, dir, quiet: true });
    if (s.status !== 'committed') throw new Error(formatSummary(s));
    const c = await counts(db);
    // the buy side's files are optional in a native set (a set without them imports no purchase orders)
    const optional = (entity: string) => (entity.startsWith('purchase_') ? 0 : undefined);
    for (const [entity, table] of Object.entries(FILE_TABLES))
      expect([entity, c[table]]).toEqual([entity, fileRows(dir, entity) ?? optional(entity)]);
    expect(c['inventory.stock_levels']).toBe(fileRows(dir, 'stock_levels'));
    expect(s.entities.products).toEqual({ read: 4, inserted: 4, updated: 0, unchanged: 0 });
    // on_hand from the ledger, reserved from the CONFIRMED order SO-0002 (3 × HT-002, 2 × PT-001 in Lyon).
    const { rows } = await db.pool
      .query(`SELECT p.sku, w.code, l.on_hand, l.reserved, l.reorder_point FROM inventory.stock_levels l
      JOIN catalog.products p ON p.id = l.product_id JOIN inventory.warehouses w ON w.id = l.warehouse_id ORDER BY 1, 2`);
    expect(rows).toEqual([
      { sku: 'HT-001', code: 'WH-LYON', on_hand: 96, reserved: 0, reorder_point: 20 },
      { sku: 'HT-002', code: 'WH-LYON', on_hand: 38, reserved: 3, reorder_point: 10 },
      { sku: 'PT-001', code: 'WH-LILLE', on_hand: 8, reserved: 0, reorder_point: 2 },
      { sku: 'PT-001', code: 'WH-LYON', on_hand: 14, reserved: 2, reorder_point: 5 },
    ]);
    const cat = await db.pool.query(
      `SELECT c.code, p.code AS parent FROM catalog.categories c LEFT JOIN catalog.categories p ON p.id = c.parent_id ORDER BY 1`,
    );
    expect(cat.rows).toEqual([
      { code: 'HAND-TOOLS', parent: 'TOOLS' },
      { code: 'POWER-TOOLS', parent: 'TOOLS' },
      { code: 'TOOLS', parent: null },
    ]);
    const run = await db.pool.query(
      `SELECT mapping, status, summary FROM platform.import_runs WHERE id = $1`,
      [s.runId],
    );
    expect(run.rows[0]).toMatchObject({ mapping: 'native', status: 'committed' });
  });

  test('re-import is a no-op: counts and updated_at unchanged, summary says 0 changes', async () => {
    const stamp = async () =>
      (
        await db.pool.query(`SELECT string_agg(t || ':' || n || ':' || m, ',' ORDER BY t) AS s FROM (
          SELECT 'products' t, count(*) n, max(updated_at)::text m FROM catalog.products UNION ALL
          SELECT 'customers', count(*), max(updated_at)::text FROM customers.customers UNION ALL
          SELECT 'orders', count(*), max(updated_at)::text FROM sales.orders UNION ALL
          SELECT 'lines', count(*), max(updated_at)::text FROM sales.order_lines UNION ALL
          SELECT 'levels', count(*), max(updated_at)::text FROM inventory.stock_levels UNION ALL
          SELECT 'users', count(*), max(updated_at)::text FROM auth.users UNION ALL
          SELECT 'categories', count(*), max(updated_at)::text FROM catalog.categories) x`)
      ).rows[0].s;
    const before = await counts(db);
    const stampBefore = await stamp();
    const s = await importDirectory({ pool: db.pool, dir, quiet: true });
    expect(s.status).toBe('committed');
    for (const [name, c] of Object.entries(s.entities))
      expect([name, c.inserted, c.updated]).toEqual([name, 0, 0]);
    expect(await counts(db)).toEqual(before);
    expect(await stamp()).toBe(stampBefore);
  });

  test('dry run reports and writes nothing, not even a run', async () => {
    const before = await counts(db);
    const runs = async () =>
      (await db.pool.query(`SELECT count(*)::int AS n, max(id) AS last FROM platform.import_runs`)).rows[0];
    const runsBefore = await runs();
    const s = await importDirectory({ pool: db.pool, dir, dryRun: true, quiet: true });
    expect(s.status).toBe('dry-run');
    expect(s.runId).toBeNull();
    expect(await counts(db)).toEqual(before);
    expect(await runs()).toEqual(runsBefore);
  });

  test("a folder holding none of the mapping's files fails, naming the folder; a missing folder or an unknown mapping is a one-line error", async () => {
    const foreign = mkdtempSync(path.join(tmpdir(), 'import-foreign-'));
    try {
      writeFileSync(path.join(foreign, 'Sample - Superstore.csv'), 'Row ID,Order ID\n1,CA-1\n');
      expect(isNativeDirectory(foreign)).toBe(false);
      expect(isNativeDirectory(dir)).toBe(true);
      const s = await importDirectory({ pool: db.pool, dir: foreign, mapping: 'native', quiet: true });
      expect(s.status).toBe('failed');
      expect(s.issues).toEqual([
        expect.objectContaining({
          value: foreign,
          reason: 'none of the files of mapping "native" is in this folder',
        }),
      ]);
      await expect(
        importDirectory({ pool: db.pool, dir: path.join(foreign, 'nope'), quiet: true }),
      ).rejects.toThrow(/^dir: no such folder/);
      await expect(
        importDirectory({ pool: db.pool, dir, mapping: 'superstore-typo', quiet: true }),
      ).rejects.toThrow(/^mapping: unknown mapping: use one of native, /);
      // the command: no --mapping on a foreign folder is one line on stderr and exit code 1, before any database work
      const cli = spawnSync(
        process.execPath,
        ['--import', 'tsx', path.join(repoRoot(), 'data', 'src', 'cli', 'import.ts'), '--dir', foreign],
        { encoding: 'utf8', cwd: repoRoot() },
      );
      expect(cli.status).toBe(1);
      expect(cli.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^Error \(VALIDATION\): mapping: required: .* is not in the native format; use --mapping native\|/,
        ),
      ]);
    } finally {
      rmSync(foreign, { recursive: true, force: true });
    }
  });
});

describe('a file set with 7 bad rows', () => {
  test('reports all 7 with file, line, column, value and reason, and writes nothing', async () => {
    const fresh = await testDatabase();
    try {
      const before = await counts(fresh);
      const s = await importDirectory({ pool: fresh.pool, dir: path.join(FIXTURES, 'bad'), quiet: true });
      expect(s.status).toBe('failed');
      const got = s.issues.map((i) => ({
        file: i.file,
        line: i.line,
        column: i.column,
        value: i.value,
        reason: i.reason,
      }));
      expect(got).toHaveLength(7);
      const find = (file: string, column: string) => got.find((i) => i.file === file && i.column === column);
      // file, column, line, value, and the reason (a message or the pattern it matches)
      const bad: [string, string, number, string, string | RegExp][] = [
        ['products.csv', 'list_price', 3, '24.0O', /decimal/],
        ['users.csv', 'role', 4, 'CEO', /not one of/],
        ['customers.csv', 'name', 4, '', 'required value is missing'],
        ['order_lines.csv', 'sku', 6, 'NOPE-1', /unknown product/],
        ['order_lines.csv', 'quantity', 7, '-2', 'must be at least 1'],
        ['orders.csv', 'ordered_at', 4, '2025-01-16T25:00:00Z', /ISO 8601/],
        ['products.csv', 'sku', 6, 'HT-001', /duplicate key \(first at line 2\)/],
      ];
      for (const [file, column, line, value, reason] of bad)
        expect(find(file, column)).toMatchObject({
          line,
          value,
          reason: typeof reason === 'string' ? reason : expect.stringMatching(reason),
        });
      const after = await counts(fresh);
      expect(after).toEqual(before);
      expect(Object.values(after).every((n) => n === 0)).toBe(true);
      const run = await fresh.pool.query(`SELECT status FROM platform.import_runs`);
      expect(run.rows).toEqual([{ status: 'failed' }]);
    } finally {
      await fresh.drop();
    }
  });
});

const generated = path.join(repoRoot(), 'data', 'native');
// data/native is committed: a missing set is a failure, not a reason to skip.
describe('the generated data/native set', () => {
  test('imports with row counts equal to the files', async () => {
    expect(
      existsSync(path.join(generated, 'orders.csv.gz')) || existsSync(path.join(generated, 'orders.csv')),
    ).toBe(true);
    const fresh = await testDatabase();
    try {
      const s = await importDirectory({ pool: fresh.pool, dir: generated, quiet: true });
      if (s.status !== 'committed') throw new Error(formatSummary(s).slice(0, 20000));
      const c = await counts(fresh);
      const files = readdirSync(generated);
      for (const [entity, table] of Object.entries(FILE_TABLES))
        if (files.some((f) => f.startsWith(`${entity}.csv`)))
          expect([entity, c[table]]).toEqual([entity, fileRows(generated, entity)]);
    } finally {
      await fresh.drop();
    }
  }, 600_000);
});
