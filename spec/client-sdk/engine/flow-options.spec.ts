import { expect } from 'chai';
import {
  Flow,
  getRunContext,
  registeredFlows,
  RunFailedError,
  submit,
  Task,
  tags,
  withOptions,
  type State,
} from '@rigel/sdk';
import { describeInBothModes, names } from '../../support/sdk';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class NightlyReports {
  @Flow()
  async runNightly(day: string): Promise<string> {
    return day;
  }
}

class FlowOptionsSpec {
  static attempts = 0;
  static active = 0;
  static peak = 0;
  static signals: string[] = [];
  static started: string[] = [];

  @Task({ name: 'fo-slow' })
  async slow(): Promise<void> {
    FlowOptionsSpec.active++;
    FlowOptionsSpec.peak = Math.max(FlowOptionsSpec.peak, FlowOptionsSpec.active);
    await sleep(40);
    FlowOptionsSpec.active--;
  }

  @Flow({ name: 'fo-versioned', version: '2026.11' })
  async versioned(): Promise<void> {}

  @Flow({ name: 'fo-flaky', retries: 2, retryDelaySeconds: 0.1 })
  async flaky(): Promise<number> {
    FlowOptionsSpec.attempts++;
    if (FlowOptionsSpec.attempts < 2) throw new Error(`attempt ${FlowOptionsSpec.attempts} failed`);
    return FlowOptionsSpec.attempts;
  }

  @Flow({ name: 'fo-always-fails', retries: 1, retryDelaySeconds: 0 })
  async alwaysFails(): Promise<void> {
    FlowOptionsSpec.attempts++;
    throw new Error('still broken');
  }

  @Flow({ name: 'fo-slow-body', timeoutSeconds: 0.2 })
  async slowBody(): Promise<void> {
    await sleep(5000);
  }

  @Task({ name: 'fo-long' })
  async long(): Promise<void> {
    getRunContext().signal!.addEventListener('abort', () => FlowOptionsSpec.signals.push('task aborted'));
    await sleep(3000);
  }

  @Flow({ name: 'fo-slow-tasks', timeoutSeconds: 0.2 })
  async slowTasks(): Promise<void> {
    await submit(this.long).result();
  }

  @Flow({ name: 'fo-times-out-once', timeoutSeconds: 0.2, retries: 1, retryDelaySeconds: 0.2 })
  async timesOutOnce(): Promise<string> {
    FlowOptionsSpec.attempts++;
    FlowOptionsSpec.signals.push(getRunContext().signal!.aborted ? 'aborted at start' : 'fresh');
    if (FlowOptionsSpec.attempts === 1) await sleep(3000);
    return 'second attempt';
  }

  @Flow({ name: 'fo-sequential', taskRunner: 'sequential' })
  async sequential(): Promise<void> {
    await Promise.all([submit(this.slow), submit(this.slow), submit(this.slow)].map((f) => f.wait()));
  }

  @Flow({ name: 'fo-two-at-a-time', taskRunner: { concurrent: 2 } })
  async twoAtATime(): Promise<void> {
    await Promise.all([1, 2, 3, 4, 5].map(() => submit(this.slow).wait()));
  }

  @Task({ name: 'fo-record', taskRunName: 'record-{label}' })
  async record(label: string): Promise<string> {
    FlowOptionsSpec.started.push(`${label}${getRunContext().tags.includes('queued') ? ' (tagged)' : ''}`);
    return label;
  }

  /** One slot: every task after the first waits in the runner's queue; the body awaits none of them. */
  @Flow({ name: 'fo-one-at-a-time', taskRunner: { concurrent: 1 } })
  async oneAtATime(): Promise<void> {
    submit(this.slow);
    tags(['queued'], () => submit(this.record, 'b'));
    submit(this.record, 'c');
    submit(this.record, 'd');
  }

  @Flow({ name: 'fo-not-persisted', persistResult: false })
  async notPersisted(): Promise<{ rows: number }> {
    return { rows: 3 };
  }

  @Flow({ name: 'fo-not-persisted-void', persistResult: false })
  async notPersistedVoid(): Promise<void> {}

  @Flow({ name: 'fo-persisted' })
  async persisted(): Promise<{ rows: number }> {
    return { rows: 3 };
  }

