import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { quietLogger } from '@erp/kit/test/graphql';
import { defaultStages, runPipeline } from '@erp/automation';
import { refreshRollups } from '@erp/subgraph-analytics';
import { FACT_KINDS } from '@erp/ai';
import en from '@erp/console/i18n/en';
import fr from '@erp/console/i18n/fr';
import { open, settled, shot, startConsole, type ConsoleUnderTest } from './console-e2e';
import { PASSWORD, type TestSystem, startFixtureSystem } from './test-system';

/**
 * Reading well, page by page: the fixture set imported, the whole pipeline run once (stock sweeper → ETL →
 * rollups → mining → reporting, as the service accounts), then every page an administrator can open (and one detail page
 * of each list) is read in English and in French. The visible text may hold no raw code (a key of the
 * catalogues' code tables, a fact kind), no float noise, no "X (X)", and no sentence of the other
 * language's catalogue. Screenshots of every page in test-artifacts/console/.
 */
let t: TestSystem;
let ui: ConsoleUnderTest;
/** The fixture's months (the dashboards' default period may hold none of its orders). */
let period: { from: string; to: string };
const problems: string[] = [];
const LAPTOP = { width: 1400, height: 900 };

type Tree = { [k: string]: string | Tree };
/** Every leaf of a catalogue with its dotted key. */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of leaves(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}
const EN = leaves(en as unknown as Tree);
const FR = leaves(fr as unknown as Tree);

/** The codes the catalogues translate (upper-case keys: statuses, roles, segments, error codes…) and the AI's fact kinds. */
const CODES = new Set(
  [...EN.keys()].map((k) => k.split('.').pop()!).filter((k) => /^[A-Z][A-Z_]{2,}$/.test(k)),
);
for (const extra of ['NO_PROVIDER', 'UNKNOWN', 'PRODUCT', 'CUSTOMER', 'SUPPLIER', 'SALE', 'RETURN'])
  CODES.add(extra);

/** Sentences of one catalogue that the other says differently (placeholders cut out: the fixed parts of length 12+). */
function foreign(from: Map<string, string>, to: Map<string, string>): string[] {
  const out = new Set<string>();
  for (const [k, v] of from) {
    if (to.get(k) === v) continue;
    for (const part of v.split(/\{[^}]+\}/)) {
      const p = part.trim();
      if (p.length >= 12 && /\s/.test(p) && ![...to.values()].some((w) => w.includes(p))) out.add(p);
    }
  }
  return [...out];
}
const NOT_IN_FR = foreign(EN, FR);
const NOT_IN_EN = foreign(FR, EN);

/** What reads badly in a page's visible text. */
function readingProblems(text: string, lang: 'en' | 'fr'): string[] {
  const found: string[] = [];
  for (const token of text.match(/\b[A-Z][A-Z_]{2,}\b/g) ?? [])
    if (CODES.has(token)) found.push(`raw code ${token}`);
  for (const kind of FACT_KINDS.filter((k) => k.includes('-')))
    if (new RegExp(`\\b${kind}\\b`).test(text)) found.push(`raw id ${kind}`);
  for (const m of text.match(/\d[.,]\d{6,}/g) ?? []) found.push(`float noise ${m}`);
  for (const m of text.matchAll(/(\p{L}[\p{L} ]{2,}) \(\1\)/gu)) found.push(`repeated ${m[0]}`);
  for (const m of text.match(/\p{L}(contre|against|vs)\s/gu) ?? []) found.push(`glued words ${m}`);
  for (const s of lang === 'fr' ? NOT_IN_FR : NOT_IN_EN)
    if (text.includes(s)) found.push(`other language: ${s}`);
  return found;
}

