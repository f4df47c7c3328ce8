import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from '@erp/kit';
import { ensureConsoleBuilt, startConsoleServer, type RunningConsoleServer } from './console-server';
import { PASSWORD, type TestSystem } from './test-system';

/**
 * What the console's end-to-end tests share: a Chromium that comes through npm (`@sparticuz/chromium`
 * ships a build in its tarball, unpacked once under the system temp folder) driven by playwright-core,
 * and page helpers. `CHROMIUM_PATH` points the tests at another build.
 */
export const SHOTS = path.join(repoRoot(), 'test-artifacts', 'console');
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The browser's globals used inside page.evaluate callbacks (these files compile without the DOM lib). */
export interface Win {
  document: { querySelector(selector: string): unknown };
  sessionStorage: { getItem(key: string): string | null } & Record<string, string>;
  localStorage: Record<string, string>;
}

/** The browser's executable: `CHROMIUM_PATH`, or the npm build (jest's global setup unpacks it once per run). */
export async function chromiumPath(): Promise<string> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  const { default: npmChromium } = await import('@sparticuz/chromium');
  return npmChromium.executablePath();
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  // playwright-core gives the browser a fresh temporary profile (--user-data-dir) and removes it after
  return chromium.launch({ executablePath: await chromiumPath(), headless: true, args: FLAGS });
}

/** A fresh context and page; console errors and page errors go to `problems`. */
export async function newPage(
  browser: Browser,
  problems: string[],
  viewport = { width: 1366, height: 900 },
): Promise<{ context: BrowserContext; page: Page }> {
  problems.length = 0;
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { context, page };
}

/** Waits until nothing is loading (the StateView and every dashboard tile mark themselves aria-busy while their query runs). */
export async function settled(page: Page, timeout = 30_000) {
  await page.locator('main h1').first().waitFor();
  await page.waitForFunction(
    () => !(globalThis as unknown as Win).document.querySelector('[aria-busy="true"]'),
    undefined,
    { timeout },
  );
}

/** Opens a page from the navigation and waits until it has loaded. */
export async function open(page: Page, name: string) {
  const link = page.getByTestId(`nav-${name}`);
  const title = (await link.textContent())!.trim();
  await link.click();
  await page.waitForURL((u) => u.pathname === `/${name}`);
  await page.locator('main h1', { hasText: title }).waitFor();
  await settled(page);
}

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

export async function login(page: Page, baseUrl: string, email: string) {
  await page.goto(baseUrl);
  await page.getByTestId('email').fill(email);
  await page.getByTestId('password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('who').waitFor();
  await settled(page);
}

type Viewport = { width: number; height: number };

/** The built console served against a test system's gateway, and a Chromium to drive it. */
export interface ConsoleUnderTest {
  server: RunningConsoleServer;
  browser: Browser;
  /** A fresh page, not signed in (its errors go to the file's `problems`). */
  open(viewport?: Viewport): Promise<{ context: BrowserContext; page: Page }>;
  /** A fresh page signed in as `email`. */
  signIn(email: string, viewport?: Viewport): Promise<{ context: BrowserContext; page: Page }>;
  /** Goes to a console path and waits until it has loaded. */
  go(page: Page, pathName: string): Promise<void>;
  close(): Promise<void>;
}

/** Builds (once) and serves the console against `t`, and launches Chromium; pages open at `viewport` unless told. */
export async function startConsole(
  t: TestSystem,
  problems: string[],
  viewport: Viewport = { width: 1366, height: 900 },
): Promise<ConsoleUnderTest> {
  const { distDir } = await ensureConsoleBuilt();
  const server = await startConsoleServer({ port: 0, distDir, gatewayUrl: t.system.gatewayUrl });
  const browser = await launchBrowser();
  return {
    server,
    browser,
    open: (vp = viewport) => newPage(browser, problems, vp),
    signIn: async (email, vp = viewport) => {
      const p = await newPage(browser, problems, vp);
      await login(p.page, server.url, email);
      return p;
    },
    go: async (page, pathName) => {
      await page.goto(`${server.url}${pathName.replace(/^\//, '')}`);
      await settled(page);
    },
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}
