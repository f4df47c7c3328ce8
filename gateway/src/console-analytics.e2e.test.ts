import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { quietLogger } from '@erp/kit/test/graphql';
import { defaultStages, PIPELINE_QUEUE, startAutomation } from '@erp/automation';
import { runEtl } from '@erp/etl';
import { refreshRollups } from '@erp/subgraph-analytics';
import { open, settled, shot, type Win, startConsole, type ConsoleUnderTest } from './console-e2e';
import { PASSWORD, type TestSystem, startFixtureSystem } from './test-system';

/**
 * The console's dashboards and OLAP explorer on real warehouse data: the fixture set imported into
 * the OLTP, loaded by the ETL (runEtl, as the ETL_SERVICE account) into the test warehouse; then,
 * in Chromium, a KPI equals SQL on the OLTP, the explorer drills down twice (a bar, then a row) and
 * exports its CSV with the labels as headers, French formatting, no console error; screenshots of
 * every view at laptop and tablet widths in test-artifacts/console/. Then the pipeline is run from
 * the console and followed to its end (the pg-boss worker of `npm start`, wired the same way), and
 * the AI page's chat answers a question on the warehouse and refuses a write.
 */
let t: TestSystem;
let automation: Awaited<ReturnType<typeof startAutomation>> | undefined;
let ui: ConsoleUnderTest;
let period: { from: string; to: string };
const problems: string[] = [];
const LAPTOP = { width: 1400, height: 900 };
const TABLET = { width: 820, height: 1180 };

const OLTP_LINES = `FROM sales.orders o JOIN sales.order_lines l ON l.order_id = o.id JOIN catalog.products p ON p.id = l.product_id`;
const NET = `CASE o.kind WHEN 'RETURN' THEN -1 ELSE 1 END * round(l.quantity * l.unit_price * (1 - l.discount), 2)`;
const IN_PERIOD = `(o.ordered_at AT TIME ZONE 'UTC')::date BETWEEN $1 AND $2`;
const oltp = async (sql: string, params: unknown[] = []) =>
  (await t.db.pool.query({ text: sql, values: params, rowMode: 'array' })).rows as string[][];
/** Intl output uses (narrow) no-break spaces: compare with plain ones. */
const spaces = (s: string | null) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ').trim();
const eur = (locale: string, v: string) =>
  spaces(
    new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: 'EUR',
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    }).format(Number(v)),
  );

beforeAll(async () => {
  // runPipeline queues a job for the worker started below (as gateway/src/cli/start.ts wires it)
  const pipeline = {
    enqueue: (_by: string): Promise<string | null> =>
      Promise.reject(new Error('the pipeline worker is not running yet')),
  };
  t = await startFixtureSystem({ pipeline });
  // the ETL's service account (ETL_SERVICE, read-only), as `npm start` creates it
  const etl = { email: t.services.ETL_SERVICE.email, password: PASSWORD };
  const run = await runEtl({ gatewayUrl: t.system.gatewayUrl, credentials: etl, dwhUrl: t.dwh.url });
  if (run.status !== 'SUCCEEDED') throw new Error(`ETL: ${run.message}`);
  await refreshRollups(t.dwh.pool, 'all');
  const { rows } = await t.db.pool.query(
    `SELECT to_char(date_trunc('month', min(ordered_at AT TIME ZONE 'UTC')), 'YYYY-MM-DD') AS "from",
            to_char(date_trunc('month', max(ordered_at AT TIME ZONE 'UTC')) + interval '1 month - 1 day', 'YYYY-MM-DD') AS "to" FROM sales.orders`,
  );
  period = rows[0];
  // the worker of `npm start`: the real stages (stock sweeper → ETL → rollups → mining → reporting) as the service accounts; a
  // yearly cron so that no scheduled run comes between (the first start only records a baseline)
  const stageContext = {
    gatewayUrl: t.system.gatewayUrl,
    credentials: etl,
    miningCredentials: { email: t.services.MINING_SERVICE.email, password: PASSWORD },
    dwhUrl: t.dwh.url,
    log: quietLogger(),
  };
  automation = await startAutomation({
    pool: t.db.pool,
    connectionString: t.db.url,
    stages: () => defaultStages(stageContext),
    cron: '0 2 1 1 *',
    tz: 'Europe/Paris',
    log: quietLogger(),
  });
  const boss = automation.boss;
  pipeline.enqueue = (by) => boss.send(PIPELINE_QUEUE, { trigger: 'manual', requestedBy: by });
  ui = await startConsole(t, problems, LAPTOP);
}, 240_000);