beforeAll(async () => {
  t = await startFixtureSystem();
  const etl = { email: t.services.ETL_SERVICE.email, password: PASSWORD };
  const stages = defaultStages({
    gatewayUrl: t.system.gatewayUrl,
    credentials: etl,
    miningCredentials: { email: t.services.MINING_SERVICE.email, password: PASSWORD },
    dwhUrl: t.dwh.url,
    log: quietLogger(),
  });
  const run = await runPipeline({ pool: t.db.pool, stages, trigger: 'manual', log: quietLogger() });
  if (run.status !== 'SUCCEEDED') throw new Error(`pipeline: ${JSON.stringify(run)}`);
  await refreshRollups(t.dwh.pool, 'all');
  const { rows } = await t.db.pool.query(
    `SELECT to_char(date_trunc('month', min(ordered_at AT TIME ZONE 'UTC')), 'YYYY-MM-DD') AS "from",
            to_char(date_trunc('month', max(ordered_at AT TIME ZONE 'UTC')) + interval '1 month - 1 day', 'YYYY-MM-DD') AS "to" FROM sales.orders`,
  );
  period = rows[0];
  ui = await startConsole(t, problems, LAPTOP);
}, 300_000);

afterAll(async () => {
  await ui?.close();
  await t?.close();
});

/** The visible text of the page (header and main), after the charts have drawn. */
async function visibleText(page: Page): Promise<string> {
  await settled(page, 60_000);
  await page.waitForTimeout(300);
  // what people typed (user names such as the test accounts' "ADMIN") is data, not the console's words
  const typed = await page.locator('[data-user-data]').allInnerTexts();
  let text = await page.locator('body').innerText();
  for (const x of typed) text = text.replace(x, '');
  return text;
}

test('every page, in English and in French, reads without raw codes, float noise or the other language', async () => {
  const { context, page } = await ui.signIn(t.users.ADMIN.email);
  const pages = await page
    .locator('[data-testid^="nav-"]')
    .evaluateAll((links) => links.map((l) => l.getAttribute('data-testid')!.slice(4)));
  expect(pages).toEqual(
    expect.arrayContaining([
      'dashboards',
      'orders',
      'customers',
      'products',
      'suppliers',
      'explorer',
      'pipeline',
      'mining',
      'ai',
    ]),
  );
  const report: Record<string, string[]> = {};
  for (const lang of ['en', 'fr'] as const) {
    await page.getByTestId('language').selectOption(lang);
    for (const name of pages) {
      await open(page, name);
      if (name === 'dashboards') {
        for (const level of ['strategic', 'tactical', 'operational']) {
          await page.getByTestId(`tab-${level}`).click();
          if (level !== 'strategic') await page.waitForURL((u) => u.searchParams.get('level') === level);
          const found = readingProblems(await visibleText(page), lang);
          if (found.length) report[`${lang} ${name} ${level}`] = found;
          await shot(page, `read-${name}-${level}-${lang}`);
        }
        continue;
      }
      const found = readingProblems(await visibleText(page), lang);
      if (found.length) report[`${lang} ${name}`] = found;
      await shot(page, `read-${name}-${lang}`);
      // one record of each list
      const detail = (
        {
          orders: 'orders/',
          customers: 'customers/',
          products: 'products/',
          suppliers: 'suppliers/',
        } as Record<string, string>
      )[String(name)];
      if (detail) {
        await page.locator(`main a[href^="/${detail}"]`).first().click();
        await page.waitForURL((u) => u.pathname.startsWith(`/${detail}`));
        const text = await visibleText(page);
        const more = readingProblems(text, lang);
        if (more.length) report[`${lang} ${detail}…`] = more;
        await shot(page, `read-${name}-detail-${lang}`);
      }
    }
    // the forms
    for (const form of [
      'orders/new',
      'customers/new',
      'products/new',
      'products/categories',
      'suppliers/new',
    ]) {
      await page.goto(`${ui.server.url}${form}`);
      const found = readingProblems(await visibleText(page), lang);
      if (found.length) report[`${lang} ${form}`] = found;
      await shot(page, `read-${form.replace('/', '-')}-${lang}`);
    }
  }
  expect(report).toEqual({});
  await page.getByTestId('language').selectOption('en');
  await context.close();
  expect(problems).toEqual([]);
}, 300_000);

