import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { generate, importDirectory } from '@erp/data';
import { runEtl, type EntityResult } from '@erp/etl';
import { PASSWORD, startTestSystem, type TestSystem } from './test-system';

/**
 * The stock ledger in the warehouse, through the API only: movements recorded through the gateway
 * (WAREHOUSE receives, transfers, adjusts) and the generated ledger are loaded by the ETL into
 * fact_stock_movement exactly once (a rerun writes nothing; a new movement adds one row), and the
 * semantic model's stock movement measures read the ledger's sums: by warehouse and movement kind,
 * and over all the data the net movement is the stock on hand.
 */
jest.setTimeout(240_000);

let sys: TestSystem;
let dir: string;
let warehouse: string;
let manager: string;

/** One ETL run through the gateway as the ETL service account; it must succeed. What it did with the stock ledger. */
async function loadLedger(): Promise<EntityResult> {
  const run = await runEtl({
    gatewayUrl: sys.system.gatewayUrl,
    credentials: { email: sys.services.ETL_SERVICE.email, password: PASSWORD },
    dwhUrl: sys.dwh.url,
  });
  expect(run.message).toMatch(/SUCCEEDED/);
  return run.entities.find((e) => e.entity === 'stockMovements')!;
}
/** A query's rows as arrays of values. */
const rows = async (pool: pg.Pool, sql: string) =>
  (await pool.query({ text: sql, rowMode: 'array' })).rows as unknown[][];
const count = async (pool: pg.Pool, table: string) =>
  (await rows(pool, `SELECT count(*)::int FROM ${table}`))[0]![0] as number;
/** A GraphQL operation through the gateway that must answer without errors: its data. */
async function answer<T>(token: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const r = await sys.gql<T>(query, variables, token);
  expect(r.body.errors ?? []).toEqual([]);
  return r.body.data!;
}

beforeAll(async () => {
  sys = await startTestSystem();
  dir = mkdtempSync(path.join(tmpdir(), 'stock-movements-bi-'));
  await generate({ scale: 0.01, seed: 5, out: dir, start: '2025-01-01', months: 3, gzip: true, quiet: true });
  const summary = await importDirectory({ pool: sys.db.pool, dir, quiet: true });
  if (summary.status !== 'committed')
    throw new Error(`import failed: ${JSON.stringify(summary.issues.slice(0, 5))}`);
  [warehouse, manager] = await Promise.all([sys.login('WAREHOUSE'), sys.login('MANAGER')]);
});

