/**
 * First render of the dashboard's pages in headless Chromium (playwright-core, as the browser specs
 * drive it): the time from navigation to the page's rows being visible, in a fresh browser context
 * each time (no cached bundle or API answer), median of a few loads.
 */
import type { Browser, Page } from 'playwright-core';
import { median } from '../lib/stats';
import type { S6Fixture } from './populate';

export interface PageRender {
  page: string;
  what: string;
  /** A new browser context each time: nothing cached (a first visit). */
  loadsMs: number[];
  medianMs: number;
  /** The same page loaded again in that context: the bundle comes from the HTTP cache. */
  warmLoadsMs: number[];
  warmMedianMs: number;
}

interface PageSpec {
  path: string;
  what: string;
  ready: (page: Page) => Promise<unknown>;
}

const visible = (page: Page, selector: string) => page.locator(selector).first().waitFor({ state: 'visible' });

export function pagesToRender(fixture: S6Fixture): PageSpec[] {
  const detail = (id: string, tasks: number): PageSpec => ({
    path: `/flow-runs/${id}`,
    what: `title and the timeline of ${tasks.toLocaleString('en-US')} task runs`,
    ready: (page) =>
      Promise.all([
        visible(page, 'h1 rg-state-badge'),
        visible(page, `rg-run-timeline canvas[aria-label^="Timeline of ${tasks} task runs"]`),
      ]),
  });
  return [
    { path: '/flow-runs', what: 'first run row', ready: (page) => visible(page, 'tr[data-run-id]') },
    {
      // performance.md's "filtered list (page 200)"; a small data set has fewer Failed pages.
      path: `/flow-runs?state=FAILED&page=${fixture.runs >= 200_000 ? 200 : 2}`,
      what: 'first run row',
      ready: (page) => visible(page, 'tr[data-run-id]'),
    },
    { path: '/flows', what: 'first flow row', ready: (page) => visible(page, 'tbody tr a[href^="/flows/"]') },
    { path: '/deployments', what: 'first deployment row', ready: (page) => visible(page, 'tr[data-deployment-id]') },
    {
      path: `/flows/${fixture.flows[0]!.id}`,
      what: 'activity chart (the busiest flow), first run row',
      ready: (page) => Promise.all([visible(page, 'rg-run-activity canvas'), visible(page, 'tr[data-run-id]')]),
    },
    {
      path: `/deployments/${fixture.deployments[0]!.id}`,
      what: 'activity chart, first run row',
      ready: (page) => Promise.all([visible(page, 'rg-run-activity canvas'), visible(page, 'tr[data-run-id]')]),
    },
    {
      path: '/',
      what: 'run counts, history chart, first failure row',
      ready: (page) =>
        Promise.all([
          visible(page, '[data-stat="running"] .value'),
          visible(page, 'rg-run-history-chart canvas'),
          visible(page, 'tbody tr a[href^="/flow-runs/"]'),
        ]),
    },
    { path: '/work-pools', what: 'first pool row', ready: (page) => visible(page, 'tr[data-pool]') },
    { path: '/concurrency-limits', what: 'first limit row', ready: (page) => visible(page, 'tr[data-tag]') },
    detail(fixture.sampleRunId, 5),
    detail(fixture.bigRunId, 10_000),
  ];
}

function launch(): Promise<Browser> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROME_BIN ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
}

const TIMEOUT_MS = 60_000;

export async function timeFirstRenders(
  origin: string,
  fixture: S6Fixture,
  loads: number,
  log: (line: string) => void,
): Promise<PageRender[]> {
  const browser = await launch();
  const out: PageRender[] = [];
  try {
    for (const spec of pagesToRender(fixture)) {
      const loadsMs: number[] = [];
      const warmLoadsMs: number[] = [];
      // One untimed round first: Chromium's own first-use costs are not the page's.
      for (let i = 0; i <= loads; i++) {
        const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
        try {
          for (const list of [loadsMs, warmLoadsMs]) {
            const page = await context.newPage();
            page.setDefaultTimeout(TIMEOUT_MS);
            const t0 = performance.now();
            await page.goto(origin + spec.path, { waitUntil: 'commit' });
            await spec.ready(page);
            if (i > 0) list.push(performance.now() - t0);
            await page.close();
          }
        } finally {
          await context.close();
        }
      }
      const render = {
        page: spec.path,
        what: spec.what,
        loadsMs,
        medianMs: median(loadsMs),
        warmLoadsMs,
        warmMedianMs: median(warmLoadsMs),
      };
      log(
        `    first render ${spec.path}: median ${render.medianMs.toFixed(0)} ms, cached bundle ${render.warmMedianMs.toFixed(0)} ms (${spec.what})`,
      );
      out.push(render);
    }
  } finally {
    await browser.close();
  }
  return out;
}
