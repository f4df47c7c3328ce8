import type { Page } from 'playwright-core';
import { PAGE_ORDER } from '@erp/console/auth/roles';
import {
  open,
  settled,
  shot,
  login as signIn,
  type Win,
  startConsole,
  type ConsoleUnderTest,
} from './console-e2e';
import { type TestSystem, startFixtureSystem } from './test-system';

/**
 * The web console (console/) end to end: the production build served by
 * startConsoleServer against a real gateway (fixture data), driven in Debian's Chromium by
 * playwright-core as users of different roles. Screenshots of every page: test-artifacts/console/.
 * The dashboards and the explorer on warehouse data (after an ETL run): console-analytics.e2e.test.ts.
 */
let t: TestSystem;
let ui: ConsoleUnderTest;
const problems: string[] = [];

beforeAll(async () => {
  t = await startFixtureSystem();
  ui = await startConsole(t, problems);
}, 240_000);

afterAll(async () => {
  await ui?.close();
  await t?.close();
});

const newPage = (viewport?: { width: number; height: number }) => ui.open(viewport);

/** The order's status badge shows this (after the refetch that follows an action). */
async function orderStatus(page: Page, text: string) {
  await page.locator('[data-testid="order-status"]', { hasText: text }).waitFor({ timeout: 10_000 });
}

const login = (page: Page, email: string) => signIn(page, ui.server.url, email);

const navPages = (page: Page) =>
  page
    .locator('nav a[data-testid^="nav-"]')
    .evaluateAll((as) => as.map((a) => a.getAttribute('data-testid')!.slice(4)));

