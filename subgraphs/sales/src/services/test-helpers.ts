/** Shared set-up of the sales tests: a fresh database, the catalog subgraph in-process as the stock. */
import { createPool } from '@erp/kit';
import type { BaseContext, Subgraph } from '@erp/kit/graphql';
import { testDatabase, type TestDatabase } from '@erp/kit/test/db';
import { dataOf, execute, identity, quietLogger } from '@erp/kit/test/graphql';
import { createCatalogSubgraph } from '@erp/subgraph-catalog';
import { localInventory, type CustomerDirectory, type Inventory } from '../inventory';
import { createSalesSubgraph } from '../server';

export const SECRET = 'x'.repeat(32);

/**
 * A customer directory for the tests that are not about customers: every id is an ACTIVE customer
 * of whoever asks. The checks themselves are tested against the real customers subgraph (references.test.ts).
 */
export const anyCustomer: CustomerDirectory = {
  customer: async (actor) => ({ status: 'ACTIVE', salesRepId: actor.userId }),
};
export const manager = identity('MANAGER', 1);

/**
 * The stock for the tests that confirm no order: reserving fails loudly, the rest answers "nothing
 * held"; `products` says what the catalog knows of products (nothing by default).
 */
export function stocklessInventory(products: Inventory['products'] = async () => new Map()): Inventory {
  return {
    reserve: async () => {
      throw new Error('not in these tests');
    },
    release: async () => undefined,
    ship: async () => undefined,
    undoShipment: async () => undefined,
    holds: async () => [],
    warehouseExists: async () => true,
    products,
  };
}

/** Sales alone on a fresh database, without stock (stocklessInventory) and with anyCustomer. */
export async function salesAlone(): Promise<{ db: TestDatabase; sales: Subgraph<BaseContext> }> {
  const db = await testDatabase();
  const sales = (await createSalesSubgraph({
    pool: db.pool,
    log: quietLogger(),
    identitySecret: SECRET,
    production: false,
    inventory: stocklessInventory(),
    customers: anyCustomer,
  })) as unknown as Subgraph<BaseContext>;
  return { db, sales };
}

export interface World {
  db: TestDatabase;
  catalog: Subgraph<BaseContext>;
  sales: Subgraph<BaseContext>;
  warehouseId: string;
  stop(): Promise<void>;
}

/**
 * `separatePools`: the catalog and sales each get their own pool of 15, as in the running system
 * (a sales step holding its connection while it calls the catalog must not wait for its own pool).
 */
export async function world(
  wrap: (inv: Inventory) => Inventory = (i) => i,
  opts: { separatePools?: boolean; customers?: (pool: import('pg').Pool) => Promise<CustomerDirectory> } = {},
): Promise<World> {
  const db = await testDatabase();
  const log = quietLogger();
  const own = opts.separatePools
    ? [
        createPool(db.url, { max: 15, applicationName: 'erp-catalog' }),
        createPool(db.url, { max: 15, applicationName: 'erp-sales' }),
      ]
    : [];
  const catalogPool = own[0] ?? db.pool;
  const salesPool = own[1] ?? db.pool;
  const catalog = (await createCatalogSubgraph({
    pool: catalogPool,
    log,
    identitySecret: SECRET,
    production: false,
  })) as unknown as Subgraph<BaseContext>;
  const sales = (await createSalesSubgraph({
    pool: salesPool,
    log,
    identitySecret: SECRET,
    production: false,
    inventory: wrap(localInventory(catalog)),
    customers: opts.customers ? await opts.customers(db.pool) : anyCustomer,
  })) as unknown as Subgraph<BaseContext>;
  dataOf(
    await execute(
      catalog,
      manager,
      `mutation { createCategory(input: {code: "TOOLS", name: "Tools"}) { id } }`,
    ),
  );
  const w = dataOf(
    await execute(
      catalog,
      manager,
      `mutation { createWarehouse(input: {code: "LYS", name: "Lyon", city: "Lyon", countryCode: "FR"}) { id } }`,
    ),
  );
  return {
    db,
    catalog,
    sales,
    warehouseId: w.createWarehouse.id,
    async stop() {
      await sales.stop();
      await catalog.stop();
      for (const p of own) await p.end();
      await db.drop();
    },
  };
}