  @Flow({ name: 'fo-prints', logPrints: true })
  async prints(): Promise<void> {
    console.log('printed from the flow body: %d rows', 42);
  }

  @Flow({ name: 'fo-does-not-print' })
  async doesNotPrint(): Promise<void> {
    console.log('this line stays on the console');
  }

  @Flow({ name: 'fo-template-named', flowRunName: 'report-{day}-{options.format}' })
  async templateNamed(day: string, options: { format: string }): Promise<void> {
    void day;
    void options;
  }

  @Flow({ name: 'fo-function-named', flowRunName: (p) => `sum-of-${String(p.a)}-and-${String(p.b)}` })
  async functionNamed(a: number, b: number): Promise<number> {
    return a + b;
  }

  @Flow({ name: 'fo-tagged', tags: ['etl', 'nightly'] })
  async tagged(): Promise<void> {}
}

describeInBothModes('flow options', (world) => {
  const flows = new FlowOptionsSpec();
  beforeEach(() => {
    FlowOptionsSpec.attempts = 0;
    FlowOptionsSpec.peak = 0;
    FlowOptionsSpec.signals = [];
  });

  describe('when no name is given', () => {
    it('names the flow after its class and method, kebab-cased', async () => {
      expect(registeredFlows().map((f) => f.name)).to.include('nightly-reports.run-nightly');
      await new NightlyReports().runNightly('2026-11-24');
      expect(await world().flowRuns('nightly-reports.run-nightly')).to.have.length(1);
    });
  });

  describe('when a version is given', () => {
    it('records it on the run; without one the version is a hash of the source', async () => {
      await flows.versioned();
      expect((await world().onlyFlowRun('fo-versioned')).flowVersion).to.equal('2026.11');
      await new NightlyReports().runNightly('2026-11-24');
      expect((await world().onlyFlowRun('nightly-reports.run-nightly')).flowVersion).to.match(/^[0-9a-f]{12}$/);
    });
  });

  describe('when the body fails and retries remain', () => {
    it('waits in AwaitingRetry, runs the body again and completes', async () => {
      expect(await flows.flaky()).to.equal(2);
      const run = await world().onlyFlowRun('fo-flaky');
      expect(run.runCount).to.equal(2);
      expect(names(await world().states('flow', run.id))).to.deep.equal([
        'Pending',
        'Running',
        'AwaitingRetry',
        'Running',
        'Completed',
      ]);
      const [retry] = await world().decisions('flow', run.id);
      expect(retry).to.include({ rule: 'RetryFailedFlows', status: 'REJECT' });
    });

    it('fails for good once the retries are spent', async () => {
      const error = await flows.alwaysFails().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RunFailedError);
      expect(FlowOptionsSpec.attempts).to.equal(2);
      const run = await world().onlyFlowRun('fo-always-fails');
      expect(run.state).to.include({ type: 'FAILED' });
      expect(run.state?.message).to.contain('still broken');
    });
  });

  describe('when the body exceeds timeoutSeconds', () => {
    it('stops waiting and fails the run as TimedOut', async () => {
      const started = Date.now();
      const state = (await withOptions(flows.slowBody, { returnState: true })()) as unknown as State;
      expect(Date.now() - started).to.be.below(2000);
      expect(state).to.include({ type: 'FAILED', name: 'TimedOut' });
      expect((await world().onlyFlowRun('fo-slow-body')).stateName).to.equal('TimedOut');
    });

    it('stops its running tasks too (their signal fires, they end TimedOut) instead of waiting for them', async () => {
      const started = Date.now();
      await flows.slowTasks().catch(() => undefined);
      expect(Date.now() - started).to.be.below(2000);
      expect(FlowOptionsSpec.signals).to.deep.equal(['task aborted']);
      const run = await world().onlyFlowRun('fo-slow-tasks');
      expect(run.stateName).to.equal('TimedOut');
      const [task] = await world().taskRuns(run.id);
      expect(task!.state).to.include({ type: 'FAILED', name: 'TimedOut' });
      expect(task!.state?.message).to.contain('The flow run timed out after 0.2 s');
    });

    it('with retries left, runs the next attempt after the delay, with a fresh signal', async () => {
      expect(await flows.timesOutOnce()).to.equal('second attempt');
      expect(FlowOptionsSpec.signals).to.deep.equal(['fresh', 'fresh']);
      const run = await world().onlyFlowRun('fo-times-out-once');
      const history = await world().states('flow', run.id);
      expect(names(history)).to.deep.equal(['Pending', 'Running', 'AwaitingRetry', 'Running', 'Completed']);
      const [, , awaiting, retrying] = history;
      expect(Date.parse(retrying!.timestamp)).to.be.at.least(Date.parse(awaiting!.stateDetails.scheduledTime!));
    });
  });

  describe('when taskRunner is set', () => {
    it("'sequential' runs submitted tasks one at a time", async () => {
      await flows.sequential();
      expect(FlowOptionsSpec.peak).to.equal(1);
      expect(await world().taskRuns((await world().onlyFlowRun('fo-sequential')).id)).to.have.length(3);
    });

    it('{ concurrent: 2 } runs at most two at once', async () => {
      await flows.twoAtATime();
      expect(FlowOptionsSpec.peak).to.equal(2);
    });

    it('starts queued tasks in submission order, each in the scope it was submitted in, and waits for them', async () => {
      FlowOptionsSpec.started = [];
      await flows.oneAtATime();
      expect(FlowOptionsSpec.started).to.deep.equal(['b (tagged)', 'c', 'd']);
      const run = await world().onlyFlowRun('fo-one-at-a-time');
      expect(run.stateType).to.equal('COMPLETED');
      const tasks = await world().taskRuns(run.id);
      expect(tasks.map((t) => t.stateType).sort()).to.deep.equal(['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED']);
      expect(tasks.find((t) => t.name === 'record-b')?.tags).to.deep.equal(['queued']);
      expect(tasks.find((t) => t.name === 'record-c')?.tags).to.deep.equal([]);
    });
  });

  describe('when persistResult is false', () => {
    it('stores no result with the Completed state (with it, the result is stored)', async () => {
      expect(await flows.notPersisted()).to.deep.equal({ rows: 3 });
      const skipped = await world().onlyFlowRun('fo-not-persisted');
      expect(skipped.state?.data).to.deep.include({ type: 'unpersisted' });
      await flows.persisted();
      const stored = await world().onlyFlowRun('fo-persisted');
      expect(stored.state?.data).to.deep.include({ type: 'inline' });
    });

    it('resolves to undefined for a body that returns nothing', async () => {
      expect(await flows.notPersistedVoid()).to.equal(undefined);
      expect((await world().onlyFlowRun('fo-not-persisted-void')).stateType).to.equal('COMPLETED');
    });
  });

  describe('when logPrints is true', () => {
    it("sends console output printed in the body to the run's logs", async () => {
      await flows.prints();
      const run = await world().onlyFlowRun('fo-prints');
      const messages = (await world().logs({ flowRunId: run.id })).map((l) => l.message);
      expect(messages).to.include('printed from the flow body: 42 rows');
    });

    it('leaves console output of other flows out of the logs', async () => {
      await flows.doesNotPrint();
      const run = await world().onlyFlowRun('fo-does-not-print');
      const messages = (await world().logs({ flowRunId: run.id })).map((l) => l.message);
      expect(messages).to.not.include('this line stays on the console');
    });
  });

  describe('when flowRunName is given', () => {
    it('renders a template over the parameters', async () => {
      await flows.templateNamed('2026-11-24', { format: 'csv' });
      expect((await world().onlyFlowRun('fo-template-named')).name).to.equal('report-2026-11-24-csv');
    });

    it('calls a function with the parameters', async () => {
      await flows.functionNamed(2, 3);
      expect((await world().onlyFlowRun('fo-function-named')).name).to.equal('sum-of-2-and-3');
    });
  });

  describe('when tags are given', () => {
    it('records them on the run, with the tags of an enclosing tags() scope', async () => {
      await tags(['team-a'], () => flows.tagged());
      expect((await world().onlyFlowRun('fo-tagged')).tags).to.have.members(['etl', 'nightly', 'team-a']);
    });
  });
});
