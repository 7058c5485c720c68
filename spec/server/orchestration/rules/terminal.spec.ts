import { expect } from 'chai';
import type { StateType } from '@rigel/server';
import { harness, type Harness } from '../../../support/orchestration';

const FINAL: StateType[] = ['COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED'];
const RULE = { flow: 'HandleFlowTerminalStateTransitions', task: 'HandleTaskTerminalStateTransitions' } as const;
const PERSISTED = { type: 'reference', storageKey: 'results/answer.json' };

describe('terminal-state rules', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  for (const kind of ['flow', 'task'] as const) {
    /** A run of `kind` that ran and ended in `type` (with `data` on the final state). */
    const finished = (type: StateType, data: unknown = null) => h.runIn(kind, { type: 'RUNNING' }, { type, data });

    describe(`${RULE[kind]} (${kind} runs)`, () => {
      describe('when a finished run is proposed CANCELLING, PAUSED or CRASHED', () => {
        for (const from of FINAL) {
          it(`aborts each of them from ${from} and writes nothing`, async () => {
            const run = await finished(from);
            for (const type of ['CANCELLING', 'PAUSED', 'CRASHED'] as const) {
              const { result, written } = await h.propose(kind, run.id, { type });
              expect(result.status, type).to.equal('ABORT');
              expect(result.details)
                .to.have.property('reason')
                .that.matches(/cannot become/);
              expect(written).to.equal(false);
            }
            expect((await h.read(kind, run.id)).stateType).to.equal(from);
            const decisions = await h.services.runs.decisions(kind, run.id);
            expect(decisions.map((d) => [d.rule, d.status, d.proposedType])).to.deep.equal([
              [RULE[kind], 'ABORT', 'CANCELLING'],
              [RULE[kind], 'ABORT', 'PAUSED'],
              [RULE[kind], 'ABORT', 'CRASHED'],
            ]);
          });
        }
      });

      describe('when the run completed with a persisted result', () => {
        it('rejects leaving COMPLETED for a non-final state and answers with the current state', async () => {
          const run = await finished('COMPLETED', PERSISTED);
          for (const type of ['PENDING', 'RUNNING', 'SCHEDULED'] as const) {
            const { result, written } = await h.propose(kind, run.id, { type });
            expect(result.status, type).to.equal('REJECT');
            expect(result.state?.id).to.equal(run.stateId);
            expect(result.state?.data).to.deep.equal(PERSISTED);
            expect(written).to.equal(false);
          }
          const decisions = await h.services.runs.decisions(kind, run.id);
          expect(decisions.map((d) => [d.rule, d.status])).to.deep.equal(Array(3).fill([RULE[kind], 'REJECT']));
          expect(decisions[0]!.reason).to.match(/already completed and its result is persisted/);
        });

        it('rejects another final state too, so the result stays the run’s result', async () => {
          const run = await finished('COMPLETED', PERSISTED);
          const { result } = await h.propose(kind, run.id, { type: 'FAILED' });
          expect(result.status).to.equal('REJECT');
          expect((await h.read(kind, run.id)).stateType).to.equal('COMPLETED');
        });
      });

      describe('when the completed run has no persisted result', () => {
        for (const data of [null, { type: 'unpersisted' }]) {
          it(`lets it run again (data: ${JSON.stringify(data)})`, async () => {
            const run = await finished('COMPLETED', data);
            const { result } = await h.propose(kind, run.id, { type: 'RUNNING' });
            expect(result.status).to.equal('ACCEPT');
            expect(result.state?.type).to.equal('RUNNING');
          });
        }
      });

      describe('when a finished run moves to another final state', () => {
        it('accepts it', async () => {
          const run = await finished('FAILED');
          const { result } = await h.propose(kind, run.id, { type: 'COMPLETED' });
          expect(result.status).to.equal('ACCEPT');
          expect(await h.services.runs.decisions(kind, run.id)).to.deep.equal([]);
        });
      });
    });
  }

  describe('HandleFlowTerminalStateTransitions (flow-only outcomes)', () => {
    describe('when a finished flow run without a deployment is proposed SCHEDULED', () => {
      for (const from of ['FAILED', 'CANCELLED', 'CRASHED', 'COMPLETED'] as const) {
        it(`aborts from ${from}: a run without a deployment cannot be rescheduled`, async () => {
          const run = await h.runIn('flow', { type: 'RUNNING' }, { type: from });
          const { result, written } = await h.propose('flow', run.id, { type: 'SCHEDULED' });
          expect(result.status).to.equal('ABORT');
          expect(result.details).to.deep.equal({
            type: 'abort',
            reason: 'Cannot reschedule a run without a deployment',
          });
          expect(written).to.equal(false);
        });
      }
    });

    describe('when the finished flow run has a deployment', () => {
      it('accepts SCHEDULED', async () => {
        const { deployment } = await h.services.deployments.create({
          name: 'nightly',
          flowId: h.flowId,
          entrypoint: 'flows.ts:Etl.run',
        });
        const run = await h.createFlowRun({ deploymentId: deployment.id });
        await h.propose('flow', run.id, { type: 'RUNNING' }, { force: true });
        await h.propose('flow', run.id, { type: 'FAILED' }, { force: true });
        const { result } = await h.propose('flow', run.id, { type: 'SCHEDULED' });
        expect(result.status).to.equal('ACCEPT');
        expect(result.state?.type).to.equal('SCHEDULED');
      });
    });

    describe('when a finished flow run is started again (manual retry)', () => {
      it('resets the pause keys and marks the retry type on the run', async () => {
        const run = await h.createFlowRun({ empiricalPolicy: { retries: 2 } });
        await h.propose('flow', run.id, { type: 'RUNNING' }, { force: true });
        await h.propose('flow', run.id, { type: 'FAILED' }, { force: true });
        const { result } = await h.propose('flow', run.id, { type: 'RUNNING' });
        expect(result.status).to.equal('ACCEPT');
        expect((await h.read('flow', run.id)).empiricalPolicy).to.deep.equal({
          retries: 2,
          pauseKeys: [],
          resuming: false,
          retryType: 'rerun',
        });
      });

      it('leaves the policy alone when the run only moves to another final state', async () => {
        const run = await h.runIn('flow', { type: 'RUNNING' }, { type: 'FAILED' });
        await h.propose('flow', run.id, { type: 'CANCELLED' });
        expect((await h.read('flow', run.id)).empiricalPolicy).to.deep.equal({});
      });
    });

    describe('when a later rule changes the outcome (the rule fizzles)', () => {
      it('restores the policy: CANCELLED → PENDING is aborted by PreventPendingTransitions', async () => {
        const run = await h.runIn('flow', { type: 'RUNNING' }, { type: 'CANCELLED' });
        const outcome = await h.propose('flow', run.id, { type: 'PENDING' });
        expect(outcome.result.status).to.equal('ABORT');
        expect(outcome.run.empiricalPolicy).to.deep.equal({});
        expect((await h.read('flow', run.id)).empiricalPolicy).to.deep.equal({});
        const decisions = await h.services.runs.decisions('flow', run.id);
        expect(decisions.map((d) => d.rule)).to.deep.equal(['PreventPendingTransitions']);
      });
    });
  });

  describe('HandleTaskTerminalStateTransitions (task-only outcomes)', () => {
    describe('when a finished task run leaves its final state', () => {
      it('restarts the run count, so the new attempt is not a rerun and has all its retries', async () => {
        const run = await h.createTaskRun({ state: { type: 'RUNNING' } });
        await h.propose('task', run.id, { type: 'FAILED' });
        expect((await h.read('task', run.id)).runCount).to.equal(1);
        const { result } = await h.propose('task', run.id, { type: 'RUNNING' });
        expect(result.state).to.include({ type: 'RUNNING', name: 'Running' });
        expect((await h.read('task', run.id)).runCount).to.equal(1);
      });

      it('stores a run count of 0 when it goes back to PENDING', async () => {
        const run = await h.runIn('task', { type: 'RUNNING' }, { type: 'COMPLETED' });
        await h.propose('task', run.id, { type: 'PENDING' });
        expect((await h.read('task', run.id)).runCount).to.equal(0);
      });

      it('keeps the run count when it moves to another final state', async () => {
        const run = await h.runIn('task', { type: 'RUNNING' }, { type: 'FAILED' });
        await h.propose('task', run.id, { type: 'COMPLETED' });
        expect((await h.read('task', run.id)).runCount).to.equal(1);
      });
    });

    describe('when the enclosing flow run has retried since the task ran', () => {
      it('names the new attempt Retrying and records why', async () => {
        const flowRun = await h.createFlowRun({ empiricalPolicy: { retries: 1 } });
        await h.propose('flow', flowRun.id, { type: 'RUNNING' });
        const task = await h.createTaskRun({ flowRunId: flowRun.id, state: { type: 'RUNNING' } });
        await h.propose('task', task.id, { type: 'FAILED' });
        expect((await h.propose('flow', flowRun.id, { type: 'FAILED' })).result.state?.name).to.equal('AwaitingRetry');
        await h.propose('flow', flowRun.id, { type: 'RUNNING' });
        const { result } = await h.propose('task', task.id, { type: 'RUNNING' });
        expect(result.state).to.include({ type: 'RUNNING', name: 'Retrying' });
        const decisions = await h.services.runs.decisions('task', task.id);
        expect(decisions.map((d) => [d.rule, d.status, d.resultName])).to.deep.equal([
          ['HandleTaskTerminalStateTransitions', 'ACCEPT', 'Retrying'],
        ]);
        expect((await h.read('task', task.id)).flowRunRunCount).to.equal(2);
      });
    });

    describe('when a later rule changes the outcome (the rule fizzles)', () => {
      it('restores the run count when the task is aborted because its flow run has finished', async () => {
        const run = await h.runIn('task', { type: 'RUNNING' }, { type: 'FAILED' });
        await h.propose('flow', run.flowRunId as string, { type: 'COMPLETED' });
        const outcome = await h.propose('task', run.id, { type: 'RUNNING' });
        expect(outcome.result.status).to.equal('ABORT');
        expect(outcome.run.runCount).to.equal(1);
        expect((await h.read('task', run.id)).runCount).to.equal(1);
      });

      it('restores the run count on the stored run when the substitute NotReady is written', async () => {
        const run = await h.runIn('task', { type: 'RUNNING' }, { type: 'FAILED' });
        await h.propose('flow', run.flowRunId as string, { type: 'PAUSED' });
        const outcome = await h.propose('task', run.id, { type: 'RUNNING' });
        expect(outcome.result.state).to.include({ type: 'PAUSED', name: 'NotReady' });
        const stored = await h.read('task', run.id);
        expect(stored.stateName).to.equal('NotReady');
        expect(stored.runCount).to.equal(1);
        expect(outcome.run.runCount).to.equal(1);
      });
    });
  });

  describe('PreventResultDataLoss (minimal flow policy, force: true)', () => {
    const completed = (data: unknown) => h.runIn('flow', { type: 'RUNNING' }, { type: 'COMPLETED', data });

    describe('when a completed run with a persisted result is forced to COMPLETED without one', () => {
      it('answers REJECT with the current state and records why', async () => {
        const run = await completed(PERSISTED);
        const { result, written } = await h.propose('flow', run.id, { type: 'COMPLETED' }, { force: true });
        expect(result.status).to.equal('REJECT');
        expect(result.state?.id).to.equal(run.stateId);
        expect(written).to.equal(false);
        const decisions = await h.services.runs.decisions('flow', run.id);
        expect(decisions.map((d) => [d.rule, d.status])).to.deep.equal([['PreventResultDataLoss', 'REJECT']]);
      });

      it('rejects a proposal whose result is explicitly unpersisted as well', async () => {
        const run = await completed(PERSISTED);
        const data = { type: 'unpersisted' };
        const { result } = await h.propose('flow', run.id, { type: 'COMPLETED', data }, { force: true });
        expect(result.status).to.equal('REJECT');
      });
    });

    describe('when no persisted result would be lost', () => {
      it('accepts a forced COMPLETED that carries a result', async () => {
        const run = await completed(PERSISTED);
        const data = { type: 'reference', storageKey: 'results/other.json' };
        const { result } = await h.propose('flow', run.id, { type: 'COMPLETED', data }, { force: true });
        expect(result.status).to.equal('ACCEPT');
        expect(result.state?.data).to.deep.equal(data);
      });

      it('accepts a forced COMPLETED when the current result is not persisted', async () => {
        const run = await completed({ type: 'unpersisted' });
        const { result } = await h.propose('flow', run.id, { type: 'COMPLETED' }, { force: true });
        expect(result.status).to.equal('ACCEPT');
      });

      it('does not govern leaving COMPLETED for another type under force', async () => {
        const run = await completed(PERSISTED);
        const { result } = await h.propose('flow', run.id, { type: 'RUNNING' }, { force: true });
        expect(result.status).to.equal('ACCEPT');
      });

      it('is not part of the minimal task policy', async () => {
        const run = await h.runIn('task', { type: 'RUNNING' }, { type: 'COMPLETED', data: PERSISTED });
        const { result } = await h.propose('task', run.id, { type: 'COMPLETED' }, { force: true });
        expect(result.status).to.equal('ACCEPT');
      });
    });
  });
});
