import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { Flow, getRunLogger, Task } from '@rigel/sdk';
import { eventually } from '../support/sdk';
import { gate, screenshot, useDashboard } from '../support/browser';

let release = gate();

class RunPageFlows {
  attempts = 0;

  @Task({ name: 'bp-extract', retries: 1, retryDelaySeconds: 0 })
  async extract(): Promise<number[]> {
    if (this.attempts++ === 0) throw new Error('the source was flaky');
    return [1, 2, 3];
  }

  @Task({ name: 'bp-double' })
  async double(values: number[]): Promise<number[]> {
    return values.map((v) => v * 2);
  }

  @Flow({ name: 'bp-child' })
  async child(values: number[]): Promise<number> {
    return values.length;
  }

  @Flow({ name: 'bp-pipeline' })
  async pipeline(source: string): Promise<number[]> {
    getRunLogger().info(`reading ${source}`);
    const doubled = await this.double(await this.extract());
    await this.child(doubled);
    getRunLogger().warning('two rows were skipped');
    return doubled;
  }

  @Task({ name: 'bp-held' })
  async held(): Promise<void> {
    await release.wait;
  }

  @Flow({ name: 'bp-gated' })
  async gated(): Promise<void> {
    getRunLogger().info('waiting at the gate');
    await this.held();
    getRunLogger().info('through the gate');
  }

  @Task({ name: 'bp-long' })
  async long(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 20_000).unref());
  }

  @Flow({ name: 'bp-cancellable' })
  async cancellable(): Promise<void> {
    await this.long();
  }
}

const flows = new RunPageFlows();