afterAll(async () => {
  await automation?.stop();
  await ui?.close();
  await t?.close();
});

const kpi = (page: Page, tile: string, measure: string) =>
  page.locator(`[data-tile="${tile}"] [data-measure="${measure}"] [data-testid="kpi-value"]`);

/** Every tile answered: no skeleton, no error, and each shows the load it reflects. */
async function tilesAnswered(page: Page) {
  await settled(page, 60_000);
  const tiles = await page.getByTestId('tile').count();
  expect(tiles).toBeGreaterThan(0);
  await expect(page.getByTestId('tile-error').allTextContents()).resolves.toEqual([]);
  await expect(page.getByTestId('freshness').count()).resolves.toBe(tiles);
}

test('the strategic dashboard over the fixture period: KPI equal to SQL on the OLTP, charts, freshness, both languages and widths', async () => {
  const { context, page } = await ui.signIn(t.users.ADMIN.email);
  await open(page, 'dashboards');
  await page.getByTestId('dash-from').fill(period.from);
  await page.getByTestId('dash-to').fill(period.to);
  await page.waitForURL(
    (u) => u.searchParams.get('from') === period.from && u.searchParams.get('to') === period.to,
  );
  await tilesAnswered(page);

  const booked = `o.status IN ('CONFIRMED', 'SHIPPED', 'DELIVERED') AND ${IN_PERIOD}`;
  const [[revenue]] = (await oltp(`SELECT SUM(${NET})::text ${OLTP_LINES} WHERE ${booked}`, [
    period.from,
    period.to,
  ])) as [[string]];
  expect(Number(revenue)).toBeGreaterThan(0);
  expect(spaces(await kpi(page, 'revenue', 'revenue').textContent())).toBe(eur('en', revenue));
  // no year-ago data in the fixture: the comparison says so, no arrow
  await expect(page.locator('[data-tile="revenue"] .kpi-compared').textContent()).resolves.toMatch(
    /a year ago: —/,
  );
  // the freshness badge: the ETL run just now, reconciled
  expect(spaces(await page.locator('[data-tile="revenue"] [data-testid="freshness"]').textContent())).toMatch(
    /Data loaded \d+ minutes? ago · reconciled/,
  );
  // charts where people look rather than read, titles and legends in words (no ids)
  await page.locator('[data-tile="growth"] .apexcharts-canvas').waitFor();
  await page.locator('[data-tile="topCategories"] .apexcharts-bar-area').first().waitFor();
  await page.locator('[data-tile="segmentMix"] .apexcharts-pie').waitFor();
  const text = await page.locator('main').innerText();
  expect(text).toContain('Top 5 categories by revenue');
  expect(text).not.toMatch(/product\.category|grossMargin|geography\.country/);
  await shot(page, 'dashboard-strategic-en');

  for (const level of ['tactical', 'operational'] as const) {
    await page.getByTestId(`tab-${level}`).click();
    await page.waitForURL((u) => u.searchParams.get('level') === level);
    await tilesAnswered(page);
    await shot(page, `dashboard-${level}-en`);
  }
  // the operational alerts: tables with badges (the fixture has low stock lines or says there are none)
  expect(
    await page
      .locator(
        '[data-tile="lowStock"] [data-testid="alert-table"], [data-tile="lowStock"] [data-testid="all-clear"]',
      )
      .count(),
  ).toBe(1);

  // French: numbers, relative time and titles in French
  await page.getByTestId('language').selectOption('fr');
  await page.getByTestId('tab-strategic').click();
  await tilesAnswered(page);
  const fr = spaces(await kpi(page, 'revenue', 'revenue').textContent());
  expect(fr).toBe(eur('fr', revenue));
  expect(fr).toMatch(/^-?\d{1,3}( \d{3})*,\d{2} €$/);
  expect(spaces(await page.locator('[data-tile="revenue"] [data-testid="freshness"]').textContent())).toMatch(
    /Données chargées il y a \d+ min · rapprochées/,
  );
  expect(await page.locator('main').innerText()).toContain('Top 5 des catégories par chiffre d’affaires');
  await shot(page, 'dashboard-strategic-fr');
  for (const level of ['tactical', 'operational'] as const) {
    await page.getByTestId(`tab-${level}`).click();
    await tilesAnswered(page);
    await shot(page, `dashboard-${level}-fr`);
  }

  // tablet width, both languages
  await page.setViewportSize(TABLET);
  for (const lang of ['fr', 'en'] as const) {
    await page.getByTestId('language').selectOption(lang);
    for (const level of ['strategic', 'tactical', 'operational'] as const) {
      await page.getByTestId(`tab-${level}`).click();
      await tilesAnswered(page);
      await shot(page, `dashboard-${level}-${lang}-tablet`);
    }
  }
  await context.close();
  expect(problems).toEqual([]);
}, 180_000);

