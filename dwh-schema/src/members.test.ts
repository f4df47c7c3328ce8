import {
  lookupMembers,
  lookupMembersById,
  mainSupplies,
  membersNamedIn,
  nameableMembers,
} from '@erp/semantic';
import { testDatabase, type TestDatabase } from '@erp/kit/test/db';
import { migrateDwh } from './migrate';

/**
 * The semantic layer's member lookups on the warehouse these migrations build (it sits upstream of
 * them, so its lookups are tested here): a customer with two SCD2 versions, a product, a warehouse
 * and two suppliers.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await testDatabase({ migrated: false });
  await migrateDwh(db.url);
  await db.pool.query(`
    INSERT INTO dw.dim_customer (customer_id, version, code, name, segment, status, valid_from, valid_to, is_current)
      VALUES (101, 1, 'CUST-001', 'Dupont (old name)', 'RETAIL', 'ACTIVE', '-infinity', '2025-01-01', false),
      (101, 2, 'CUST-001', 'Dupont Quincaillerie SARL', 'RETAIL', 'ACTIVE', '2025-01-01', 'infinity', true),
      (102, 1, 'CUST-002', 'Müller Werkzeuge GmbH', 'RETAIL', 'ACTIVE', '-infinity', 'infinity', true);
    INSERT INTO dw.dim_product (product_id, version, sku, name, status, valid_from)
      VALUES (1, 1, 'SKU-A', 'Marteau 500 g', 'ACTIVE', '-infinity');
    INSERT INTO dw.dim_warehouse (warehouse_id, code, name, city, country_code) VALUES (7, 'WH-1', 'Lyon', 'Lyon', 'FR');
    INSERT INTO dw.dim_supplier (supplier_id, code, name, country_code, status)
      VALUES (3, 'SUP-1', 'Outils Pro', 'FR', 'ACTIVE'), (4, 'SUP-2', 'Peintures SA', 'FR', 'ACTIVE');
    INSERT INTO dw.product_main_supplier (product_id, supplier_id, lead_time_days, lead_time_source, min_order_quantity)
      VALUES (1, 3, 12, 'supply', 10), (2, 4, NULL, NULL, 0);
  `);
});
afterAll(() => db.drop());

test('codes resolve to the current record of their level; unknown codes are left out', async () => {
  const customers = await lookupMembers(db.pool, 'geography.customer', ['CUST-001', 'CUST-002', 'NOPE']);
  expect([...customers.values()].sort((a, b) => a.id - b.id)).toEqual([
    { code: 'CUST-001', id: 101, name: 'Dupont Quincaillerie SARL' },
    { code: 'CUST-002', id: 102, name: 'Müller Werkzeuge GmbH' },
  ]);
  expect(await lookupMembers(db.pool, 'product.product', ['SKU-A'])).toEqual(
    new Map([['SKU-A', { code: 'SKU-A', id: 1, name: 'Marteau 500 g' }]]),
  );
  expect((await lookupMembers(db.pool, 'warehouse.warehouse', ['WH-1'])).get('WH-1')?.id).toBe(7);
  expect((await lookupMembers(db.pool, 'supplier.supplier', ['SUP-2'])).get('SUP-2')?.id).toBe(4);
  expect(await lookupMembers(db.pool, 'geography.customer', [])).toEqual(new Map());
});

test('ids resolve to the same records', async () => {
  const byId = await lookupMembersById(db.pool, 'geography.customer', [101, 999]);
  expect([...byId]).toEqual([[101, { code: 'CUST-001', id: 101, name: 'Dupont Quincaillerie SARL' }]]);
});

test('the customers a text names, by code or current name, case ignored', async () => {
  const named = await membersNamedIn(
    db.pool,
    'geography.customer',
    'revenue of DUPONT QUINCAILLERIE SARL and cust-002?',
    20,
  );
  expect(named.sort((a, b) => a.code.localeCompare(b.code))).toEqual([
    { code: 'CUST-001', name: 'Dupont Quincaillerie SARL' },
    { code: 'CUST-002', name: 'Müller Werkzeuge GmbH' },
  ]);
  expect(await membersNamedIn(db.pool, 'geography.customer', 'Dupont (old name)', 20)).toEqual([]);
  expect(await membersNamedIn(db.pool, 'geography.customer', 'CUST-001 CUST-002', 1)).toHaveLength(1);
});

test('a level without ERP records is refused', async () => {
  await expect(lookupMembers(db.pool, 'date.month', ['2026-01'])).rejects.toThrow(
    /not a level of ERP records/,
  );
});

test("each product's main supply, with the defaults of a missing lead time and order quantity", async () => {
  expect(await mainSupplies(db.pool)).toEqual(
    new Map([
      [
        1,
        {
          supplierId: 3,
          supplierCode: 'SUP-1',
          supplierName: 'Outils Pro',
          leadTimeDays: 12,
          leadTimeSource: 'supply',
          minOrderQuantity: 10,
        },
      ],
      [
        2,
        {
          supplierId: 4,
          supplierCode: 'SUP-2',
          supplierName: 'Peintures SA',
          leadTimeDays: null,
          leadTimeSource: null,
          minOrderQuantity: 1,
        },
      ],
    ]),
  );
});

test('the members a question may name: customers (current names) only when asked for', async () => {
  const without = await nameableMembers(db.pool, false);
  expect(without).toEqual(
    expect.arrayContaining([
      { level: 'product.product', key: 'SKU-A', label: 'Marteau 500 g' },
      { level: 'warehouse.warehouse', key: 'WH-1', label: 'Lyon' },
      { level: 'supplier.supplier', key: 'SUP-2', label: 'Peintures SA' },
    ]),
  );
  expect(without.filter((m) => m.level === 'geography.customer')).toEqual([]);
  const customers = (await nameableMembers(db.pool, true)).filter((m) => m.level === 'geography.customer');
  expect(customers.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
    { level: 'geography.customer', key: 'CUST-001', label: 'Dupont Quincaillerie SARL' },
    { level: 'geography.customer', key: 'CUST-002', label: 'Müller Werkzeuge GmbH' },
  ]);
});