test('an administrator signs in, opens every page in both languages, works an order through its workflow, and signs out', async () => {
  const { context, page } = await newPage();
  await page.goto(ui.server.url);
  await page.getByTestId('login-submit').waitFor();
  expect(new URL(page.url()).pathname).toBe('/login');
  await shot(page, 'login');

  // a wrong password is told, not only logged
  await page.getByTestId('email').fill(t.users.ADMIN.email);
  await page.getByTestId('password').fill('wrong password');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error').textContent()).resolves.toBe('Wrong e-mail or password.');
  // the gateway answers a failed login with HTTP 401, which Chromium reports on its console: expected here only
  expect(problems.splice(0)).toEqual([expect.stringMatching(/status of 401.*\/graphql/)]);

  await login(page, t.users.ADMIN.email);
  const pages = await navPages(page);
  // every page of the console's matrix, in the navigation's order
  expect(pages).toEqual(PAGE_ORDER);

  for (const lang of ['en', 'fr'] as const) {
    if (lang === 'fr') {
      await page.getByTestId('language').selectOption('fr');
      await expect(page.getByTestId('nav-orders').textContent()).resolves.toBe('Commandes');
    }
    for (const p of pages) {
      await open(page, p);
      await shot(page, `${p}-${lang}`);
    }
  }

  // the language is kept for this user, and a reload keeps the session (refresh token in sessionStorage)
  await page.reload();
  await settled(page);
  await expect(page.getByTestId('nav-orders').textContent()).resolves.toBe('Commandes');
  // only the refresh token is stored (sessionStorage); the access token stays in memory
  const stored = await page.evaluate(() => {
    const w = globalThis as unknown as Win;
    return {
      session: Object.keys(w.sessionStorage).filter((k) => k.startsWith('erp.')),
      local: JSON.stringify({ ...w.localStorage }),
    };
  });
  expect(stored.session).toEqual(['erp.console.refreshToken']);
  expect(stored.local).not.toMatch(/ey[A-Za-z0-9_-]{10,}\./);
  await page.getByTestId('language').selectOption('en');

  // orders: filters and the products' data
  await open(page, 'orders');
  await expect(page.locator('[data-testid="orders-table"] tbody tr').count()).resolves.toBe(5);
  await page.getByTestId('filter-status').selectOption('CONFIRMED');
  await page.getByTestId('filter-apply').click();
  await page.waitForURL(/status=CONFIRMED/);
  await settled(page);
  await expect(page.locator('[data-testid="orders-table"] tbody tr').count()).resolves.toBe(1);
  await page.getByTestId('filter-status').selectOption('');
  await page.getByTestId('filter-search').fill('SO-0003');
  await page.getByTestId('filter-from').fill('2025-01-16');
  await page.getByTestId('filter-to').fill('2025-01-16');
  await page.getByTestId('filter-apply').click();
  await page.waitForURL(/search=SO-0003/);
  await settled(page);
  await expect(page.locator('[data-testid="orders-table"] tbody tr').count()).resolves.toBe(1);

  // SO-0003 (DRAFT): confirm (stock reserved, or INSUFFICIENT_STOCK naming the product), then cancel with a reason
  await page.getByRole('link', { name: /SO-0003/ }).click();
  await settled(page);
  await page.getByTestId('action-confirm').click();
  await page.locator('[data-testid="action-done"], [data-testid="action-error"]').first().waitFor();
  if (await page.getByTestId('action-error').count())
    await expect(page.getByTestId('action-error').textContent()).resolves.toMatch(
      /^Not enough stock for PT-001: /,
    );
  else await orderStatus(page, 'Confirmed');
  await shot(page, 'order-detail-en');
  await page.getByTestId('action-cancel').click();
  await page.getByTestId('cancel-submit').click();
  await expect(page.getByRole('alert').first().textContent()).resolves.toContain('Give a reason');
  await page.getByTestId('cancel-reason').fill('Customer changed their mind');
  await page.getByTestId('cancel-submit').click();
  await page.getByTestId('action-done').waitFor();
  await orderStatus(page, 'Cancelled');
  await expect(page.locator('.history').first().textContent()).resolves.toContain(
    'Customer changed their mind',
  );

  // SO-0002 (CONFIRMED): ship, then deliver
  await open(page, 'orders');
  await page.getByRole('link', { name: /SO-0002/ }).click();
  await settled(page);
  await page.getByTestId('action-ship').click();
  await page.getByTestId('action-deliver').waitFor();
  await orderStatus(page, 'Shipped');
  await page.getByTestId('action-deliver').click();
  await page.getByTestId('action-done').waitFor();
  await orderStatus(page, 'Delivered');
  await expect(page.getByTestId('action-confirm').count()).resolves.toBe(0);

  // products: stock per warehouse with low stock highlighted; suppliers: scorecard with its trend chart
  await open(page, 'products');
  await expect(page.locator('[data-testid="products-table"] tbody tr').count()).resolves.toBeGreaterThan(0);
  await open(page, 'suppliers');
  await page.getByTestId('scorecard').waitFor();
  await page.locator('[data-testid="scorecard"] .apexcharts-canvas').waitFor();

  // customers: the administrator sees the contact data
  await open(page, 'customers');
  await expect(page.locator('[data-testid="customer-email"]').allTextContents()).resolves.toContain(
    'contact@atelier-dupont.example',
  );
  await expect(page.getByTestId('hidden').count()).resolves.toBe(0);

  // tablet width: the navigation moves on top, the tables stay usable
  await page.setViewportSize({ width: 820, height: 1180 });
  await open(page, 'orders');
  await shot(page, 'orders-tablet-en');
  await page.setViewportSize({ width: 1366, height: 900 });

  const beforeLogout = problems.length;
  await page.getByTestId('logout').click();
  await page.getByTestId('login-submit').waitFor();
  await expect(
    page.evaluate(() => (globalThis as unknown as Win).sessionStorage.getItem('erp.console.refreshToken')),
  ).resolves.toBeNull();
  await page.goto(`${ui.server.url}customers`);
  await page.getByTestId('login-submit').waitFor();
  await context.close();
  // signed out, a request still in flight is refused by the gateway (401, anonymous): the browser logs it
  const afterLogout = problems
    .splice(beforeLogout)
    .filter((p) => !/status of 401 \(Unauthorized\) \(http:\/\/[^)]+\/graphql\)/.test(p));
  expect([...problems, ...afterLogout]).toEqual([]);
}, 180_000);