test('the explorer: labels, a chart beside the table, two drill-downs (a bar, then a row), CSV with the labels, French formatting', async () => {
  const { context, page } = await ui.signIn(t.users.ANALYST.email);
  await open(page, 'explorer');
  await page.getByTestId('measure-revenue').check();
  await page.getByTestId('dimension-product.root').check();
  // no time range: bars by family (a time range adds the month, and a line along it)
  await page.getByTestId('run').click();
  await page.getByTestId('result-table').waitFor();
  await settled(page);
  const headers = () => page.locator('[data-testid="result-table"] thead th').allTextContents();
  await expect(headers()).resolves.toEqual(['Product family', 'Revenue (net)']);
  await page.locator('[data-testid="result-chart"] .apexcharts-bar-area').first().waitFor();
  await shot(page, 'explorer-en');

  // 1. a click on the bar of the family drills into its categories
  await page.locator('[data-testid="result-chart"] .apexcharts-bar-area').first().click();
  await page.waitForURL((u) => u.searchParams.getAll('dr').length === 1);
  await settled(page);
  await expect(headers()).resolves.toEqual(['Category', 'Revenue (net)']);
  // 2. a click on a row drills into the products of that category
  await page.locator('[data-testid="result-row"]', { hasText: 'Power tools' }).click();
  await page.waitForURL((u) => u.searchParams.getAll('dr').length === 2);
  await settled(page);
  await expect(headers()).resolves.toEqual(['Product', 'Revenue (net)']);
  await expect(page.getByTestId('drill-step').allTextContents()).resolves.toEqual([
    'Product family = Tools › ',
    'Category = Power tools › ',
  ]);
  const products = await oltp(
    `SELECT p.name, SUM(${NET})::text ${OLTP_LINES} JOIN catalog.categories c ON c.id = p.category_id WHERE c.code = 'POWER-TOOLS' AND o.status IN ('CONFIRMED', 'SHIPPED', 'DELIVERED') GROUP BY 1 ORDER BY 1`,
  );
  expect(products.length).toBeGreaterThan(0);
  await expect(page.getByTestId('result-row').count()).resolves.toBe(products.length);
  await shot(page, 'explorer-drilled-en');

  // CSV: the labels as headers, the numbers as numbers
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-csv').click(),
  ]);
  const csv = (await readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '');
  const lines = csv.split('\r\n');
  expect(lines[0]).toBe('Product,Revenue (net)');
  expect(lines.slice(1, 1 + products.length).sort()).toEqual(
    products.map(([name, value]) => `${/[",;]/.test(name!) ? `"${name}"` : name},${Number(value)}`).sort(),
  );

  // French: labels and money in French
  await page.getByTestId('language').selectOption('fr');
  await expect(headers()).resolves.toEqual(['Produit', 'Chiffre d’affaires (HT)']);
  const cells = (await page.locator('[data-testid="result-row"] td.num').allTextContents()).map(spaces);
  expect(cells.sort()).toEqual(products.map(([, v]) => eur('fr', v!)).sort());
  await shot(page, 'explorer-drilled-fr');
  await page.setViewportSize(TABLET);
  await shot(page, 'explorer-drilled-fr-tablet');
  await context.close();
  expect(problems).toEqual([]);
}, 120_000);

