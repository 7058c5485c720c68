import { expect } from 'chai';
import type { AdminApi } from '@rigel/sdk/cli/admin';
import { Worker } from '@rigel/sdk/worker/worker';
import { useDashboard } from '../support/browser';
import { httpAdminApi } from '../support/worker';

describe('the work pool, concurrency limit and deployment pages update live (browser)', () => {
  const world = useDashboard();
  let workerApi: AdminApi | undefined;
  let worker: Worker | undefined;
  let loop: Promise<void> | undefined;

  afterEach(async () => {
    await worker?.stop({ handBack: true });
    await loop?.catch(() => undefined);
    await workerApi?.close();
    worker = loop = workerApi = undefined;
  });

  it('shows a worker started while the pool page is open, and shows it offline once it stops heartbeating', async () => {
    const { page, open, server, errors } = world();
    await server.api.post('/work-pools', { name: 'bl-pool' });
    await open('/work-pools/bl-pool');
    await page.getByText('No worker has polled this pool.').waitFor();
    await page.getByText('Not ready (no worker online)').waitFor();
    await page.locator('.live-indicator[data-status="live"]').waitFor();

    workerApi = httpAdminApi(server.apiUrl);
    worker = new Worker(workerApi, {
      pool: 'bl-pool',
      name: 'bl-worker',
      pollIntervalSeconds: 0.2,
      heartbeatSeconds: 1,
      log: () => undefined,
    });
    loop = worker.start();
    const row = page.locator('tr', { hasText: 'bl-worker' });
    await row.getByText('Online').waitFor();
    await page.locator('.page-header').getByText('Ready', { exact: true }).waitFor();

    // Three missed heartbeats (1 s each) after it stops, the page shows it offline, without a reload.
    await worker.stop({ handBack: true });
    await loop;
    await row.getByText('Offline').waitFor();
    await page.locator('.page-header').getByText('Not ready (no worker online)').waitFor();
    expect(errors).to.deep.equal([]);
  });

  it('lists a pool created through the API on the open work pools page, with its status', async () => {
    const { page, open, server } = world();
    await open('/work-pools');
    await page.locator('.live-indicator[data-status="live"]').waitFor();
    await server.api.post('/work-pools', { name: 'bl-new-pool' });
    const row = page.locator('tr[data-pool="bl-new-pool"]');
    await row.getByText('Not ready (no worker online)').waitFor();
    await server.api.post('/work-pools/bl-new-pool/workers/heartbeat', { name: 'w', heartbeatIntervalSeconds: 60 });
    await row.getByText('Ready', { exact: true }).waitFor();
    await server.api.patch('/work-pools/bl-new-pool', { paused: true });
    await row.getByText('Paused').waitFor();
  });

  it('shows a concurrency limit created through the API, its slots, and its deletion on the open page', async () => {
    const { page, open, server } = world();
    await open('/concurrency-limits');
    await page.getByRole('heading', { name: 'No concurrency limits' }).waitFor();
    await page.locator('.live-indicator[data-status="live"]').waitFor();

    await server.api.post('/concurrency-limits', { tag: 'bl-db', concurrencyLimit: 2 });
    const row = page.locator('tr[data-tag="bl-db"]');
    await row.getByRole('cell', { name: '2', exact: true }).waitFor();

    const flow = (await server.api.post('/flows', { name: 'bl-slots' })).body;
    const run = (await server.api.post('/flow-runs', { flowId: flow.id, state: { type: 'RUNNING' } })).body;
    const task = (
      await server.api.post('/task-runs', { flowRunId: run.id, taskKey: 'q', dynamicKey: '0', tags: ['bl-db'] })
    ).body;
    await server.api.post(`/task-runs/${task.id}/set-state`, { state: { type: 'RUNNING' } });
    await row.getByRole('link', { name: task.id.slice(0, 8) }).waitFor();
    await server.api.post(`/task-runs/${task.id}/set-state`, { state: { type: 'COMPLETED' } });
    await row.getByRole('link').waitFor({ state: 'detached' });

    await server.api.delete('/concurrency-limits/tag/bl-db');
    await page.getByRole('heading', { name: 'No concurrency limits' }).waitFor();
  });

  it('shows a deployment created and paused through the API on the open deployments page', async () => {
    const { page, open, server } = world();
    await open('/deployments');
    await page.getByRole('heading', { name: 'No deployments yet' }).waitFor();
    await page.locator('.live-indicator[data-status="live"]').waitFor();
    const flow = (await server.api.post('/flows', { name: 'bl-flow' })).body;
    const deployment = (
      await server.api.post('/deployments', { name: 'bl-deployment', flowId: flow.id, entrypoint: 'x.js:X.run' })
    ).body;
    const row = page.locator(`tr[data-deployment-id="${deployment.id}"]`);
    await row.getByText('Active').waitFor();
    await server.api.post(`/deployments/${deployment.id}/pause`);
    await row.getByText('Paused').waitFor();
  });
});