/** A catalog product with `onHand` units received in the world's warehouse. */
export async function product(w: World, sku: string, onHand: number): Promise<string> {
  const p = dataOf(
    await execute(
      w.catalog,
      manager,
      `mutation($sku: String!) { createProduct(input: {sku: $sku, name: $sku, categoryId: "1", listPrice: "10"}) { id } }`,
      { sku },
    ),
  );
  const id = p.createProduct.id as string;
  if (onHand > 0) {
    dataOf(
      await execute(
        w.catalog,
        manager,
        `mutation($w: ID!, $p: ID!, $q: Int!, $r: String!) { recordReceipt(input: {warehouseId: $w, reference: $r, lines: [{productId: $p, quantity: $q}]}) { id } }`,
        {
          w: w.warehouseId,
          p: id,
          q: onHand,
          r: `PO-${sku}`,
        },
      ),
    );
  }
  return id;
}

/** on_hand, reserved, the ledger sum and the active reservations of a product in the warehouse. */
export async function stockOf(w: World, productId: string) {
  const { rows } = await w.db.pool.query(
    `SELECT s.on_hand, s.reserved,
       (SELECT coalesce(sum(quantity), 0)::int FROM inventory.stock_movements m WHERE m.product_id = s.product_id AND m.warehouse_id = s.warehouse_id) AS ledger,
       (SELECT coalesce(sum(quantity), 0)::int FROM inventory.stock_reservations r
         WHERE r.product_id = s.product_id AND r.warehouse_id = s.warehouse_id AND r.status = 'ACTIVE') AS active
     FROM inventory.stock_levels s WHERE product_id = $1 AND warehouse_id = $2`,
    [productId, w.warehouseId],
  );
  return rows[0] ?? { on_hand: 0, reserved: 0, ledger: 0, active: 0 };
}

export const ORDER_FIELDS = `id number status salesRepId customer { id } warehouse { id }
  lines { lineNo product { id } quantity unitPrice discount taxRate netAmount taxAmount grossAmount }
  totals { netAmount taxAmount grossAmount } statusHistory { fromStatus toStatus changedBy note }`;

export const CREATE = `mutation($input: CreateOrderInput!, $k: String) { createOrder(input: $input, idempotencyKey: $k) { ${ORDER_FIELDS} } }`;

export function lines(...l: [productId: string, quantity: number, unitPrice?: string][]) {
  return l.map(([productId, quantity, unitPrice]) => ({
    productId,
    quantity,
    unitPrice: unitPrice ?? '10.00',
  }));
}

/**
 * Runs `check` while the sales step that sets `status` fails for one order (a trigger in this
 * throw-away test database: step 3 of the saga, after the stock call), then repairs it.
 */
export async function failingStep(
  w: World,
  status: 'CONFIRMED' | 'SHIPPED',
  orderNumber: string,
  check: () => Promise<void>,
): Promise<void> {
  const name = `fail_${status.toLowerCase()}`;
  await w.db.pool.query(`CREATE FUNCTION public.${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.status = '${status}' AND NEW.number = '${orderNumber}' THEN RAISE EXCEPTION 'step 3 broken'; END IF; RETURN NEW; END $$`);
  await w.db.pool.query(
    `CREATE TRIGGER ${name} BEFORE UPDATE ON sales.orders FOR EACH ROW EXECUTE FUNCTION public.${name}()`,
  );
  try {
    await check();
  } finally {
    await w.db.pool.query(`DROP TRIGGER ${name} ON sales.orders; DROP FUNCTION public.${name}()`);
  }
}
