import { expect } from 'chai';
import type { StateType } from '@rigel/server';
import { OrchestrationRule } from '@rigel/server/orchestration/rule';
import { UpdateFlowRunTrackerOnTasks } from '@rigel/server/orchestration/rules/flow-runs';
import { harness, type Harness } from '../../../support/orchestration';
import { applyRules, withContext } from '../../../support/policy';

/** A later rule for the fizzle spec: it makes every transition WAIT. */
class WaitAlways extends OrchestrationRule {
  override async beforeTransition(): Promise<void> {
    this.delay(1, 'waits');
  }
}

describe('flow-run rules on task runs', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  /** A flow run moved (forced) through `types`, and a new PENDING task run inside it. */
  async function taskInFlow(...types: StateType[]) {
    const flowRun = await h.runIn('flow', ...types.map((type) => ({ type })));
    const task = await h.createTaskRun({ flowRunId: flowRun.id });
    return { flowRun, task };
  }

  describe('PreventRunningTasksFromStoppedFlows (task runs)', () => {
    describe('when the enclosing flow run is PAUSED', () => {
      it('answers REJECT with NotReady (PAUSED), which is written, and records why', async () => {
        const { flowRun, task } = await taskInFlow('RUNNING', 'PAUSED');
        const { result, written } = await h.propose('task', task.id, { type: 'RUNNING' });
        expect(result.status).to.equal('REJECT');
        expect(written).to.equal(true);
        expect(result.state).to.include({ type: 'PAUSED', name: 'NotReady' });
        const decisions = await h.services.runs.decisions('task', task.id);
        expect(decisions.map((d) => [d.rule, d.status, d.resultName])).to.deep.equal([
          ['PreventRunningTasksFromStoppedFlows', 'REJECT', 'NotReady'],
        ]);
        expect(decisions[0]!.reason).to.equal(
          `The flow run ${flowRun.id} is paused; new tasks can run after it resumes`,
        );
      });

      it('lets the task run once the flow run has resumed', async () => {
        const { flowRun, task } = await taskInFlow('RUNNING', 'PAUSED');
        await h.propose('task', task.id, { type: 'RUNNING' });
        await h.propose('flow', flowRun.id, { type: 'RUNNING' });
        expect((await h.propose('task', task.id, { type: 'RUNNING' })).result.status).to.equal('ACCEPT');
      });
    });

    describe('when the enclosing flow run is not RUNNING', () => {
      const cases: [string, StateType[]][] = [
        ['Pending', []],
        ['Scheduled', ['SCHEDULED']],
        ['Cancelling', ['RUNNING', 'CANCELLING']],
        ['Completed', ['RUNNING', 'COMPLETED']],
        ['Failed', ['RUNNING', 'FAILED']],
        ['Cancelled', ['RUNNING', 'CANCELLED']],
        ['Crashed', ['RUNNING', 'CRASHED']],
      ];
      for (const [name, path] of cases) {
        it(`answers ABORT when it is ${name}`, async () => {
          const { task } = await taskInFlow(...path);
          const { result, written } = await h.propose('task', task.id, { type: 'RUNNING' });
          expect(result.status).to.equal('ABORT');
          expect(result.details).to.deep.equal({
            type: 'abort',
            reason: `The enclosing flow run must be running to begin task execution (it is ${name})`,
          });
          expect(written).to.equal(false);
        });
      }
    });

    describe('when the rule does not apply', () => {
      it('accepts RUNNING inside a RUNNING flow run', async () => {
        const { task } = await taskInFlow('RUNNING');
        expect((await h.propose('task', task.id, { type: 'RUNNING' })).result.status).to.equal('ACCEPT');
      });

      it('does not govern a task run called outside any flow', async () => {
        const task = await h.createTaskRun({ flowRunId: undefined });
        expect(task.flowRunId).to.equal(null);
        expect((await h.propose('task', task.id, { type: 'RUNNING' })).result.status).to.equal('ACCEPT');
      });

      it('lets a running task finish after its flow run stopped running', async () => {
        const { flowRun, task } = await taskInFlow('RUNNING');
        await h.propose('task', task.id, { type: 'RUNNING' });
        await h.propose('flow', flowRun.id, { type: 'CANCELLING' });
        expect((await h.propose('task', task.id, { type: 'COMPLETED' })).result.status).to.equal('ACCEPT');
      });
    });
  });

  describe('UpdateFlowRunTrackerOnTasks (task runs)', () => {
    describe('when a task run starts', () => {
      it('records the run count of its flow run', async () => {
        const { task } = await taskInFlow('RUNNING');
        await h.propose('task', task.id, { type: 'RUNNING' });
        expect((await h.read('task', task.id)).flowRunRunCount).to.equal(1);
      });

      it('records the attempt of a retried flow run', async () => {
        const { flowRun, task } = await taskInFlow('RUNNING', 'SCHEDULED', 'RUNNING');
        expect((await h.read('flow', flowRun.id)).runCount).to.equal(2);
        await h.propose('task', task.id, { type: 'RUNNING' });
        expect((await h.read('task', task.id)).flowRunRunCount).to.equal(2);
      });
    });

    describe('when the transition does not start the task, or it has no flow run', () => {
      it('keeps the recorded count on PENDING and COMPLETED', async () => {
        const { flowRun, task } = await taskInFlow('RUNNING', 'SCHEDULED', 'RUNNING');
        expect((await h.read('task', task.id)).flowRunRunCount).to.equal(0);
        await h.propose('task', task.id, { type: 'RUNNING' });
        await h.propose('flow', flowRun.id, { type: 'SCHEDULED' }, { force: true });
        await h.propose('flow', flowRun.id, { type: 'RUNNING' }, { force: true });
        await h.propose('task', task.id, { type: 'COMPLETED' });
        expect((await h.read('task', task.id)).flowRunRunCount).to.equal(2);
      });

      it('leaves a task run outside any flow at 0', async () => {
        const task = await h.createTaskRun({ flowRunId: undefined, state: { type: 'RUNNING' } });
        expect((await h.read('task', task.id)).flowRunRunCount).to.equal(0);
      });
    });

    describe('when a later rule changes the outcome (the rule fizzles)', () => {
      it('restores the recorded count (no core rule after it can; shown with an ad-hoc policy)', async () => {
        const { task } = await taskInFlow('RUNNING');
        const ctx = await withContext(h, 'task', task.id, { type: 'RUNNING' }, async (c) => {
          await applyRules(c, [UpdateFlowRunTrackerOnTasks]);
          expect(c.run.flowRunRunCount).to.equal(1);
          return c;
        });
        const fizzled = await withContext(h, 'task', task.id, { type: 'RUNNING' }, async (c) => {
          await applyRules(c, [UpdateFlowRunTrackerOnTasks, WaitAlways]);
          return c;
        });
        expect(ctx.status).to.equal('ACCEPT');
        expect(fizzled.status).to.equal('WAIT');
        expect(fizzled.run.flowRunRunCount).to.equal(0);
      });
    });
  });
});
