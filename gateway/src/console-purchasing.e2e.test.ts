import type { Page } from 'playwright-core';
import { settled, shot, startConsole, type ConsoleUnderTest } from './console-e2e';
import { type TestSystem, loadWarehouse, sellTwoDaysAgo, startFixtureSystem } from './test-system';

/**
 * The buy side in the console, in Chromium, through the public mutations only: a product sells most
 * of its stock (an order shipped through the API), the ETL loads the warehouse, and the AI page shows
 * a REORDER recommendation for it. A manager turns it into a draft purchase order with one click
 * (EN); PURCHASING opens the draft and sends it (FR); WAREHOUSE receives part of it, then the rest
 * (EN): the order goes PARTIALLY_RECEIVED then RECEIVED and the product's stock grows by the units
 * received. Each step is checked in the database; screenshots in test-artifacts/console/.
 */
let t: TestSystem;
let ui: ConsoleUnderTest;
const problems: string[] = [];
const LAPTOP = { width: 1400, height: 900 };
let hot: { productId: string; warehouseId: string };
let asOfMonth: string;

const one = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  (await t.db.pool.query(sql, params)).rows[0] as T;
const onHand = async () =>
  (
    await one<{ n: number }>(
      `SELECT on_hand AS n FROM inventory.stock_levels WHERE product_id = $1 AND warehouse_id = $2`,
      [hot.productId, hot.warehouseId],
    )
  ).n;

beforeAll(async () => {
  t = await startFixtureSystem();
  // the product with a preferred supplier and the most available stock sells all but 2 units
  const p = await one<{ productId: number; warehouseId: number; available: number }>(
    `SELECT s.product_id AS "productId", s.warehouse_id AS "warehouseId", s.on_hand - s.reserved AS available
       FROM inventory.stock_levels s JOIN suppliers.product_supplies ps ON ps.product_id = s.product_id AND ps.is_preferred
       JOIN catalog.products pr ON pr.id = s.product_id AND pr.status = 'ACTIVE'
      ORDER BY s.on_hand - s.reserved DESC, s.product_id LIMIT 1`,
  );
  if (!p || p.available < 12)
    throw new Error(`fixture: no product with stock to sell (${JSON.stringify(p)})`);
  hot = { productId: String(p.productId), warehouseId: String(p.warehouseId) };
  const customer = (
    await one<{ id: number }>(
      `SELECT id FROM customers.customers WHERE status = 'ACTIVE' ORDER BY id LIMIT 1`,
    )
  ).id;
  const manager = await t.login('MANAGER');
  await sellTwoDaysAgo(t, {
    customerId: String(customer),
    warehouseId: hot.warehouseId,
    productId: hot.productId,
    quantity: p.available - 2,
  });
  await loadWarehouse(t);
  const cal = await t.gql(`query { dataCalendar { asOf } }`, {}, manager);
  asOfMonth = String(cal.body.data.dataCalendar.asOf).slice(0, 7);
  ui = await startConsole(t, problems, LAPTOP);
}, 300_000);

afterAll(async () => {
  await ui?.close();
  await t?.close();
});

/** Waits until the element shows exactly this text (the page refetches the order after each action). */
const shows = (page: Page, testId: string, text: string) =>
  page
    .getByTestId(testId)
    .filter({ hasText: new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) })
    .waitFor();

