import { expect } from 'chai';
import { useDashboard } from '../support/browser';

const parameterSchema = {
  type: 'object',
  properties: {
    region: { type: 'string', enum: ['EU', 'US'] },
    topN: { type: 'integer', minimum: 1, maximum: 100, description: 'How many products' },
    dryRun: { type: 'boolean' },
  },
  required: ['topN'],
};

describe('the deployment pages (browser)', () => {
  const world = useDashboard();
  let deployment: { id: string; name: string };

  before(async () => {
    const { api } = world.server();
    const flow = (await api.post('/flows', { name: 'bd-sales' })).body;
    await api.post('/work-pools', { name: 'bd-pool' });
    const created = await api.post('/deployments', {
      name: 'bd-weekly',
      flowId: flow.id,
      entrypoint: 'flows/sales.ts:Sales.report',
      workPoolName: 'bd-pool',
      parameters: { region: 'EU', topN: 5 },
      parameterSchema,
      enforceParameterSchema: true,
      schedules: [{ schedule: { interval: 3600 } }],
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    deployment = created.body;
    // The next scheduled run, as the scheduler would create it.
    const at = new Date(Date.now() + 1_800_000).toISOString();
    await api.post(`/deployments/${deployment.id}/create-flow-run`, {
      name: 'bd-next',
      state: { type: 'SCHEDULED', stateDetails: { scheduledTime: at } },
    });
  });

  it('lists deployments with their schedules, and shows one with its next runs', async () => {
    const { page, open, errors } = world();
    await open('/deployments');
    const row = page.locator('tbody tr', { hasText: 'bd-weekly' });
    await row.getByText('every 1h 00m').waitFor();
    await row.getByText('bd-sales').waitFor();
    await row.getByRole('link', { name: 'bd-weekly' }).click();
    await page.getByRole('heading', { name: /bd-weekly/ }).waitFor();
    await page.locator('.next-runs').getByRole('link', { name: 'bd-next' }).waitFor();
    await page.getByText('flows/sales.ts:Sales.report').waitFor();
    expect(errors).to.deep.equal([]);
  });

  it('pauses and resumes its schedules', async () => {
    const { page, open, server } = world();
    await open(`/deployments/${deployment.id}`);
    await page.getByRole('button', { name: 'Pause schedules' }).click();
    await page.getByRole('button', { name: 'Resume schedules' }).waitFor();
    expect((await server.api.get(`/deployments/${deployment.id}`)).body.paused).to.equal(true);
    await page.getByRole('button', { name: 'Resume schedules' }).click();
    await page.getByRole('button', { name: 'Pause schedules' }).waitFor();
    expect((await server.api.get(`/deployments/${deployment.id}`)).body.paused).to.equal(false);
  });

  it('runs it with parameters from the generated form, checked in the browser and then by the server', async () => {
    const { page, open, server } = world();
    await open(`/deployments/${deployment.id}/run`);
    const topN = page.getByLabel(/^topN/);
    expect(await topN.inputValue()).to.equal('5');
    expect(await page.getByLabel(/^region/).inputValue()).to.equal('EU');

    await topN.fill('500');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.locator('[data-field="topN"] .field-error', { hasText: 'must be <= 100' }).waitFor();

    // The schema changes on the server after the form was built: only the server knows the new limit.
    const patched = await server.api.patch(`/deployments/${deployment.id}`, {
      parameterSchema: {
        ...parameterSchema,
        properties: { ...parameterSchema.properties, topN: { type: 'integer', maximum: 10 } },
      },
    });
    expect(patched.status).to.equal(200);
    await topN.fill('50');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.locator('[data-field="topN"] .field-error', { hasText: 'must be <= 10' }).waitFor();
    await page
      .getByRole('alert')
      .getByText(/The server refused the run/)
      .waitFor();

    await topN.fill('7');
    await page.getByLabel(/^region/).selectOption('US');
    await page.getByLabel('Run name').fill('bd-from-the-form');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page
      .getByRole('heading', { name: /bd-from-the-form/ })
      .locator('rg-state-badge[data-state="SCHEDULED"]')
      .waitFor();
    await page.getByRole('tab', { name: 'Parameters' }).click();
    await page.getByText('"topN": 7').waitFor();
    const runs = await server.api.post('/flow-runs/filter', {
      flowRuns: { name: { any: ['bd-from-the-form'] } } as never,
    });
    expect(runs.body).to.have.length(1);
    expect(runs.body[0].parameters).to.deep.equal({ region: 'US', topN: 7, dryRun: false });
    expect(runs.body[0].deploymentId).to.equal(deployment.id);
  });

  it('retries a finished deployment run from its page (Scheduled again for a worker)', async () => {
    const { page, open, server } = world();
    const run = (await server.api.post(`/deployments/${deployment.id}/create-flow-run`, { name: 'bd-to-retry' })).body;
    await server.api.post(`/flow-runs/${run.id}/set-state`, { state: { type: 'RUNNING' } });
    await server.api.post(`/flow-runs/${run.id}/set-state`, { state: { type: 'FAILED', message: 'worker lost' } });
    await open(`/flow-runs/${run.id}`);
    await page.getByRole('heading', { name: 'bd-to-retry' }).locator('rg-state-badge[data-state="FAILED"]').waitFor();
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByText('Accepted: the run is now AwaitingRetry.').waitFor();
    await page
      .getByRole('heading', { name: 'bd-to-retry' })
      .locator('rg-state-badge[data-state="SCHEDULED"]')
      .waitFor();
    expect((await server.api.get(`/flow-runs/${run.id}`)).body.state.name).to.equal('AwaitingRetry');
  });
});
