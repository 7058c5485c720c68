/**
 * Browser specs: Debian's Chromium driven by playwright-core against a real server that serves the
 * built dashboard, with runs made through the SDK (HttpClient) on that server. One browser serves every
 * browser spec file (closed by the root hooks); each spec gets a fresh page. A missing Chromium or a
 * missing dashboard build fails the spec; nothing is skipped.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { configure, HttpClient } from '@rigel/sdk';
import { sdkSettings } from './sdk';
import { startTestServer, type TestServer, type TestServerOptions } from './server';

const ROOT = resolve(__dirname, '..', '..', '..');
export const DASHBOARD_DIR = join(ROOT, 'dashboard', 'dist', 'browser');
export const SCREENSHOTS_DIR = join(ROOT, 'docs', 'screenshots');

let browser: Promise<Browser> | null = null;

function launch(): Promise<Browser> {
  // Required lazily so that the other specs never load playwright.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  const executablePath = process.env.CHROME_BIN ?? '/usr/bin/chromium';
  const launched = chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return launched.catch((error: Error) => {
    throw new Error(
      `Chromium could not be started from ${executablePath} (apt-get install -y chromium, or set CHROME_BIN): ${error.message}`,
    );
  });
}

/** The shared browser (launched on first use). */
export function sharedBrowser(): Promise<Browser> {
  browser ??= launch();
  return browser;
}

export async function closeBrowser(): Promise<void> {
  const current = browser;
  browser = null;
  if (current) await (await current.catch(() => null))?.close();
}

export interface DashboardWorld {
  server: TestServer;
  page: Page;
  /** Browser errors (uncaught exceptions, console errors) seen by the current page. */
  errors: string[];
  /** Opens `path` of the dashboard and waits for the app to render. */
  open(path: string): Promise<void>;
}

/**
 * A server with the dashboard and an SDK configured against it for the whole `describe`, and a fresh
 * browser page for every test. Use inside a `describe`.
 */
export function useDashboard(options: TestServerOptions = {}): (() => DashboardWorld) & { server: () => TestServer } {
  let world: DashboardWorld | undefined;
  let server: TestServer | undefined;
  before(async function () {
    this.timeout(60_000);
    if (!existsSync(join(DASHBOARD_DIR, 'index.html'))) {
      throw new Error(`The dashboard is not built (${DASHBOARD_DIR}/index.html is missing): run npm run build`);
    }
    // The test server's defaults (fast change feed, no background loops), with the SDK's short waits.
    server = await startTestServer({ ...options, settings: { taskConcurrencyWaitSeconds: 0.1, ...options.settings } });
    await sharedBrowser();
  });
  after(async () => {
    await configure();
    await server?.stop();
  });
  beforeEach(async function () {
    this.timeout(30_000);
    const settings = sdkSettings({ heartbeatIntervalSeconds: 1, ...options.settings });
    await configure({ client: new HttpClient({ apiUrl: server!.apiUrl, apiKey: settings.apiKey }), settings });
    const page = await (await sharedBrowser()).newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(12_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 4\d\d|WebSocket/.test(message.text())) errors.push(message.text());
    });
    const base = server!.apiUrl.replace(/\/api$/, '');
    world = {
      server: server!,
      page,
      errors,
      async open(path: string) {
        await page.goto(`${base}${path}`);
        await page.locator('rg-root main').waitFor();
      },
    };
  });
  afterEach(async () => {
    await world?.page.close();
    world = undefined;
  });
  const current = () => {
    if (!world) throw new Error('the dashboard world exists only inside a test');
    return world;
  };
  return Object.assign(current, {
    server: () => {
      if (!server) throw new Error('the server starts in the before hook of useDashboard');
      return server;
    },
  });
}

/**
 * Takes a screenshot of the page (so drawing it cannot fail unnoticed); with RIGEL_UPDATE_SCREENSHOTS=1
 * it is saved for the README (docs/screenshots/<name>.png), otherwise the checkout is left untouched.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.RIGEL_UPDATE_SCREENSHOTS !== '1') {
    await page.screenshot({ fullPage: false });
    return;
  }
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`), fullPage: false });
}

/** A promise and the function that resolves it: holds a task body until the spec lets it go. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}