test('an analyst sees no customer e-mail or phone (a "hidden" marker instead) and only the pages of the role', async () => {
  const { context, page } = await newPage();
  await login(page, t.users.ANALYST.email);
  const pages = await navPages(page);
  expect(pages).toContain('pipeline'); // the run history, read-only
  expect(pages).toContain('customers');
  await open(page, 'customers');
  const rows = await page.locator('[data-testid="customers-table"] tbody tr').count();
  expect(rows).toBeGreaterThan(0);
  const emails = await page.locator('[data-testid="customer-email"]').allTextContents();
  expect(emails.join(' ')).not.toContain('@');
  await expect(page.locator('[data-testid="customer-email"] [data-testid="hidden"]').count()).resolves.toBe(
    rows,
  );
  await shot(page, 'customers-analyst-en');
  // no workflow button for a read-only role
  await open(page, 'orders');
  await page.getByRole('link', { name: /SO-0001/ }).click();
  await settled(page);
  await expect(page.locator('[data-testid^="action-"]').count()).resolves.toBe(0);
  // the pipeline's history, but no run button for a read-only role
  await open(page, 'pipeline');
  await expect(page.locator('[data-testid="run-pipeline"]').count()).resolves.toBe(0);
  await context.close();
  expect(problems).toEqual([]);
}, 120_000);

