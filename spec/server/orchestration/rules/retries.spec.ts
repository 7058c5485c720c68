import { expect } from 'chai';
import type { OrchestrationResult } from '@rigel/server';
import { harness, type Harness } from '../../../support/orchestration';

describe('retry rules', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  /** Seconds from the clock's now to the scheduled time of the returned (AwaitingRetry) state. */
  const delayOf = (result: OrchestrationResult) =>
    (new Date(result.state!.stateDetails.scheduledTime!).getTime() - h.clock.now().getTime()) / 1000;

  describe('RetryCrashedDeploymentRuns (flow runs)', () => {
    const runningRun = async (empiricalPolicy: object, withDeployment = true) => {
      let deploymentId: string | undefined;
      if (withDeployment) {
        await h.services.workPools.createPool({ name: 'default' });
        const dto = { name: 'nightly', flowId: h.flowId, entrypoint: 'flows.ts:Flows.run', workPoolName: 'default' };
        deploymentId = (await h.services.deployments.create(dto as never)).deployment.id;
      }
      const run = await h.createFlowRun({ empiricalPolicy, ...(deploymentId ? { deploymentId } : {}) });
      await h.propose('flow', run.id, { type: 'RUNNING' });
      return run;
    };
    const crash = { type: 'CRASHED' as const, message: 'The process exited (signal SIGKILL)' };

    describe('when a running deployment run crashes with retries left', () => {
      it('answers REJECT with AwaitingRetry at now + retryDelaySeconds, naming the crash in the decision', async () => {
        const run = await runningRun({ retries: 1, retryDelaySeconds: 30 });
        const { result } = await h.propose('flow', run.id, crash);
        expect(result.status).to.equal('REJECT');
        expect(result.state).to.include({ type: 'SCHEDULED', name: 'AwaitingRetry' });
        expect(delayOf(result)).to.equal(30);
        const [decision] = await h.services.runs.decisions('flow', run.id);
        expect(decision).to.include({ rule: 'RetryCrashedDeploymentRuns', status: 'REJECT', proposedType: 'CRASHED' });
        expect(decision!.reason).to.equal(
          'Retrying: attempt 1 of 2 crashed (The process exited (signal SIGKILL)); next in 30 s',
        );
      });
    });

    describe('when no retries are left, or the run has no deployment', () => {
      it('accepts CRASHED', async () => {
        const exhausted = await runningRun({ retries: 1 });
        await h.propose('flow', exhausted.id, crash);
        await h.propose('flow', exhausted.id, { type: 'RUNNING' });
        expect((await h.propose('flow', exhausted.id, crash)).result.state?.type).to.equal('CRASHED');
        const standalone = await runningRun({ retries: 3 }, false);
        expect((await h.propose('flow', standalone.id, crash)).result).to.deep.include({ status: 'ACCEPT' });
      });
    });
  });

  describe('RetryFailedFlows (flow runs)', () => {
    const runningFlow = async (empiricalPolicy: object) => {
      const run = await h.createFlowRun({ empiricalPolicy });
      await h.propose('flow', run.id, { type: 'RUNNING' });
      return run;
    };

    describe('when a running flow run fails with retries left', () => {
      it('answers REJECT with AwaitingRetry at now + retryDelaySeconds, keeping message and data', async () => {
        const run = await runningFlow({ retries: 2, retryDelaySeconds: 10 });
        const data = { type: 'unpersisted' };
        const { result, written } = await h.propose('flow', run.id, { type: 'FAILED', message: 'boom', data });
        expect(result.status).to.equal('REJECT');
        expect(written).to.equal(true);
        expect(result.state).to.include({ type: 'SCHEDULED', name: 'AwaitingRetry', message: 'boom' });
        expect(result.state?.data).to.deep.equal(data);
        expect(delayOf(result)).to.equal(10);
        const stored = await h.read('flow', run.id);
        expect(stored).to.include({
          stateName: 'AwaitingRetry',
          nextScheduledStartTime: result.state!.stateDetails.scheduledTime,
        });
      });

      it('records the REJECT with the written substitute', async () => {
        const run = await runningFlow({ retries: 1 });
        const { result } = await h.propose('flow', run.id, { type: 'FAILED' });
        const decisions = await h.services.runs.decisions('flow', run.id);
        expect(decisions).to.have.length(1);
        expect(decisions[0]).to.include({
          rule: 'RetryFailedFlows',
          status: 'REJECT',
          fromType: 'RUNNING',
          proposedType: 'FAILED',
          resultType: 'SCHEDULED',
          resultName: 'AwaitingRetry',
          stateId: result.state!.id,
        });
        expect(decisions[0]!.reason).to.match(/^Retrying: attempt 1 of 2 failed/);
      });

      it('retries immediately when no delay is configured', async () => {
        const run = await runningFlow({ retries: 1 });
        expect(delayOf((await h.propose('flow', run.id, { type: 'FAILED' })).result)).to.equal(0);
      });

      it('lets the retry run once its time has come, keeping the proposed name (no rename for flows)', async () => {
        const run = await runningFlow({ retries: 1, retryDelaySeconds: 5 });
        await h.propose('flow', run.id, { type: 'FAILED' });
        expect((await h.propose('flow', run.id, { type: 'RUNNING' })).result.status).to.equal('WAIT');
        h.clock.advance(5);
        const { result } = await h.propose('flow', run.id, { type: 'RUNNING' });
        expect(result.state).to.include({ type: 'RUNNING', name: 'Running' });
        expect((await h.read('flow', run.id)).runCount).to.equal(2);
      });
    });

    describe('when no retries are left', () => {
      it('accepts FAILED once every attempt has failed', async () => {
        const run = await runningFlow({ retries: 1 });
        await h.propose('flow', run.id, { type: 'FAILED' });
        await h.propose('flow', run.id, { type: 'RUNNING' });
        const { result } = await h.propose('flow', run.id, { type: 'FAILED' });
        expect(result.status).to.equal('ACCEPT');
        expect(result.state?.type).to.equal('FAILED');
      });

      it('accepts FAILED when the run has no retries configured', async () => {
        const run = await runningFlow({});
        expect((await h.propose('flow', run.id, { type: 'FAILED' })).result.status).to.equal('ACCEPT');
        expect(await h.services.runs.decisions('flow', run.id)).to.deep.equal([]);
      });
    });

    describe('when the transition is not RUNNING → FAILED', () => {
      it('accepts PENDING → FAILED and RUNNING → CRASHED despite retries left', async () => {
        const pending = await h.createFlowRun({ empiricalPolicy: { retries: 3 } });
        expect((await h.propose('flow', pending.id, { type: 'FAILED' })).result.state?.type).to.equal('FAILED');
        const running = await runningFlow({ retries: 3 });
        expect((await h.propose('flow', running.id, { type: 'CRASHED' })).result.state?.type).to.equal('CRASHED');
      });
    });
  });

  describe('RetryFailedTasks (task runs)', () => {
    const runningTask = (empiricalPolicy: object) => h.createTaskRun({ empiricalPolicy, state: { type: 'RUNNING' } });

    /** Fails the running task and starts the retry at its scheduled time; returns the retry delay (s). */
    async function failAndRetry(id: string): Promise<number> {
      const { result } = await h.propose('task', id, { type: 'FAILED', message: 'boom' });
      expect(result.state?.name).to.equal('AwaitingRetry');
      const delay = delayOf(result);
      h.clock.set(result.state!.stateDetails.scheduledTime!);
      expect((await h.propose('task', id, { type: 'RUNNING' })).result.status).to.equal('ACCEPT');
      return delay;
    }

    describe('when a running task run fails with retries left', () => {
      it('answers REJECT with AwaitingRetry at now + retryDelaySeconds and records it', async () => {
        const run = await runningTask({ retries: 1, retryDelaySeconds: 20 });
        const { result } = await h.propose('task', run.id, { type: 'FAILED', message: 'boom' });
        expect(result.status).to.equal('REJECT');
        expect(result.state).to.include({ type: 'SCHEDULED', name: 'AwaitingRetry', message: 'boom' });
        expect(delayOf(result)).to.equal(20);
        const decisions = await h.services.runs.decisions('task', run.id);
        expect(decisions.map((d) => [d.rule, d.status, d.resultName])).to.deep.equal([
          ['RetryFailedTasks', 'REJECT', 'AwaitingRetry'],
        ]);
        expect(decisions[0]!.reason).to.equal('Retrying: attempt 1 of 2 failed; next in 20 s');
      });

      it('takes the delay from a list by attempt and repeats its last value', async () => {
        const run = await runningTask({ retries: 4, retryDelaySeconds: [1, 5, 30] });
        const delays: number[] = [];
        for (let attempt = 1; attempt <= 4; attempt++) delays.push(await failAndRetry(run.id));
        expect(delays).to.deep.equal([1, 5, 30, 30]);
        const last = await h.propose('task', run.id, { type: 'FAILED' });
        expect(last.result.state?.type).to.equal('FAILED');
        expect((await h.read('task', run.id)).runCount).to.equal(5);
      });
    });

    describe('when a jitter factor is set', () => {
      const jittered = async (random: number, policy: object) => {
        h = await harness({ random: () => random });
        const run = await runningTask({ retries: 1, retryDelaySeconds: 10, ...policy });
        return delayOf((await h.propose('task', run.id, { type: 'FAILED' })).result);
      };

      it('reaches at most retryDelaySeconds × (1 + factor), at the top of the random range', async () => {
        expect(await jittered(1, { retryJitterFactor: 0.5 })).to.equal(15);
      });

      it('reaches at least retryDelaySeconds × (1 − factor), at the bottom of the random range', async () => {
        expect(await jittered(0, { retryJitterFactor: 0.5 })).to.equal(5);
      });

      it('draws uniformly between the bounds, so the middle of the range gives the configured delay', async () => {
        expect(await jittered(0.25, { retryJitterFactor: 0.5 })).to.equal(7.5);
        expect(await jittered(0.5, { retryJitterFactor: 0.5 })).to.equal(10);
      });

      it('never goes below zero for factors above 1', async () => {
        expect(await jittered(0, { retryJitterFactor: 3 })).to.equal(0);
        expect(await jittered(1, { retryJitterFactor: 3 })).to.equal(40);
      });

      it('uses the delay as given when no factor is set', async () => {
        expect(await jittered(1, {})).to.equal(10);
        expect(await jittered(0, {})).to.equal(10);
      });
    });

    describe('when the failure is not retriable or no retries are left', () => {
      it('accepts FAILED with retriable: false despite retries left, and records nothing', async () => {
        const run = await runningTask({ retries: 3 });
        const { result } = await h.propose('task', run.id, { type: 'FAILED', stateDetails: { retriable: false } });
        expect(result.status).to.equal('ACCEPT');
        expect(result.state?.type).to.equal('FAILED');
        expect(await h.services.runs.decisions('task', run.id)).to.deep.equal([]);
      });

      it('still retries with retriable: true', async () => {
        const run = await runningTask({ retries: 1 });
        const { result } = await h.propose('task', run.id, { type: 'FAILED', stateDetails: { retriable: true } });
        expect(result.state?.name).to.equal('AwaitingRetry');
      });

      it('accepts FAILED when the run has no retries configured', async () => {
        const run = await runningTask({});
        expect((await h.propose('task', run.id, { type: 'FAILED' })).result.status).to.equal('ACCEPT');
      });
    });

    describe('when the transition is not RUNNING → FAILED', () => {
      it('accepts PENDING → FAILED and RUNNING → CRASHED despite retries left', async () => {
        const pending = await h.createTaskRun({ empiricalPolicy: { retries: 3 } });
        expect((await h.propose('task', pending.id, { type: 'FAILED' })).result.state?.type).to.equal('FAILED');
        const running = await runningTask({ retries: 3 });
        expect((await h.propose('task', running.id, { type: 'CRASHED' })).result.state?.type).to.equal('CRASHED');
      });
    });
  });

  describe('RenameReruns (task runs)', () => {
    describe('when a task run that ran before runs again', () => {
      it('names the attempt after AwaitingRetry Retrying and records the rename', async () => {
        const run = await h.createTaskRun({ empiricalPolicy: { retries: 1 }, state: { type: 'RUNNING' } });
        await h.propose('task', run.id, { type: 'FAILED' });
        const { result } = await h.propose('task', run.id, { type: 'RUNNING' });
        expect(result.status).to.equal('ACCEPT');
        expect(result.state).to.include({ type: 'RUNNING', name: 'Retrying' });
        const decisions = await h.services.runs.decisions('task', run.id);
        expect(decisions.map((d) => [d.rule, d.status, d.fromName, d.proposedName, d.resultName])).to.deep.equal([
          ['RetryFailedTasks', 'REJECT', 'Running', 'Failed', 'AwaitingRetry'],
          ['RenameReruns', 'ACCEPT', 'AwaitingRetry', 'Running', 'Retrying'],
        ]);
        expect(decisions[1]!.reason).to.equal('run 2 of this run');
      });

      it('names any other new attempt Rerunning', async () => {
        const run = await h.createTaskRun({ state: { type: 'RUNNING' } });
        await h.propose('task', run.id, { type: 'PAUSED' });
        const { result } = await h.propose('task', run.id, { type: 'RUNNING' });
        expect(result.state).to.include({ type: 'RUNNING', name: 'Rerunning' });
      });

      it('keeps a name the client chose', async () => {
        const run = await h.createTaskRun({ empiricalPolicy: { retries: 1 }, state: { type: 'RUNNING' } });
        await h.propose('task', run.id, { type: 'FAILED' });
        const { result } = await h.propose('task', run.id, { type: 'RUNNING', name: 'Warmup' });
        expect(result.state?.name).to.equal('Warmup');
      });
    });

    describe('when the task run has not run before', () => {
      it('keeps Running and records nothing', async () => {
        const run = await h.createTaskRun();
        const { result } = await h.propose('task', run.id, { type: 'RUNNING' });
        expect(result.state?.name).to.equal('Running');
        expect(await h.services.runs.decisions('task', run.id)).to.deep.equal([]);
      });
    });
  });
});