test('a wrong password says so (not that a session ended), in both languages', async () => {
  const { context, page } = await ui.open();
  await page.goto(ui.server.url);
  for (const [lang, text] of [
    ['en', en.login.wrong],
    ['fr', fr.login.wrong],
  ] as const) {
    await page.getByTestId('language').selectOption(lang);
    await page.getByTestId('email').fill(t.users.SALES.email);
    await page.getByTestId('password').fill(`${PASSWORD}!`);
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('login-error').textContent()).resolves.toBe(text);
  }
  await shot(page, 'login-wrong-password-fr');
  await context.close();
  // the failed sign-in is an expected answer, not an error of the page (the browser logs the 200 with errors as nothing)
  expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
}, 60_000);

const spaces = (s: string | null) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ').trim();
const money = (s: string) =>
  Number(
    spaces(s)
      .replace(/[^\d,.-]/g, '')
      .replace(/,/g, ''),
  );

test('a tile opens the explorer with its query; columns sort; a pivot has totals; CSV and XLSX exports', async () => {
  const { context, page } = await ui.signIn(t.users.ANALYST.email);
  await open(page, 'dashboards');
  await page.getByTestId('dash-from').fill(period.from);
  await page.getByTestId('dash-to').fill(period.to);
  await page.waitForURL(
    (u) => u.searchParams.get('from') === period.from && u.searchParams.get('to') === period.to,
  );
  await settled(page, 60_000);
  const tile = page.locator('[data-tile="topCategories"]');
  const tileLabels = await tile.locator('figcaption li').allTextContents();
  expect(tileLabels.length).toBeGreaterThan(0);
  await tile.getByTestId('tile-explore').click();
  await page.waitForURL(
    (u) =>
      u.pathname === '/explorer' &&
      u.searchParams.get('m') === 'revenue,grossMargin' &&
      u.searchParams.get('d') === 'product.category',
  );
  await page.getByTestId('result-table').waitFor();
  await settled(page);
  const headers = () => page.locator('[data-testid="result-table"] thead th').allTextContents();
  await expect(headers()).resolves.toEqual(['Category', 'Revenue (net)', 'Gross margin']);
  // the tile's period and order came along: the biggest category first, as on the tile
  const url = new URL(page.url());
  expect([url.searchParams.get('from'), url.searchParams.get('to')]).toEqual([period.from, period.to]);
  expect(url.searchParams.get('s')).toBe('revenue:desc');
  const firstRow = () => page.getByTestId('result-row').first().locator('td').allTextContents();
  expect(tileLabels[0]).toContain((await firstRow())[0]);
  await shot(page, 'explorer-from-tile-en');

  // a header click sorts: revenue ascending, then the category A to Z
  const values = async () =>
    (await page.locator('[data-testid="result-row"] td:nth-child(2)').allTextContents()).map(money);
  const desc = await values();
  expect(desc).toEqual([...desc].sort((a, b) => b - a));
  await page.getByTestId('sort-revenue').click();
  await page.waitForURL((u) => u.searchParams.get('s') === 'revenue:asc');
  const asc = await values();
  expect(asc).toEqual([...desc].reverse());
  await page.getByTestId('sort-product.category').click();
  const names = (await page.locator('[data-testid="result-row"] td:first-child').allTextContents()).map(
    spaces,
  );
  expect(names).toEqual(
    [...names].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base', numeric: true })),
  );
  await expect(page.locator('th[aria-sort="ascending"]').textContent()).resolves.toBe('Category');

  // XLSX: a workbook (a zip) offered as olap.xlsx
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
  expect(xlsx.suggestedFilename()).toBe('olap.xlsx');
  const bytes = await readFile((await xlsx.path())!);
  expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  expect(bytes.length).toBeGreaterThan(1000);

  // a pivot of an additive measure: a total column and a total row equal to the sum of the cells
  await page.goto(`${ui.server.url}explorer?m=revenue&d=product.root,orderKind.kind&p=1`);
  await page.getByTestId('total-row').waitFor();
  const totalRow = (await page.getByTestId('total-row').locator('td.num').allTextContents()).map(money);
  const cells = await page
    .getByTestId('result-row')
    .evaluateAll((rows) =>
      rows.map((r) =>
        Array.from(r.querySelectorAll('td.num')).map(
          (c) => (c as { textContent: string | null }).textContent ?? '',
        ),
      ),
    );
  const sums = totalRow.map((_, i) => cells.reduce((a, r) => a + money(r[i] || '0'), 0));
  totalRow.forEach((v, i) => expect(v).toBeCloseTo(sums[i]!, 1));
  await expect(page.getByTestId('no-totals').count()).resolves.toBe(0);
  await shot(page, 'explorer-pivot-totals-en');
  // margin % does not add up: no totals, and the page says why
  await page.goto(`${ui.server.url}explorer?m=marginPct&d=product.root,orderKind.kind&p=1`);
  await page.getByTestId('no-totals').waitFor();
  await expect(page.getByTestId('total-row').count()).resolves.toBe(0);
  await context.close();
  expect(problems).toEqual([]);
}, 120_000);