test('a warehouse user gets only stock, orders and suppliers, and the console server refuses what it should', async () => {
  const { context, page } = await newPage();
  await login(page, t.users.WAREHOUSE.email);
  expect(await navPages(page)).toEqual(['orders', 'products', 'suppliers', 'purchasing']);
  // a page the role may not use sends to its first page
  await page.goto(`${ui.server.url}pipeline`);
  await settled(page);
  expect(new URL(page.url()).pathname).toBe('/orders');
  await context.close();

  const base = ui.server.url.replace(/\/$/, '');
  const index = await fetch(`${base}/orders/123`);
  expect(index.status).toBe(200);
  expect(index.headers.get('content-type')).toContain('text/html');
  expect(index.headers.get('cache-control')).toBe('no-cache');
  const html = await index.text();
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
  const js = await fetch(`${base}${asset}`);
  expect(js.headers.get('content-type')).toContain('text/javascript');
  expect(js.headers.get('cache-control')).toContain('immutable');
  expect((await fetch(`${base}/assets/missing-abcdefgh.js`)).status).toBe(404);
  expect((await fetch(`${base}/..%2f..%2fpackage.json`)).status).toBe(404);
  expect((await fetch(`${base}/graphql`)).status).toBe(405);
  const big = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `{ me { id } }`, pad: 'x'.repeat(2 * 1024 * 1024) }),
  });
  expect(big.status).toBe(413);
  const me = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.login('WAREHOUSE')}` },
    body: JSON.stringify({ query: '{ me { role } }' }),
  });
  expect(await me.json()).toEqual({ data: { me: { role: 'WAREHOUSE' } } });
  expect(problems).toEqual([]);
}, 60_000);

test('detail pages opened from the lists with the keyboard: a product and its stock per warehouse, a customer and their orders, a supplier and its scorecard; an analyst sees no e-mail there', async () => {
  const { context, page } = await newPage();
  await login(page, t.users.ADMIN.email);
  /** Focus a link and follow it with Enter, as a keyboard user does. */
  const follow = async (link: ReturnType<Page['locator']>, path: string) => {
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === path);
    await settled(page);
  };

  // product: stock per warehouse, the lines at or below the reorder point marked (Lyon's raised above its stock, through the API)
  const { rows: ids } = await t.db.pool.query(
    `SELECT p.id AS "productId", w.id AS "warehouseId" FROM catalog.products p, inventory.warehouses w WHERE p.sku = 'PT-001' AND w.code = 'WH-LYON'`,
  );
  const raised = await t.gql(
    `mutation($p: ID!, $w: ID!) { setReorderPoint(productId: $p, warehouseId: $w, reorderPoint: 500) { isLow } }`,
    { p: String(ids[0].productId), w: String(ids[0].warehouseId) },
    await t.login('ADMIN'),
  );
  expect(raised.body).toEqual({ data: { setReorderPoint: { isLow: true } } });
  await open(page, 'products');
  await follow(page.getByRole('link', { name: 'Open product PT-001' }), '/products/PT-001');
  await expect(page.locator('main h1').textContent()).resolves.toBe('Product PT-001 — Cordless drill');
  const { rows: stock } = await t.db.pool.query<{ code: string; low: boolean }>(
    `SELECT w.code, (s.on_hand - s.reserved) <= s.reorder_point AS low FROM inventory.stock_levels s JOIN catalog.products p ON p.id = s.product_id JOIN inventory.warehouses w ON w.id = s.warehouse_id WHERE p.sku = 'PT-001' ORDER BY w.code`,
  );
  expect(stock).toEqual([
    { code: 'WH-LILLE', low: false },
    { code: 'WH-LYON', low: true },
  ]);
  const shown = await page.getByTestId('stock-row').evaluateAll((rows) =>
    rows.map((r) => ({
      code: r.querySelector('th')!.textContent!.trim(),
      low: r.getAttribute('data-low') === 'true',
    })),
  );
  expect(shown).toEqual(stock);
  await expect(
    page.locator('[data-testid="stock-row"][data-low="true"] .low-tag').allTextContents(),
  ).resolves.toEqual(['Low stock']);
  await shot(page, 'product-detail-en');

  // customer: contact data and their orders, each order a link to it
  await open(page, 'customers');
  await follow(page.getByRole('link', { name: 'Open customer Atelier Dupont' }), '/customers/C0001');
  await expect(page.getByTestId('customer-email').textContent()).resolves.toContain(
    'contact@atelier-dupont.example',
  );
  const { rows: orders } = await t.db.pool.query<{ number: string }>(
    `SELECT o.number FROM sales.orders o JOIN customers.customers c ON c.id = o.customer_id WHERE c.code = 'C0001' ORDER BY o.number`,
  );
  expect(orders.length).toBeGreaterThan(0);
  const numbers = await page
    .locator('[data-testid="customer-orders"] tbody tr td:first-child')
    .allTextContents();
  expect(numbers.map((n) => n.trim()).sort()).toEqual(orders.map((o) => o.number));
  await shot(page, 'customer-detail-en');
  await page.getByRole('link', { name: `Open order ${orders[0]!.number}` }).click();
  await page.locator('main h1', { hasText: orders[0]!.number }).waitFor();
  await settled(page);
  // the order links back to its customer and its products
  await follow(page.getByRole('link', { name: 'Atelier Dupont' }), '/customers/C0001');

  // supplier: the scorecard and its trend chart
  await page.getByTestId('language').selectOption('fr');
  await open(page, 'suppliers');
  await follow(page.getByRole('link', { name: 'Ouvrir le fournisseur Bohr GmbH' }), '/suppliers/S002');
  await expect(page.locator('main h1').textContent()).resolves.toContain('Bohr GmbH');
  await page.locator('[data-testid="scorecard"] .apexcharts-canvas').waitFor();
  await expect(page.getByTestId('supplier-facts').innerText()).resolves.toContain('DE');
  await shot(page, 'supplier-detail-fr');
  // an unknown code says so in words
  await page.goto(`${ui.server.url}suppliers/NOPE`);
  await settled(page);
  await expect(page.locator('main h1').textContent()).resolves.toBe(
    'Rien trouvé pour NOPE (ou pas pour votre rôle).',
  );
  await page.getByTestId('language').selectOption('en');
  await context.close();
  expect(problems).toEqual([]);

  // the analyst: the same customer page, contact data hidden
  const analyst = await newPage();
  await login(analyst.page, t.users.ANALYST.email);
  await analyst.page.goto(`${ui.server.url}customers/C0001`);
  await settled(analyst.page);
  await analyst.page.getByTestId('customer-orders').waitFor();
  await expect(analyst.page.getByTestId('customer-email').innerText()).resolves.not.toContain('@');
  await expect(
    analyst.page.locator('[data-testid="customer-email"] [data-testid="hidden"]').count(),
  ).resolves.toBe(1);
  await expect(analyst.page.locator('main').innerText()).resolves.not.toContain('atelier-dupont.example');
  await shot(analyst.page, 'customer-detail-analyst-en');
  await analyst.context.close();
  expect(problems).toEqual([]);
}, 120_000);
