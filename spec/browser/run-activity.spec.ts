import { expect } from 'chai';
import { useDashboard } from '../support/browser';

const DAY = 86_400_000;

describe('the activity charts of the flow and deployment pages (browser)', () => {
  const world = useDashboard();
  let flowId: string;
  let deploymentId: string;

  /** A run of `flow` (or of the deployment) expected `ago` ms ago that ends in `final`, through the API. */
  async function run(final: 'COMPLETED' | 'FAILED', ago: number, deployment?: string): Promise<void> {
    const { api } = world.server();
    const scheduledTime = new Date(Date.now() - ago).toISOString();
    const created = await api.post('/flow-runs', {
      flowId,
      ...(deployment ? { deploymentId: deployment } : {}),
      state: { type: 'SCHEDULED', stateDetails: { scheduledTime } },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    for (const type of ['PENDING', 'RUNNING', final]) {
      const res = await api.post(`/flow-runs/${created.body.id}/set-state`, { state: { type } });
      expect(res.body.status, JSON.stringify(res.body)).to.equal('ACCEPT');
    }
  }

  before(async () => {
    const { api } = world.server();
    flowId = (await api.post('/flows', { name: 'ba-etl' })).body.id;
    const other = (await api.post('/flows', { name: 'ba-other' })).body.id;
    const deployment = await api.post('/deployments', { name: 'ba-nightly', flowId, entrypoint: 'f.ts:F.run' });
    expect(deployment.status, JSON.stringify(deployment.body)).to.equal(201);
    deploymentId = deployment.body.id;
    // Days ago (answered from the server's roll-up) and now (read from the runs).
    await run('COMPLETED', 2 * DAY + 3_600_000);
    await run('COMPLETED', 5 * DAY, deploymentId);
    await run('FAILED', 60_000);
    await run('COMPLETED', 8 * DAY); // before the window
    const res = await api.post('/flow-runs', { flowId: other, state: { type: 'COMPLETED' } });
    expect(res.status).to.equal(201);
  });

  it("charts the flow's runs of the past 7 days, and follows new runs live", async () => {
    const { page, open, errors } = world();
    await open(`/flows/${flowId}`);
    await page.getByRole('heading', { name: 'ba-etl' }).waitFor();
    await page.getByRole('img', { name: 'Flow runs over time by state: 2 completed, 1 failed.' }).waitFor();
    // A new run of this flow shows without reloading the page.
    await run('FAILED', 30_000, deploymentId);
    await page.getByRole('img', { name: 'Flow runs over time by state: 2 completed, 2 failed.' }).waitFor();
    // The latest runs name their flow and deployment.
    await page.locator('tbody tr', { hasText: 'ba-etl' }).getByRole('link', { name: 'ba-nightly' }).first().waitFor();
    expect(errors).to.deep.equal([]);
  });

  it("charts the deployment's runs", async () => {
    const { page, open, errors } = world();
    await open(`/deployments/${deploymentId}`);
    await page.getByRole('heading', { name: /ba-nightly/ }).waitFor();
    await page.getByRole('img', { name: 'Flow runs over time by state: 1 completed, 1 failed.' }).waitFor();
    await page.locator('tbody tr', { hasText: 'ba-etl' }).getByRole('link', { name: 'ba-nightly' }).first().waitFor();
    expect(errors).to.deep.equal([]);
  });

  it('says so when the flow has no runs in the window', async () => {
    const { page, open, server } = world();
    const quiet = (await server.api.post('/flows', { name: 'ba-quiet' })).body.id;
    await open(`/flows/${quiet}`);
    await page.getByRole('heading', { name: 'ba-quiet' }).waitFor();
    await page.locator('rg-run-activity').getByText('No runs in the past 7 days.').waitFor();
    expect(await page.locator('rg-run-activity canvas').count()).to.equal(0);
  });
});
