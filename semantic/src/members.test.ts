import { testDatabase, type TestDatabase } from '@erp/kit/test/db';
import { lookupMembers, lookupMembersById, mainSupplies, membersNamedIn } from './members';

/**
 * Member lookups on the few warehouse tables they read (the migrations live downstream of this
 * package): a customer with two SCD2 versions, a product, a warehouse and a supplier.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await testDatabase({ migrated: false });
  await db.pool.query(`
    CREATE SCHEMA dw;
    CREATE TABLE dw.dim_customer (customer_id integer, code text, name text, is_current boolean);
    CREATE TABLE dw.dim_category (category_key integer, code text, name text);
    CREATE TABLE dw.dim_product (product_id integer, sku text, name text, category_key integer, is_current boolean);
    CREATE TABLE dw.dim_warehouse (warehouse_id integer, code text, name text);
    CREATE TABLE dw.dim_supplier (supplier_id integer, code text, name text);
    CREATE TABLE dw.product_main_supplier (product_id integer, supplier_id integer, lead_time_days numeric,
      lead_time_source text, min_order_quantity integer);
    INSERT INTO dw.dim_customer VALUES (101, 'CUST-001', 'Dupont (old name)', false),
      (101, 'CUST-001', 'Dupont Quincaillerie SARL', true), (102, 'CUST-002', 'Müller Werkzeuge GmbH', true);
    INSERT INTO dw.dim_product VALUES (1, 'SKU-A', 'Marteau 500 g', NULL, true);
    INSERT INTO dw.dim_warehouse VALUES (7, 'WH-1', 'Lyon');
    INSERT INTO dw.dim_supplier VALUES (3, 'SUP-1', 'Outils Pro'), (4, 'SUP-2', 'Peintures SA');
    INSERT INTO dw.product_main_supplier VALUES (1, 3, 12, 'supply', 10), (2, 4, NULL, NULL, 0);
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