afterAll(async () => {
  await sys?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Two products held in the first warehouse, and a second warehouse. */
async function pick() {
  const held = await sys.db.pool.query<{ product_id: number; warehouse_id: number }>(
    `SELECT product_id, warehouse_id FROM inventory.stock_levels WHERE on_hand - reserved >= 5 ORDER BY warehouse_id, product_id LIMIT 2`,
  );
  const [a, b] = held.rows;
  const other = await sys.db.pool.query<{ id: number }>(
    `SELECT id FROM inventory.warehouses WHERE id <> $1 ORDER BY id LIMIT 1`,
    [a!.warehouse_id],
  );
  return { from: a!.warehouse_id, to: other.rows[0]!.id, products: [a!.product_id, b!.product_id] };
}

/** Every movement of the OLTP ledger, as the fact must hold it (by natural keys). */
const OLTP_LEDGER = `SELECT id, product_id, warehouse_id, kind::text, quantity, greatest(quantity, 0), greatest(-quantity, 0), reference, external_key,
                            to_char((occurred_at AT TIME ZONE 'UTC')::date, 'YYYYMMDD')::int
                       FROM inventory.stock_movements ORDER BY id`;
const DW_LEDGER = `SELECT f.movement_id, p.product_id, w.warehouse_id, f.movement_kind, f.quantity, f.quantity_in, f.quantity_out, f.source_reference,
                          f.source_key, f.movement_date_key
                     FROM dw.fact_stock_movement f JOIN dw.dim_product p USING (product_key) JOIN dw.dim_warehouse w USING (warehouse_key) ORDER BY 1`;

test('the stock ledger reaches fact_stock_movement once: every movement with its kind, quantities and day; a rerun writes nothing; a new movement adds one row', async () => {
  const p = await pick();
  const receipt = {
    warehouseId: String(p.from),
    reference: 'RC-TEST-1',
    lines: p.products.map((id) => ({ productId: String(id), quantity: 6 })),
  };
  await answer(warehouse, `mutation($in: RecordReceiptInput!) { recordReceipt(input: $in) { id } }`, {
    in: receipt,
  });
  const transfer = {
    fromWarehouseId: String(p.from),
    toWarehouseId: String(p.to),
    productId: String(p.products[0]),
  };
  await answer(warehouse, `mutation($in: TransferStockInput!) { transferStock(input: $in) { id } }`, {
    in: { ...transfer, quantity: 4, reference: 'TR-TEST-1' },
  });

  const first = await loadLedger();
  const oltp = await rows(sys.db.pool, OLTP_LEDGER);
  expect(oltp.length).toBeGreaterThan(100);
  expect(first).toMatchObject({ status: 'SUCCEEDED', extracted: oltp.length, inserted: oltp.length });
  expect(await rows(sys.dwh.pool, DW_LEDGER)).toEqual(oltp);
  // the generator's ledger has every kind but a transfer; ours adds one
  expect(
    (await rows(sys.dwh.pool, 'SELECT DISTINCT movement_kind FROM dw.fact_stock_movement ORDER BY 1')).flat(),
  ).toEqual(expect.arrayContaining(['OPENING', 'RECEIPT', 'SHIPMENT', 'TRANSFER_IN', 'TRANSFER_OUT']));
  const wm = await rows(sys.dwh.pool, `SELECT last_id FROM meta.watermarks WHERE entity = 'stockMovements'`);
  expect(wm).toEqual([[String(oltp.at(-1)![0])]]);

  // A rerun: the movements re-read in the lookback are skipped, nothing is written.
  expect(await loadLedger()).toMatchObject({ inserted: 0, written: 0 });
  expect(await count(sys.dwh.pool, 'dw.fact_stock_movement')).toBe(oltp.length);

  // One more movement: the next run adds exactly that one.
  const adjustment = { warehouseId: String(p.from), productId: String(p.products[1]) };
  await answer(warehouse, `mutation($in: RecordAdjustmentInput!) { recordAdjustment(input: $in) { id } }`, {
    in: { ...adjustment, quantity: -2, reason: 'damaged in the count' },
  });
  expect(await loadLedger()).toMatchObject({ inserted: 1 });
  expect(await count(sys.dwh.pool, 'dw.fact_stock_movement')).toBe(oltp.length + 1);
  expect(await count(sys.db.pool, 'inventory.stock_movements')).toBe(oltp.length + 1);
  expect(await rows(sys.dwh.pool, DW_LEDGER)).toEqual(await rows(sys.db.pool, OLTP_LEDGER));
});

type Result = {
  rows: { members: { key: string }[]; values: { measure: string; value: string | null }[] }[];
  totals: { measure: string; value: string | null }[];
};
const MEASURES = ['stockUnitsIn', 'stockUnitsOut', 'stockNetMovement', 'stockMovementCount'];
const OLAP = `query($q: OlapQuery!) { olap(query: $q) { rows { members { key } values { measure value } } totals { measure value } } }`;

test('the stock movement measures are the ledger: by warehouse × movement kind as the OLTP sums them, the net movement over all the data is the stock on hand; not for SALES', async () => {
  const explored = await answer<{ olap: Result }>(manager, OLAP, {
    q: { measures: MEASURES, dimensions: ['warehouse.warehouse', 'stockMovementKind.kind'] },
  });
  const got = explored.olap.rows
    .map((r) => [
      ...r.members.map((m) => m.key),
      ...MEASURES.map((name) => r.values.find((v) => v.measure === name)!.value),
    ])
    .sort((a, b) => `${a[0]}:${a[1]}`.localeCompare(`${b[0]}:${b[1]}`));
  const oracle = await rows(
    sys.db.pool,
    `SELECT w.code, m.kind::text, sum(greatest(m.quantity, 0))::text, sum(greatest(-m.quantity, 0))::text, sum(m.quantity)::text, count(*)::text
       FROM inventory.stock_movements m JOIN inventory.warehouses w ON w.id = m.warehouse_id GROUP BY 1, 2`,
  );
  expect(got).toEqual(oracle.sort((a, b) => `${a[0]}:${a[1]}`.localeCompare(`${b[0]}:${b[1]}`)));

  // over all the data, by warehouse: the net movement is the stock on hand (the ledger is its only writer)
  const byWarehouse = await answer<{ olap: Result }>(manager, OLAP, {
    q: { measures: ['stockNetMovement'], dimensions: ['warehouse.warehouse'] },
  });
  const onHand = await rows(
    sys.db.pool,
    `SELECT w.code, sum(s.on_hand)::text FROM inventory.stock_levels s JOIN inventory.warehouses w ON w.id = s.warehouse_id GROUP BY 1 ORDER BY 1`,
  );
  expect(byWarehouse.olap.rows.map((r) => [r.members[0]!.key, r.values[0]!.value]).sort()).toEqual(onHand);
  expect(byWarehouse.olap.totals[0]!.value).toBe(String(onHand.reduce((s, [, n]) => s + Number(n), 0)));

  // a filter on one movement kind keeps its movements only
  const shipped = await answer<{ olap: Result }>(manager, OLAP, {
    q: { measures: ['stockUnitsOut'], filters: [{ level: 'stockMovementKind.kind', members: ['SHIPMENT'] }] },
  });
  expect(shipped.olap.totals[0]!.value).toBe(
    String(
      (
        await rows(
          sys.db.pool,
          `SELECT -sum(quantity)::int FROM inventory.stock_movements WHERE kind = 'SHIPMENT'`,
        )
      )[0]![0],
    ),
  );

  const refused = await sys.gql(OLAP, { q: { measures: ['stockNetMovement'] } }, await sys.login('SALES'));
  expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});