test('a REORDER recommendation becomes a draft purchase order (EN), sent by purchasing (FR), received in two deliveries by the warehouse (EN): stock grows', async () => {
  // The recommendation the AI gives for the product, as the page will list it (the API's id).
  const last = new Date(Date.UTC(Number(asOfMonth.slice(0, 4)), Number(asOfMonth.slice(5, 7)), 0))
    .toISOString()
    .slice(0, 10);
  const recs = await t.gql(
    `query($p: OlapPeriod) { recommendations(period: $p, limit: 12, language: EN) { recommendations { id action productId warehouse { id } } } }`,
    { p: { from: `${asOfMonth}-01`, to: last } },
    await t.login('MANAGER'),
  );
  const rec = (
    recs.body.data.recommendations.recommendations as {
      id: string;
      action: string;
      productId: string | null;
      warehouse: { id: string | null } | null;
    }[]
  ).find(
    (r) => r.action === 'REORDER' && r.productId === hot.productId && r.warehouse?.id === hot.warehouseId,
  );
  expect(rec).toBeDefined();

  // A manager, in English: the AI page of the as-of month, the recommendation, one click.
  const m = await ui.signIn(t.users.MANAGER.email);
  await m.page.getByTestId('language').selectOption('en');
  await ui.go(m.page, '/ai');
  await m.page.getByTestId('ai-month').fill(asOfMonth);
  await m.page.getByTestId('ai-month').blur();
  const item = m.page.locator(`li[data-recommendation-id="${rec!.id}"]`);
  await item.waitFor();
  await item.getByTestId('draft-purchase-order').click();
  await item.getByTestId('draft-created').waitFor();
  await expect(item.getByTestId('draft-created').textContent()).resolves.toMatch(
    /^Draft purchase order PO-\S+ created: review it and send it\./,
  );
  await shot(m.page, 'purchasing-draft-from-recommendation-en');
  const po = await one<{ id: number; number: string; status: string; source: string; quantity: number }>(
    `SELECT po.id, po.number, po.status::text AS status, po.source_recommendation_id AS source, l.quantity
       FROM suppliers.purchase_orders po JOIN suppliers.purchase_order_lines l ON l.purchase_order_id = po.id WHERE po.source_recommendation_id = $1`,
    [rec!.id],
  );
  expect(po).toMatchObject({ status: 'DRAFT', source: rec!.id });
  expect(po.quantity).toBeGreaterThan(0);
  await item.getByTestId('draft-link').click();
  await m.page.waitForURL((u) => u.pathname === `/purchasing/${po.id}`);
  await settled(m.page);
  await shows(m.page, 'po-status', 'Draft');
  expect(problems).toEqual([]);
  await m.context.close();

  // PURCHASING, in French: the list, the draft, "Envoyer au fournisseur". No receive button for this role.
  const p = await ui.signIn(t.users.PURCHASING.email);
  await p.page.getByTestId('language').selectOption('fr');
  await ui.go(p.page, '/purchasing');
  await p.page.getByTestId('purchase-orders-table').getByRole('link', { name: po.number }).click();
  await p.page.waitForURL((u) => u.pathname === `/purchasing/${po.id}`);
  await settled(p.page);
  await expect(p.page.locator('main h1').textContent()).resolves.toContain(
    `Commande fournisseur ${po.number}`,
  );
  await expect(p.page.getByTestId('po-action-receive').count()).resolves.toBe(0);
  await p.page.getByTestId('po-action-send').click();
  await expect(p.page.getByTestId('po-action-done').textContent()).resolves.toBe(
    'Commande envoyée : ses quantités sont en commande.',
  );
  await shows(p.page, 'po-status', 'Envoyée');
  expect(
    await one(`SELECT status::text AS status FROM suppliers.purchase_orders WHERE id = $1`, [po.id]),
  ).toEqual({ status: 'SENT' });
  await shot(p.page, 'purchasing-sent-fr');
  expect(problems).toEqual([]);
  await p.context.close();

  // WAREHOUSE, in English: receives all but 1 unit, then the last one.
  const before = await onHand();
  const w = await ui.signIn(t.users.WAREHOUSE.email);
  await w.page.getByTestId('language').selectOption('en');
  await ui.go(w.page, `/purchasing/${po.id}`);
  await expect(w.page.getByTestId('po-action-send').count()).resolves.toBe(0);
  await w.page.getByTestId('po-action-receive').click();
  await w.page.getByTestId('po-receive-qty-1').fill(String(po.quantity - 1));
  await w.page.getByTestId('po-receive-submit').click();
  await expect(w.page.getByTestId('po-action-done').textContent()).resolves.toBe(
    'Receipt recorded: stock updated.',
  );
  await shows(w.page, 'po-status', 'Partly received');
  await expect(w.page.getByTestId('po-line-received-1').textContent()).resolves.toBe(String(po.quantity - 1));
  expect(await onHand()).toBe(before + po.quantity - 1);
  await shot(w.page, 'purchasing-partly-received-en');
  await w.page.getByTestId('po-action-receive').click();
  // the form proposes what is still open: the last unit
  await expect(w.page.getByTestId('po-receive-qty-1').inputValue()).resolves.toBe('1');
  await w.page.getByTestId('po-receive-submit').click();
  await shows(w.page, 'po-status', 'Received');
  await expect(w.page.getByTestId('po-receipts').locator('tbody tr').count()).resolves.toBe(2);
  expect(
    await one(
      `SELECT status::text AS status, (SELECT sum(quantity)::int FROM suppliers.purchase_receipts WHERE purchase_order_id = $1) AS received FROM suppliers.purchase_orders WHERE id = $1`,
      [po.id],
    ),
  ).toEqual({
    status: 'RECEIVED',
    received: po.quantity,
  });
  expect(await onHand()).toBe(before + po.quantity);
  await shot(w.page, 'purchasing-received-en');
  await w.context.close();
  expect(problems).toEqual([]);
}, 240_000);
