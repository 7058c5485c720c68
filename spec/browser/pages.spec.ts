import { expect } from 'chai';
import { Flow, Task } from '@rigel/sdk';
import { useDashboard } from '../support/browser';

class PageFlows {
  tries = 0;

  @Task({ name: 'bg-flaky', retries: 1, retryDelaySeconds: 0, tags: ['bg-db'] })
  async flaky(): Promise<string> {
    if (this.tries++ === 0) throw new Error('connection reset');
    return 'ok';
  }

  @Flow({ name: 'bg-report' })
  async report(): Promise<string> {
    return this.flaky();
  }

  @Flow({ name: 'bg-crash' })
  async crash(): Promise<void> {
    throw new Error('disk full on /var/data');
  }
}

const flows = new PageFlows();

describe('the overview, flow, task run, work pool and concurrency pages (browser)', () => {
  const world = useDashboard();

  before(async () => {
    await flows.report();
    await flows.crash().catch(() => undefined);
  });

  it('counts runs by state, charts their history and lists recent failures with their messages', async () => {
    const { page, open, errors } = world();
    await open('/');
    await page.locator('[data-stat="failed"] .value', { hasText: /^1$/ }).waitFor();
    expect(await page.locator('[data-stat="running"] .value').innerText()).to.equal('0');
    await page.getByRole('img', { name: /Flow runs over time by state: .*1 completed.*1 failed/ }).waitFor();
    await page.getByRole('cell', { name: 'Error: disk full on /var/data' }).waitFor();
    await page.getByLabel('Time window').selectOption('7d');
    await page.waitForURL(/window=7d/);
    await page.locator('[data-stat="failed"] .value', { hasText: /^1$/ }).waitFor();
    expect(errors).to.deep.equal([]);
  });

  it('lists flows and shows a flow with its latest runs', async () => {
    const { page, open } = world();
    await open('/flows');
    await page.getByRole('link', { name: 'bg-report' }).click();
    await page.getByRole('heading', { name: 'bg-report' }).waitFor();
    await page.locator('tbody tr rg-state-badge[data-state="COMPLETED"]').waitFor();
    await page.getByText('No deployments.').waitFor();
  });

  it('shows a task run with its state history and the retry decision', async () => {
    const { page, open, server } = world();
    const [taskRun] = (await server.api.post('/task-runs/filter', { taskRuns: { taskKey: { like: 'bg-flaky' } } }))
      .body;
    await open(`/task-runs/${taskRun.id}`);
    await page.getByRole('heading', { name: taskRun.name }).locator('rg-state-badge[data-state="COMPLETED"]').waitFor();
    await page.locator('.decision[data-rule="RetryFailedTasks"]').getByText('REJECT').waitFor();
    expect(await page.getByText('Attempts').locator('xpath=following-sibling::dd[1]').innerText()).to.equal('2');
  });

  it('shows work pools with their queues and workers', async () => {
    const { page, open, server } = world();
    await server.api.post('/work-pools', { name: 'bg-pool' });
    await server.api.post('/work-pools/bg-pool/queues', { name: 'urgent', priority: 1 });
    await server.api.post('/work-pools/bg-pool/workers/heartbeat', { name: 'worker-7', heartbeatIntervalSeconds: 30 });
    await open('/work-pools');
    await page.locator('tr[data-pool="bg-pool"]').getByText('Ready').waitFor();
    await page.getByRole('link', { name: 'bg-pool' }).click();
    await page.getByRole('cell', { name: 'urgent' }).waitFor();
    await page.locator('tr', { hasText: 'worker-7' }).getByText('Online').waitFor();
    await page.getByRole('button', { name: 'Pause pool' }).click();
    await page.getByRole('button', { name: 'Resume pool' }).waitFor();
    expect((await server.api.get('/work-pools/bg-pool')).body.paused).to.equal(true);
  });

  it('creates, resets and deletes a concurrency limit', async () => {
    const { page, open, server } = world();
    await open('/concurrency-limits');
    await page.getByRole('heading', { name: 'No concurrency limits' }).waitFor();
    await page.getByLabel('Tag', { exact: true }).fill('bg-db');
    await page.getByLabel('Limit', { exact: true }).fill('3');
    await page.getByRole('button', { name: 'Save limit' }).click();
    const row = page.locator('tr[data-tag="bg-db"]');
    await row.getByRole('cell', { name: '3', exact: true }).waitFor();
    expect((await server.api.get('/concurrency-limits/tag/bg-db')).body.concurrencyLimit).to.equal(3);
    await row.getByRole('button', { name: 'Reset slots' }).click();
    await page.getByText('Freed every slot of “bg-db”.').waitFor();
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByRole('heading', { name: 'No concurrency limits' }).waitFor();
    expect((await server.api.get('/concurrency-limits/tag/bg-db')).status).to.equal(404);
  });
});

describe('the dashboard on a server that requires an API key (browser)', () => {
  const world = useDashboard({ settings: { apiKey: 'browser-spec-key' } });

  it('says a key is needed, and works live once the key is saved in Settings', async () => {
    const { page, open, server } = world();
    const headers = { authorization: 'Bearer browser-spec-key' };
    const flowId = (await server.api.request('POST', '/flows', { name: 'bk-keyed' }, headers)).body.id;
    await open('/flow-runs');
    await page.getByRole('alert').getByText('This server requires an API key: set it in Settings.').waitFor();
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('API key').fill('browser-spec-key');
    await page.getByRole('button', { name: 'Save and test' }).click();
    await page.getByText(/Saved\. Connected/).waitFor();
    await page.getByRole('link', { name: 'Flow runs' }).click();
    await page.getByRole('heading', { name: 'No flow runs yet' }).waitFor();
    await page.locator('.live-indicator[data-status="live"]').waitFor();
    const created = await server.api.request('POST', '/flow-runs', { flowId, name: 'bk-live-run' }, headers);
    expect(created.status).to.equal(201);
    await page.getByRole('link', { name: 'bk-live-run' }).waitFor();
  });
});
