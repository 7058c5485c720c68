import { expect } from 'chai';
import { Flow, getRunLogger, Task } from '@rigel/sdk';
import { gate, screenshot, useDashboard } from '../support/browser';

let release = gate();

class ListFlows {
  @Task({ name: 'bl-step' })
  async step(n: number): Promise<number> {
    return n + 1;
  }

  @Task({ name: 'bl-wait' })
  async waitAtGate(): Promise<void> {
    await release.wait;
  }

  @Flow({ name: 'bl-etl', tags: ['etl'] })
  async etl(n: number): Promise<number> {
    getRunLogger().info(`adding one to ${n}`);
    return this.step(n);
  }

  @Flow({ name: 'bl-broken' })
  async broken(): Promise<void> {
    throw new Error('the source table is missing');
  }

  @Flow({ name: 'bl-gated' })
  async gated(): Promise<string> {
    await this.waitAtGate();
    return 'released';
  }
}

const flows = new ListFlows();
const rowOf = (page: import('playwright-core').Page, name: string) =>
  page.locator('tr', { has: page.getByRole('link', { name, exact: true }) });

describe('the flow runs list (browser)', () => {
  const world = useDashboard();

  /** Creates `count` flow runs of `flowName` through the API (Scheduled in an hour), oldest first. */
  async function scheduledRuns(flowName: string, count: number): Promise<{ id: string; name: string }[]> {
    const { api } = world().server;
    const flow = (await api.post('/flows', { name: flowName })).body;
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const runs = [];
    for (let i = 0; i < count; i++) {
      const res = await api.post('/flow-runs', {
        flowId: flow.id,
        name: `${flowName}-${String(i).padStart(2, '0')}`,
        state: { type: 'SCHEDULED', stateDetails: { scheduledTime: at } },
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      runs.push(res.body);
    }
    return runs;
  }

  describe('when runs exist', () => {
    before(async () => {
      await flows.etl(1);
      await flows.etl(2);
      await flows.broken().catch(() => undefined);
    });

    it('lists them with their flows and states', async () => {
      const { page, open, errors } = world();
      await open('/flow-runs');
      await page.locator('tbody rg-state-badge[data-state="FAILED"]').waitFor();
      await page.getByText(/^1–3 of 3$/).waitFor();
      // The list may still be settling from live events of the runs just made: wait for both rows.
      await page.locator('tbody tr', { hasText: 'bl-etl' }).nth(1).waitFor();
      expect(await page.locator('tbody tr', { hasText: 'bl-etl' }).count()).to.equal(2);
      await page.locator('tbody tr', { hasText: 'bl-broken' }).getByText('Failed').waitFor();
      expect(errors).to.deep.equal([]);
    });

    it('filters by state, keeps the filter in the URL, and a shared URL shows the same list', async () => {
      const { page, open } = world();
      await open('/flow-runs');
      await page.getByText('States', { exact: true }).click();
      await page.getByRole('checkbox', { name: 'Failed' }).check();
      await page.waitForURL(/state=FAILED/);
      await page.getByText(/^1–1 of 1$/).waitFor();
      expect(await page.locator('tbody tr').count()).to.equal(1);
      await page.locator('tbody tr', { hasText: 'bl-broken' }).waitFor();

      await open('/flow-runs?flow=bl-etl&tags=etl');
      await page.getByText(/^1–2 of 2$/).waitFor();
      expect(await page.locator('tbody tr', { hasText: 'bl-broken' }).count()).to.equal(0);
    });

    it('filters by flow and by a part of the name', async () => {
      const { page, open } = world();
      const [first] = await world()
        .server.api.post('/flow-runs/filter', { flows: { name: { any: ['bl-etl'] } }, limit: 1 })
        .then((r) => r.body);
      await open('/flow-runs');
      await page.getByLabel('Flow', { exact: true }).selectOption('bl-broken');
      await page.waitForURL(/flow=bl-broken/);
      await page.getByText(/^1–1 of 1$/).waitFor();
      await page.getByLabel('Flow', { exact: true }).selectOption('');
      await page.getByLabel('Name contains').fill(first.name);
      await page.waitForURL(new RegExp(`q=${first.name}`));
      await rowOf(page, first.name).waitFor();
      await page.getByText(/^1–1 of 1$/).waitFor();
    });
  });

  describe('when there are more runs than a page', () => {
    it('pages on the server, with the page in the URL', async () => {
      const { page, open } = world();
      const runs = await scheduledRuns('bl-paged', 12);
      await open('/flow-runs?flow=bl-paged&size=10&sort=NAME_ASC');
      await page.getByText(/^1–10 of 12$/).waitFor();
      expect(await page.locator('tbody tr').count()).to.equal(10);
      await page.getByRole('button', { name: 'Next ›' }).click();
      await page.waitForURL(/page=2/);
      await page.getByText(/^11–12 of 12$/).waitFor();
      await rowOf(page, runs[11]!.name).waitFor();
      expect(await page.locator('tbody tr').count()).to.equal(2);
      for (const run of runs) await world().server.api.delete(`/flow-runs/${run.id}`);
    });
  });

  describe('when a run starts while the list is open', () => {
    it('appears and moves through its states without a reload', async () => {
      const { page, open } = world();
      await open('/flow-runs?flow=bl-gated');
      await page.getByRole('heading', { name: 'No flow runs match these filters' }).waitFor();
      await page.evaluate('window.__sameDocument = true');
      release = gate();
      const running = flows.gated();
      await page.locator('tbody tr rg-state-badge[data-state="RUNNING"]').waitFor();
      release.open();
      await running;
      await page.locator('tbody tr rg-state-badge[data-state="COMPLETED"]').waitFor();
      expect(await page.evaluate('window.__sameDocument')).to.equal(true);
    });
  });

  describe('when runs are selected', () => {
    it('cancels them (Scheduled runs become Cancelled)', async () => {
      const { page, open } = world();
      const runs = await scheduledRuns('bl-to-cancel', 2);
      await open('/flow-runs?flow=bl-to-cancel');
      await page.getByRole('checkbox', { name: 'Select all runs on this page' }).check();
      await page.getByRole('button', { name: 'Cancel runs' }).click();
      await page.getByText('Cancelled 2 of 2 runs.').waitFor();
      await page.locator('tbody rg-state-badge[data-state="CANCELLED"]').nth(1).waitFor();
      for (const run of runs) {
        const read = await world().server.api.get(`/flow-runs/${run.id}`);
        expect(read.body.state.type).to.equal('CANCELLED');
      }
    });

    it('deletes them after a confirmation', async () => {
      const { page, open } = world();
      const runs = await scheduledRuns('bl-to-delete', 3);
      await open('/flow-runs?flow=bl-to-delete');
      await rowOf(page, runs[0]!.name).getByRole('checkbox').check();
      await rowOf(page, runs[1]!.name).getByRole('checkbox').check();
      await page.getByRole('button', { name: 'Delete runs' }).click();
      await page.getByRole('button', { name: 'Yes, delete' }).click();
      await page.getByText('Deleted 2 of 2 runs.').waitFor();
      await page.getByText(/^1–1 of 1$/).waitFor();
      expect((await world().server.api.get(`/flow-runs/${runs[0]!.id}`)).status).to.equal(404);
      expect((await world().server.api.get(`/flow-runs/${runs[2]!.id}`)).status).to.equal(200);
    });
  });

  describe('when runs are in every kind of state', () => {
    it('shows each state in its colour (the README screenshot)', async () => {
      const { page, open } = world();
      release = gate();
      const running = flows.gated();
      await open('/flow-runs');
      const states = ['RUNNING', 'SCHEDULED', 'COMPLETED', 'FAILED', 'CANCELLED'];
      for (const state of states) await page.locator(`tbody rg-state-badge[data-state="${state}"]`).first().waitFor();
      await screenshot(page, 'flow-runs');
      release.open();
      await running;
    });
  });
});
