import { settled, shot, startConsole, type ConsoleUnderTest } from './console-e2e';
import { type TestSystem, startFixtureSystem } from './test-system';

/**
 * The day's work from the console, in Chromium, through the public mutations only: in French an
 * administrator creates a customer (after the API refused a blank code on its field) and a product,
 * receives stock; in English creates an order for them (the product picker shows the stock of each
 * warehouse), saves it as a draft, confirms it (stock reserved) and ships it. Then the
 * administrator creates a user who signs in with the password shown once, and resets the password
 * of an imported SALES user, who sees only their own customers in the order's customer picker.
 * Each step is checked in the database; screenshots in test-artifacts/console/.
 */
let t: TestSystem;
let ui: ConsoleUnderTest;
const problems: string[] = [];
const LAPTOP = { width: 1400, height: 900 };
const one = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  (await t.db.pool.query(sql, params)).rows[0] as T;

beforeAll(async () => {
  t = await startFixtureSystem();
  ui = await startConsole(t, problems, LAPTOP);
}, 240_000);

afterAll(async () => {
  await ui?.close();
  await t?.close();
});

test('a customer and a product created (FR), stock received, an order drafted, confirmed and shipped (EN)', async () => {
  const { context, page } = await ui.signIn(t.users.ADMIN.email);
  await page.getByTestId('language').selectOption('fr');

  // the customer: a blank code is refused by the API and marked on its field
  await ui.go(page, '/customers');
  await page.getByTestId('new-customer').click();
  await page.waitForURL((u) => u.pathname === '/customers/new');
  await page.getByTestId('f-name').fill('Quincaillerie Essai');
  await page.getByTestId('f-region').fill('Auvergne-Rhône-Alpes');
  await page.getByTestId('f-city').fill('Lyon');
  await page.getByTestId('f-save').click();
  await page.getByTestId('form-error').waitFor();
  await expect(page.locator('label.invalid [data-testid="f-code"]').count()).resolves.toBe(1);
  await shot(page, 'form-customer-error-fr');
  await page.getByTestId('f-code').fill('C-E2E');
  await page.getByTestId('f-email').fill('achats@quincaillerie.example');
  await page.getByTestId('f-segment').selectOption('CORPORATE');
  await page.getByTestId('f-save').click();
  await page.waitForURL((u) => u.pathname === '/customers/C-E2E');
  await settled(page);
  await expect(page.locator('main h1').textContent()).resolves.toContain('Quincaillerie Essai');
  expect(await one(`SELECT name, segment FROM customers.customers WHERE code = 'C-E2E'`)).toEqual({
    name: 'Quincaillerie Essai',
    segment: 'CORPORATE',
  });
  await shot(page, 'form-customer-created-fr');

  // the product, priced with a French decimal comma
  await ui.go(page, '/products');
  await page.getByTestId('new-product').click();
  await page.getByTestId('f-sku').fill('E2E-001');
  await page.getByTestId('f-name').fill('Perceuse d’essai');
  await page.getByTestId('f-category').selectOption({ label: 'Tools › Power tools' });
  await page.getByTestId('f-price').fill('89,90');
  await page.getByTestId('f-cost').fill('40');
  await shot(page, 'form-product-fr');
  await page.getByTestId('f-save').click();
  await page.waitForURL((u) => u.pathname === '/products/E2E-001');
  await settled(page);
  expect(await one(`SELECT list_price::text AS price FROM catalog.products WHERE sku = 'E2E-001'`)).toEqual({
    price: '89.90',
  });

  // a receipt of 10 into the Lyon warehouse
  await page.getByTestId('receive-warehouse').selectOption({ label: 'Lyon warehouse (WH-LYON)' });
  await page.getByTestId('receive-quantity').fill('10');
  await page.getByTestId('receive-reference').fill('BL-E2E-1');
  await page.getByTestId('receive-save').click();
  await expect(page.getByTestId('receive-done').textContent()).resolves.toBe('10 reçus : stock mis à jour.');
  const stock = () =>
    one<{ on_hand: number; reserved: number }>(
      `SELECT s.on_hand, s.reserved FROM inventory.stock_levels s JOIN catalog.products p ON p.id = s.product_id JOIN inventory.warehouses w ON w.id = s.warehouse_id WHERE p.sku = 'E2E-001' AND w.code = 'WH-LYON'`,
    );
  expect(await stock()).toEqual({ on_hand: 10, reserved: 0 });
  await settled(page);
  await shot(page, 'form-stock-received-fr');
  // the product's history: created, by an administrator
  await page.getByTestId('history-entry').first().waitFor();
  await expect(page.getByTestId('record-history').innerText()).resolves.toContain('Produit créé');

  // the order, in English
  await page.getByTestId('language').selectOption('en');
  await ui.go(page, '/orders');
  await page.getByTestId('new-order').click();
  await page.waitForURL((u) => u.pathname === '/orders/new');
  await page.getByTestId('customer-search').fill('Quincaillerie');
  await page.getByTestId('customer-option').filter({ hasText: 'C-E2E' }).click();
  await expect(page.getByTestId('picked-customer').textContent()).resolves.toContain('Quincaillerie Essai');
  await page.getByTestId('order-warehouse').selectOption({ label: 'Lyon warehouse (WH-LYON)' });
  await page.getByTestId('product-search').fill('E2E-001');
  const option = page.getByTestId('product-option').filter({ hasText: 'E2E-001' });
  await expect(option.locator('[data-warehouse="WH-LYON"]').textContent()).resolves.toBe('10');
  await expect(option.locator('[data-warehouse="WH-LILLE"]').textContent()).resolves.toBe('0');
  await shot(page, 'form-order-picker-en');
  await option.getByTestId('product-add').click();
  await page.getByTestId('line-quantity').fill('3');
  await page.getByTestId('line-discount').fill('10');
  await page.getByTestId('line-tax').fill('20');
  // 3 × 89.90 × 0.9 = 242.73 net; × 1.2 = 291.28 (rounded to the cent)
  await expect(page.getByTestId('order-net').textContent()).resolves.toBe('€242.73');
  await expect(page.getByTestId('order-gross').textContent()).resolves.toBe('€291.28');
  await shot(page, 'form-order-lines-en');
  // a double click makes one order
  await page.getByTestId('f-save').dblclick();
  await page.waitForURL((u) => /^\/orders\/\d+$/.test(u.pathname));
  await settled(page);
  await expect(page.getByTestId('order-status').textContent()).resolves.toContain('Draft');
  const orders = await t.db.pool.query(
    `SELECT o.id, o.status FROM sales.orders o JOIN customers.customers c ON c.id = o.customer_id WHERE c.code = 'C-E2E'`,
  );
  expect(orders.rows).toEqual([{ id: expect.anything(), status: 'DRAFT' }]);
  const line = await one(
    `SELECT l.quantity, l.unit_price::text AS price, l.discount::float AS discount, l.tax_rate::float AS tax FROM sales.order_lines l WHERE l.order_id = $1`,
    [orders.rows[0].id],
  );
  expect(line).toEqual({ quantity: 3, price: '89.90', discount: 0.1, tax: 0.2 });

  // confirm: stock reserved; ship: stock out
  await page.getByTestId('action-confirm').click();
  await expect(page.getByTestId('action-done').textContent()).resolves.toBe(
    'Order confirmed: stock reserved.',
  );
  expect(await stock()).toEqual({ on_hand: 10, reserved: 3 });
  await shot(page, 'form-order-confirmed-en');
  await page.getByTestId('action-ship').click();
  await expect(page.getByTestId('action-done').textContent()).resolves.toBe('Order shipped.');
  expect(await stock()).toEqual({ on_hand: 7, reserved: 0 });
  await settled(page);
  await expect(page.getByTestId('order-status').textContent()).resolves.toContain('Shipped');
  // the history loads after the page: wait for the shipment's entry, then read the whole sequence
  await page.getByTestId('record-history').getByText('Order shipped').first().waitFor();
  await expect(page.getByTestId('record-history').innerText()).resolves.toMatch(
    /Order shipped[\s\S]*Order confirmed[\s\S]*Order created/,
  );
  await shot(page, 'form-order-shipped-en');
  await context.close();
  expect(problems).toEqual([]);
}, 180_000);