test('a saved view: an analyst saves the explorer query under a name, shared; a manager opens it from its link', async () => {
  const { context, page } = await ui.signIn(t.users.ANALYST.email);
  await page.goto(`${ui.server.url}explorer?m=revenue&d=product.root`);
  await page.getByTestId('result-table').waitFor();
  await settled(page);
  await page.locator('[data-testid="saved-views"] summary').click();
  await page.getByTestId('view-name').fill('Revenue by family');
  await page.getByTestId('view-shared').check();
  await page.getByTestId('view-save').click();
  await expect(page.getByTestId('view-saved').textContent()).resolves.toBe('View “Revenue by family” saved.');
  const item = page.getByTestId('saved-view').filter({ hasText: 'Revenue by family' });
  const id = (await item.getAttribute('data-view'))!;
  expect(id).toMatch(/^\d+$/);
  // saving the same name again does not make a second view
  await page.getByTestId('view-name').fill('revenue by family');
  await page.getByTestId('view-save').click();
  await page.getByTestId('view-saved').waitFor();
  await expect(page.getByTestId('saved-view').count()).resolves.toBe(1);
  await shot(page, 'explorer-view-saved-en');
  // elsewhere, then back through the list
  await page.goto(`${ui.server.url}explorer?m=units&d=orderKind.kind`);
  await page.getByTestId('result-table').waitFor();
  await page.locator('[data-testid="saved-views"] summary').click();
  await page.getByTestId('view-open').first().click();
  await page.waitForURL(
    (u) => u.searchParams.get('m') === 'revenue' && u.searchParams.get('d') === 'product.root',
  );
  await settled(page);
  await expect(page.locator('[data-testid="result-table"] thead th').allTextContents()).resolves.toEqual([
    'Product family',
    'Revenue (net)',
  ]);
  await context.close();

  // the manager opens the shared link, in French
  const other = await ui.signIn(t.users.MANAGER.email);
  await other.page.getByTestId('language').selectOption('fr');
  await other.page.goto(`${ui.server.url}explorer?view=${id}`);
  await other.page.getByTestId('view-title').waitFor();
  await expect(other.page.getByTestId('view-title').textContent()).resolves.toBe('Vue « revenue by family »');
  await other.page.waitForURL(
    (u) => u.searchParams.get('m') === 'revenue' && u.searchParams.get('d') === 'product.root',
  );
  await other.page.getByTestId('result-table').waitFor();
  await settled(other.page);
  await expect(
    other.page.locator('[data-testid="result-table"] thead th').allTextContents(),
  ).resolves.toEqual(['Famille de produits', 'Chiffre d’affaires (HT)']);
  await shot(other.page, 'explorer-view-opened-fr');
  // not theirs: no delete button
  await other.page.locator('[data-testid="saved-views"] summary').click();
  await expect(other.page.getByTestId('view-delete').count()).resolves.toBe(0);
  await other.page.getByTestId('language').selectOption('en');
  await other.context.close();
  expect(problems).toEqual([]);
}, 120_000);