describe('the flow run page (browser)', () => {
  const world = useDashboard();

  async function onlyRun(flowName: string, stateType?: string): Promise<{ id: string; name: string }> {
    const runs = await eventually(
      async () =>
        (
          await world.server().api.post('/flow-runs/filter', {
            flows: { name: { any: [flowName] } },
            ...(stateType ? { flowRuns: { state: { type: { any: [stateType] } } } } : {}),
          })
        ).body as { id: string; name: string }[],
      (list) => list.length === 1,
    );
    expect(runs, `one ${stateType ?? ''} run of ${flowName}`).to.have.length(1);
    return runs[0]!;
  }

  const tab = (page: Page, name: string) => page.getByRole('tab', { name: new RegExp(`^${name}`) }).click();

  describe('when a run has finished', () => {
    let run: { id: string; name: string };
    before(async () => {
      await flows.pipeline('s3://bucket/orders.csv');
      run = await onlyRun('bp-pipeline');
    });

    it('shows its state, timings and the timeline of its task runs, and a screenshot is taken', async () => {
      const { page, open, errors } = world();
      await open(`/flow-runs/${run.id}`);
      await page.getByRole('heading', { name: run.name }).locator('rg-state-badge[data-state="COMPLETED"]').waitFor();
      await page.getByText('Started', { exact: true }).waitFor();
      await page.getByRole('img', { name: /Timeline of 3 task runs/ }).waitFor();
      await page.getByRole('tab', { name: 'Task runs (3)' }).waitFor();
      await screenshot(page, 'flow-run');
      expect(errors).to.deep.equal([]);
    });

    it('lists its task runs, and unfolds a task run history with the retry decision beside it', async () => {
      const { page, open } = world();
      await open(`/flow-runs/${run.id}?tab=task-runs`);
      const row = page.locator('tbody tr', { hasText: 'bp-extract' });
      await row.locator('rg-state-badge[data-state="COMPLETED"]').waitFor();
      expect(await page.locator('tbody tr', { hasText: 'bp-double' }).count()).to.equal(1);
      await row.getByRole('button', { name: 'History' }).click();
      const decision = page.locator('.decision[data-rule="RetryFailedTasks"]');
      await decision.waitFor();
      expect(await decision.innerText()).to.match(/REJECT[\s\S]*Running → Failed ⇒ AwaitingRetry/);
      await page.locator('li[data-state-name="AwaitingRetry"]').getByText('Error: the source was flaky').waitFor();
    });

    it('shows its subflow run, parameters, logs with a level filter, and its own state history', async () => {
      const { page, open } = world();
      await open(`/flow-runs/${run.id}`);
      await tab(page, 'Subflow runs');
      await page
        .locator('tbody tr', { hasText: 'bp-child' })
        .locator('rg-state-badge[data-state="COMPLETED"]')
        .waitFor();
      await tab(page, 'Parameters');
      await page.getByText('"source": "s3://bucket/orders.csv"').waitFor();
      await tab(page, 'Logs');
      await page.getByRole('log').getByText('reading s3://bucket/orders.csv').waitFor();
      await page.getByLabel('Level').selectOption({ label: 'Warnings and errors' });
      await page.getByRole('log').getByText('two rows were skipped').waitFor();
      await page.getByRole('log').getByText('reading s3://bucket/orders.csv').waitFor({ state: 'detached' });
      await tab(page, 'State history');
      const history = page.getByRole('list', { name: 'State history of this flow run' });
      await history.locator('li[data-state-name="Completed"]').waitFor();
      expect(
        await history.locator('li').evaluateAll((items) => items.map((i) => i.getAttribute('data-state-name'))),
      ).to.deep.equal(['Pending', 'Running', 'Completed']);
    });
  });

  describe('when the run is still running', () => {
    it('follows its state, task runs and log lines live', async () => {
      const { page, open } = world();
      release = gate();
      const done = flows.gated();
      const run = await onlyRun('bp-gated', 'RUNNING');
      await open(`/flow-runs/${run.id}?tab=logs`);
      await page.getByRole('heading', { name: run.name }).locator('rg-state-badge[data-state="RUNNING"]').waitFor();
      await page.getByRole('log').getByText('waiting at the gate').waitFor();
      release.open();
      await done;
      await page.getByRole('log').getByText('through the gate').waitFor();
      await page.getByRole('heading', { name: run.name }).locator('rg-state-badge[data-state="COMPLETED"]').waitFor();
      await tab(page, 'Task runs');
      await page
        .locator('tbody tr', { hasText: 'bp-held' })
        .locator('rg-state-badge[data-state="COMPLETED"]')
        .waitFor();
    });

    it('cancels it end to end: Cancelling, then Cancelled once the process stops', async () => {
      const { page, open } = world();
      const done = flows.cancellable().then(
        () => 'completed',
        (error: Error) => error.name,
      );
      const run = await onlyRun('bp-cancellable', 'RUNNING');
      await open(`/flow-runs/${run.id}`);
      await page.getByRole('button', { name: 'Cancel run' }).click();
      await page.getByRole('button', { name: 'Yes, cancel it' }).click();
      await page.getByText('Accepted: the run is now Cancelling.').waitFor();
      await page.getByRole('heading', { name: run.name }).locator('rg-state-badge[data-state="CANCELLED"]').waitFor();
      expect(await done).to.not.equal('completed');
      expect((await world().server.api.get(`/flow-runs/${run.id}`)).body.state.type).to.equal('CANCELLED');
    });
  });

  describe('when the run has 10,000 task runs', () => {
    const COUNT = 10_000;
    let runId: string;
    before(async function () {
      this.timeout(120_000);
      const { api, services } = world.server();
      const flowId = (await api.post('/flows', { name: 'bp-wide' })).body.id;
      runId = (await api.post('/flow-runs', { flowId, state: { type: 'RUNNING' } })).body.id;
      // Through the services' create path (one orchestrated first state each): HTTP would only add time.
      let previous: string[] = [];
      for (let batch = 0; batch < COUNT / 100; batch++) {
        previous = await Promise.all(
          Array.from({ length: 100 }, async (_, i) => {
            const upstream = previous[i];
            const { run } = await services.taskRuns.create({
              flowRunId: runId,
              taskKey: 'bp-wide-step',
              dynamicKey: String(batch * 100 + i),
              name: `step-${batch * 100 + i}`,
              taskInputs: upstream ? { value: [{ inputType: 'task_run', id: upstream }] } : {},
              state: { type: 'RUNNING' },
            } as never);
            return run.id as string;
          }),
        );
      }
    });

    it('draws the timeline in view only and pages the task run table on the server', async () => {
      const { page, open } = world();
      const started = Date.now();
      await open(`/flow-runs/${runId}`);
      const timeline = page.getByRole('img', {
        name: `Timeline of ${COUNT} task runs; the task runs table lists the same runs.`,
      });
      await timeline.waitFor({ timeout: 20_000 });
      expect(Date.now() - started, 'time until the timeline shows').to.be.below(15_000);
      // Scroll to the end: the last rows are drawn, and hovering one names it.
      await page.locator('rg-run-timeline .viewport').evaluate((el) => (el.scrollTop = el.scrollHeight));
      const box = (await timeline.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height - 8);
      await page.locator('rg-run-timeline .tooltip', { hasText: /^step-\d+ · Running/ }).waitFor();
      await page.getByRole('tab', { name: /^Task runs/ }).click();
      await page.getByText(`1–50 of ${COUNT.toLocaleString('en')}`).waitFor();
      expect(await page.locator('tbody tr').count()).to.equal(50);
    });

    it('moves through the timeline with the keyboard and opens a task run with Enter', async () => {
      const { page, open } = world();
      await open(`/flow-runs/${runId}`);
      const timeline = page.getByRole('img', { name: /^Timeline of 10000 task runs/ });
      await timeline.focus();
      await page.keyboard.press('End');
      const said = page.locator('rg-run-timeline [aria-live]');
      await said.getByText(/^step-\d+ · Running/).waitFor();
      const last = (await said.innerText()).split(' · ')[0]!;
      await page.keyboard.press('ArrowUp');
      await said.getByText(`${last} · `).waitFor({ state: 'detached' });
      const name = (await said.innerText()).split(' · ')[0]!;
      expect(name).to.match(/^step-\d+$/);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/task-runs\//);
      await page.getByRole('heading', { name }).waitFor();
    });
  });

  describe('when the run waits for input', () => {
    it('resumes it from a form built from the input schema, showing browser and server field errors', async () => {
      const { page, open, server } = world();
      const flowId = (await server.api.post('/flows', { name: 'bp-approval' })).body.id;
      const id = (await server.api.post('/flow-runs', { flowId })).body.id;
      await server.api.post(`/flow-runs/${id}/set-state`, { state: { type: 'RUNNING' } });
      const paused = await server.api.post(`/flow-runs/${id}/set-state`, {
        state: {
          type: 'PAUSED',
          stateDetails: { runInputKeyset: { schema: 'approval-schema', response: 'approval' } },
        },
      });
      expect(paused.status).to.equal(201);
      const schema = {
        type: 'object',
        properties: { approver: { type: 'string', format: 'email' }, amount: { type: 'integer', maximum: 100 } },
        required: ['approver', 'amount'],
      };
      await server.api.post(`/flow-runs/${id}/input`, { key: 'approval-schema', value: schema });

      await open(`/flow-runs/${id}`);
      await page.getByRole('button', { name: 'Resume' }).click();
      await page.getByLabel(/^amount/).fill('500');
      await page.getByLabel(/^approver/).fill('not an email');
      await page.getByRole('button', { name: 'Resume with this input' }).click();
      await page.locator('[data-field="amount"] .field-error', { hasText: 'must be <= 100' }).waitFor();

      await page.getByLabel(/^amount/).fill('50');
      await page.getByRole('button', { name: 'Resume with this input' }).click();
      await page.locator('[data-field="approver"] .field-error', { hasText: 'must match format "email"' }).waitFor();
      expect((await server.api.get(`/flow-runs/${id}`)).body.state.type).to.equal('PAUSED');

      await page.getByLabel(/^approver/).fill('ada@example.com');
      await page.getByRole('button', { name: 'Resume with this input' }).click();
      await page.getByText('Accepted: the run is now Running.').waitFor();
      await page.getByRole('heading').locator('rg-state-badge[data-state="RUNNING"]').waitFor();
      const input = await server.api.get(`/flow-runs/${id}/input/approval`);
      expect(input.body.value).to.deep.equal({ approver: 'ada@example.com', amount: 50 });
    });
  });

  describe('when a state is forced', () => {
    it('sets it past the rules and the history shows it with its message', async () => {
      const { page, open, server } = world();
      const flowId = (await server.api.post('/flows', { name: 'bp-stuck' })).body.id;
      const id = (await server.api.post('/flow-runs', { flowId, name: 'bp-stuck-run' })).body.id;
      await open(`/flow-runs/${id}?tab=history`);
      await page.getByRole('button', { name: 'Change state…' }).click();
      await page.getByLabel('New state').selectOption('FAILED');
      await page.getByLabel('Message').fill('stuck since the outage');
      await page.getByRole('button', { name: 'Set state' }).click();
      await page.getByText('Accepted: the run is now Failed.').waitFor();
      await page.locator('li[data-state-name="Failed"]').getByText('stuck since the outage').waitFor();
      await page
        .getByRole('heading', { name: 'bp-stuck-run' })
        .locator('rg-state-badge[data-state="FAILED"]')
        .waitFor();
    });
  });
});