test('an administrator creates a user who signs in; a SALES user (password reset) finds only their customers in the order picker', async () => {
  const { context, page } = await ui.signIn(t.users.ADMIN.email);
  await ui.go(page, '/users');
  await page.getByTestId('u-email').fill('dana.lefevre@erp.example');
  await page.getByTestId('u-name').fill('Dana Lefèvre');
  await page.getByTestId('u-role').selectOption('ANALYST');
  await page.getByTestId('u-create').click();
  await page.getByTestId('password-shown').waitFor();
  const password = (await page.getByTestId('new-password').textContent())!.trim();
  expect(password).toMatch(/^[A-Za-z2-9]{16}$/);
  await shot(page, 'users-created-en');
  expect(await one(`SELECT name, role FROM auth.users WHERE email = 'dana.lefevre@erp.example'`)).toEqual({
    name: 'Dana Lefèvre',
    role: 'ANALYST',
  });
  // reset Alice's password (an imported SALES user who had none)
  await page
    .locator('[data-testid="user-row"][data-email="alice.martin@erp.example"]')
    .getByTestId('u-reset')
    .click();
  await page.getByTestId('password-shown').filter({ hasText: 'alice.martin@erp.example' }).waitFor();
  const alicePassword = (await page.getByTestId('new-password').textContent())!.trim();
  await context.close();

  const signIn = async (email: string, pw: string) => {
    const s = await ui.open();
    await s.page.goto(ui.server.url);
    await s.page.getByTestId('email').fill(email);
    await s.page.getByTestId('password').fill(pw);
    await s.page.getByTestId('login-submit').click();
    await s.page.getByTestId('who').waitFor();
    await settled(s.page);
    return s;
  };
  const dana = await signIn('dana.lefevre@erp.example', password);
  await expect(dana.page.getByTestId('who').textContent()).resolves.toContain('Dana Lefèvre');
  // an analyst: no form to create orders
  await expect(dana.page.getByTestId('nav-users').count()).resolves.toBe(0);
  await dana.context.close();

  const alice = await signIn('alice.martin@erp.example', alicePassword);
  await ui.go(alice.page, '/orders/new');
  // "e" is in every fixture customer's name: the API answers with Alice's only
  await alice.page.getByTestId('customer-search').fill('e');
  await alice.page.getByTestId('customer-option').first().waitFor();
  const seen = (await alice.page.getByTestId('customer-option').allTextContents())
    .map((x) => /\(([^)]+)\)/.exec(x)![1])
    .sort();
  const { rows } = await t.db.pool.query(
    `SELECT c.code FROM customers.customers c JOIN auth.users u ON u.id = c.sales_rep_id WHERE u.email = 'alice.martin@erp.example' AND c.status = 'ACTIVE' AND (c.name ILIKE '%e%' OR c.code ILIKE '%e%' OR c.email ILIKE '%e%') ORDER BY 1`,
  );
  expect(rows.length).toBeGreaterThan(0);
  expect(seen).toEqual(rows.map((r) => r.code).sort());
  const others = await t.db.pool.query(
    `SELECT code FROM customers.customers WHERE sales_rep_id IS DISTINCT FROM (SELECT id FROM auth.users WHERE email = 'alice.martin@erp.example') AND name ILIKE '%e%'`,
  );
  expect(others.rows.length).toBeGreaterThan(0);
  await shot(alice.page, 'sales-customer-picker-en');
  await alice.context.close();
  expect(problems).toEqual([]);
}, 120_000);