test('an administrator runs the pipeline from the console and watches it finish: the new run, its stages, in the history', async () => {
  const { context, page } = await ui.signIn(t.users.ADMIN.email);
  await open(page, 'pipeline');
  const before = await page
    .getByTestId('pipeline-run')
    .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-run'))));
  await page.getByTestId('run-pipeline').click();
  await expect(page.getByTestId('pipeline-message').textContent()).resolves.toBe(
    'Run queued: the worker starts it in a few seconds.',
  );
  // the page polls while the run is awaited and while it runs; wait on what the user sees, not on a clock
  const newest = page.getByTestId('pipeline-run').first();
  await page.waitForFunction(
    (known) => {
      const row = (globalThis as unknown as Win).document.querySelector(
        '[data-testid="pipeline-run"]',
      ) as unknown as { getAttribute(n: string): string | null } | null;
      return !!row && !known.includes(Number(row.getAttribute('data-run')));
    },
    before,
    { timeout: 60_000, polling: 500 },
  );
  await expect(newest.getByTestId('run-trigger').textContent()).resolves.toBe('Manual');
  // finished: neither running nor queued any more (2 cores in CI: ETL, rollups, mining and reporting take their time)
  await newest
    .locator(
      '[data-testid="run-status"]:is([data-status="SUCCEEDED"], [data-status="DEGRADED"], [data-status="FAILED"])',
    )
    .waitFor({ timeout: 150_000 });
  await page.getByTestId('pipeline-live').waitFor({ state: 'detached' });
  const run = async () => ({
    status: await newest.getByTestId('run-status').textContent(),
    stages: await newest.getByTestId('run-stage').evaluateAll((items) =>
      items.map((i) => ({
        name: i.querySelector('[data-testid="stage-name"]')?.textContent,
        status: i.querySelector('[data-testid="stage-status"]')?.textContent,
        text: i.textContent,
      })),
    ),
  });
  // stock sweeper → ETL → rollups → mining → reporting, each done, with its duration, in words
  expect(await run()).toEqual({
    status: 'Succeeded',
    stages: ['Stock sweeper (orphan reservations)', 'ETL', 'Rollups', 'Mining', 'Reporting'].map((name) => ({
      name,
      status: 'Succeeded',
      text: expect.stringMatching(/\d+ s/),
    })),
  });
  // the ETL stage shows the rows its run wrote and that it reconciled, as the warehouse's run ledger says
  const {
    rows: [etlRun],
  } = await t.dwh.pool.query(
    `SELECT rows_written, (reconciliation->>'ok')::boolean AS ok FROM meta.etl_runs ORDER BY run_id DESC LIMIT 1`,
  );
  expect(etlRun.ok).toBe(true);
  const etlStage = newest.getByTestId('run-stage').nth(1);
  await expect(etlStage.getByTestId('stage-rows').getAttribute('data-rows')).resolves.toBe(
    String(etlRun.rows_written),
  );
  await expect(etlStage.getByTestId('stage-rows').textContent()).resolves.toBe(
    ` — ${Number(etlRun.rows_written).toLocaleString('en')} rows written`,
  );
  await expect(etlStage.getByTestId('stage-reconciled').textContent()).resolves.toMatch(
    /^\s*Reconciled with the source\s*$/,
  );
  // the page's run is the ledger's
  const { rows } = await t.db.pool.query(
    `SELECT id, trigger, status FROM automation.pipeline_runs ORDER BY id DESC LIMIT 1`,
  );
  expect(rows[0]).toEqual({
    id: Number(await newest.getAttribute('data-run')),
    trigger: 'manual',
    status: 'SUCCEEDED',
  });
  await expect(page.getByTestId('run-pipeline').isEnabled()).resolves.toBe(true);
  await shot(page, 'pipeline-run-finished-en');
  await page.getByTestId('language').selectOption('fr');
  expect(await run()).toEqual({
    status: 'Réussie',
    stages: ['Balayage du stock (réservations orphelines)', 'ETL', 'Agrégats', 'Fouille', 'Rapports'].map(
      (name) => ({ name, status: 'Réussie', text: expect.stringMatching(/\d+ s/) }),
    ),
  });
  await shot(page, 'pipeline-run-finished-fr');
  await page.getByTestId('language').selectOption('en');
  await context.close();
  expect(problems).toEqual([]);
}, 240_000);

test('the chat answers a question on the warehouse with its query and a chart (asked with the keyboard), and refuses a write plainly; a recommendation opens its record', async () => {
  const { context, page } = await ui.signIn(t.users.ANALYST.email);
  await open(page, 'ai');
  const input = page.getByTestId('ask-input');
  const turn = () => page.getByTestId('ask-turn').last();
  await input.fill('revenue by category in 2025');
  await input.press('Enter');
  await turn().getByTestId('ask-answer').waitFor({ timeout: 60_000 });
  await expect(turn().getByTestId('ask-question').textContent()).resolves.toContain(
    'revenue by category in 2025',
  );
  const answer = await turn().getByTestId('ask-answer').innerText();
  // the categories with booked sales in 2025, by name, as the warehouse has them
  const categories = await oltp(
    `SELECT DISTINCT c.name ${OLTP_LINES} JOIN catalog.categories c ON c.id = p.category_id WHERE o.status IN ('CONFIRMED', 'SHIPPED', 'DELIVERED') AND o.ordered_at >= '2025-01-01' AND o.ordered_at < '2026-01-01'`,
  );
  expect(categories.length).toBeGreaterThan(0);
  for (const [name] of categories) expect(answer).toContain(name);
  const queryOf = async () => {
    await turn().locator('[data-testid="ask-query"] summary').click();
    return JSON.parse(await turn().locator('[data-testid="ask-query"] pre').innerText());
  };
  expect(await queryOf()).toMatchObject({ measures: ['revenue'], dimensions: ['product.category'] });
  await turn().locator('[data-testid="ask-chart"] .apexcharts-bar-area').first().waitFor();
  await expect(page.getByTestId('ask-error').count()).resolves.toBe(0);
  await shot(page, 'ai-chat-answer-en');

  // a follow-up refines the previous question: the same measure and year, by country; the first exchange stays above it
  await input.fill('by country');
  await input.press('Enter');
  await expect(page.getByTestId('ask-turn').count()).resolves.toBe(2);
  await turn().getByTestId('ask-answer').waitFor({ timeout: 60_000 });
  const refined = await queryOf();
  expect(refined).toMatchObject({ measures: ['revenue'], dimensions: ['geography.country'] });
  expect(JSON.stringify(refined.time ?? refined)).toContain('2025');
  // the warehouse's countries of customers: the refined answer names some of them
  const { rows: countries } = await t.dwh.pool.query<{ country_name: string }>(
    `SELECT DISTINCT country_name FROM dw.dim_geography WHERE geography_key <> -1`,
  );
  const refinedAnswer = await turn().getByTestId('ask-answer').innerText();
  expect(refinedAnswer).not.toBe(answer);
  expect(countries.some((c) => refinedAnswer.includes(c.country_name))).toBe(true);
  await expect(page.getByTestId('ask-answer').first().innerText()).resolves.toBe(answer);
  await shot(page, 'ai-chat-follow-up-en');

  // a write request: the refusal, in words, with example questions (no error)
  await input.fill('delete all orders');
  await input.press('Enter');
  await turn()
    .getByTestId('ask-answer')
    .filter({ hasText: 'I only read figures: I do not change any data.' })
    .waitFor({ timeout: 60_000 });
  await expect(turn().getByTestId('ask-question').textContent()).resolves.toContain('delete all orders');
  await expect(turn().getByTestId('ask-suggestions').locator('li').count()).resolves.toBeGreaterThan(2);
  await expect(page.getByTestId('ask-error').count()).resolves.toBe(0);
  await expect(turn().getByTestId('ask-chart').count()).resolves.toBe(0);
  await shot(page, 'ai-chat-refusal-en');

  // a recommendation opens the detail page of its record (here the top customer: no e-mail for an analyst)
  const recommendation = page.getByTestId('recommendation-link').first();
  const href = (await recommendation.getAttribute('href'))!;
  expect(href).toMatch(/^\/customers\/[^/?]+$/);
  const code = decodeURIComponent(href.split('/')[2]!);
  const [[name]] = (await oltp(`SELECT name FROM customers.customers WHERE code = $1`, [code])) as [[string]];
  await recommendation.click();
  await page.waitForURL((u) => u.pathname === href);
  await settled(page);
  await expect(page.locator('main h1').textContent()).resolves.toContain(name);
  await page.getByTestId('customer-orders').waitFor();
  await expect(page.locator('[data-testid="customer-email"] [data-testid="hidden"]').count()).resolves.toBe(
    1,
  );
  await shot(page, 'ai-recommendation-customer-analyst-en');
  await context.close();
  expect(problems).toEqual([]);
}, 120_000);
