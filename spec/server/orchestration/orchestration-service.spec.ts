import { expect } from 'chai';
import { ObjectNotFoundError, uuid7 } from '@rigel/server';
import {
  CoreFlowPolicy,
  CoreTaskPolicy,
  MinimalFlowPolicy,
  MinimalTaskPolicy,
} from '@rigel/server/orchestration/policies';
import type { RigelEvent } from '@rigel/server/services/events';
import { harness, type Harness } from '../../support/orchestration';

describe('OrchestrationService (the single write path)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  describe('the policies', () => {
    it('order the core rules as orchestration.md §4–§5 does (with RetryCrashedDeploymentRuns after RetryFailedFlows)', () => {
      expect(CoreFlowPolicy.rules.map((r) => r.name)).to.deep.equal([
        'PreventDuplicateTransitions',
        'HandleFlowTerminalStateTransitions',
        'EnforceCancellingToCancelledTransition',
        'BypassCancellingFlowRunsWithNoInfra',
        'PreventPendingTransitions',
        'SecureFlowConcurrencySlots',
        'EnsureOnlyScheduledFlowsMarkedLate',
        'HandlePausingFlows',
        'HandleResumingPausedFlows',
        'CopyScheduledTime',
        'WaitForScheduledTime',
        'RetryFailedFlows',
        // reliability.md promise 2: a crashed deployment run with retries left is rescheduled.
        'RetryCrashedDeploymentRuns',
        'ReleaseFlowConcurrencySlots',
      ]);
      expect(CoreTaskPolicy.rules.map((r) => r.name)).to.deep.equal([
        'PreventDuplicateTransitions',
        'CacheRetrieval',
        'HandleTaskTerminalStateTransitions',
        'PreventRunningTasksFromStoppedFlows',
        'SecureTaskConcurrencySlots',
        'CopyScheduledTime',
        'WaitForScheduledTime',
        'RetryFailedTasks',
        'RenameReruns',
        'UpdateFlowRunTrackerOnTasks',
        'CacheInsertion',
        'ReleaseTaskConcurrencySlots',
      ]);
    });

    it('keep only what protects stored data and slots in the minimal policies', () => {
      expect(MinimalFlowPolicy.rules.map((r) => r.name)).to.deep.equal([
        'PreventResultDataLoss',
        'BypassCancellingFlowRunsWithNoInfra',
        'ReleaseFlowConcurrencySlots',
      ]);
      expect(MinimalTaskPolicy.rules.map((r) => r.name)).to.deep.equal(['ReleaseTaskConcurrencySlots']);
    });
  });

  describe('when a transition is forced', () => {
    it('skips the core flow rules: a finished run can be marked CRASHED, a scheduled one started early', async () => {
      const finished = await h.runIn('flow', { type: 'RUNNING' }, { type: 'COMPLETED' });
      expect((await h.propose('flow', finished.id, { type: 'CRASHED' })).result.status).to.equal('ABORT');
      const forced = await h.propose('flow', finished.id, { type: 'CRASHED' }, { force: true });
      expect(forced.result.status).to.equal('ACCEPT');
      const scheduled = await h.runIn('flow', {
        type: 'SCHEDULED',
        stateDetails: { scheduledTime: '2031-01-01T00:00:00Z' },
      });
      const started = await h.propose('flow', scheduled.id, { type: 'RUNNING' }, { force: true });
      expect(started.result.state?.type).to.equal('RUNNING');
      expect((await h.read('flow', scheduled.id)).runCount).to.equal(1);
    });

    it('skips the core task rules: a task of a finished flow run can be set RUNNING', async () => {
      const task = await h.createTaskRun();
      await h.propose('flow', task.flowRunId as string, { type: 'COMPLETED' });
      expect((await h.propose('task', task.id, { type: 'RUNNING' })).result.status).to.equal('ABORT');
      expect((await h.propose('task', task.id, { type: 'RUNNING' }, { force: true })).result.status).to.equal('ACCEPT');
    });

    it('records no decision for a plain forced ACCEPT', async () => {
      const run = await h.runIn('flow', { type: 'RUNNING' }, { type: 'COMPLETED' }, { type: 'CRASHED' });
      expect(await h.services.runs.decisions('flow', run.id)).to.deep.equal([]);
    });
  });

  describe('when the run does not exist', () => {
    for (const kind of ['flow', 'task'] as const) {
      it(`throws ObjectNotFoundError for a ${kind} run`, async () => {
        const id = uuid7();
        const error = await h.propose(kind, id, { type: 'RUNNING' }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).to.be.instanceOf(ObjectNotFoundError);
        expect(error).to.include({ code: 'OBJECT_NOT_FOUND', objectId: id });
      });
    }
  });

  describe('publishing', () => {
    let events: RigelEvent[];
    beforeEach(() => {
      events = [];
      h.services.events.events$.subscribe((e) => events.push(e));
    });

    it('publishes the run with its new state after a written transition', async () => {
      const run = await h.createFlowRun();
      events.length = 0;
      const { result } = await h.propose('flow', run.id, { type: 'RUNNING' });
      expect(events).to.have.length(1);
      expect(events[0]).to.include({ type: 'flow-run.updated', flowRunId: run.id, occurred: result.state!.timestamp });
      expect(events[0]!.payload).to.deep.include({ id: run.id, stateType: 'RUNNING', state: result.state });
    });

    it('publishes nothing when nothing is written', async () => {
      const run = await h.runIn('flow', { type: 'SCHEDULED', stateDetails: { scheduledTime: '2031-01-01T00:00:00Z' } });
      events.length = 0;
      expect((await h.propose('flow', run.id, { type: 'RUNNING' })).result.status).to.equal('WAIT');
      expect(events).to.deep.equal([]);
    });

    it('publishes a task run change under its flow run', async () => {
      const task = await h.createTaskRun();
      events.length = 0;
      await h.propose('task', task.id, { type: 'RUNNING' });
      expect(events.map((e) => [e.type, e.flowRunId, e.payload.id])).to.deep.equal([
        ['task-run.updated', task.flowRunId, task.id],
      ]);
    });
  });

  describe('subflows: the parent task run mirrors its child flow run', () => {
    /** A PENDING task run in a RUNNING flow run, and a child flow run created for it. */
    async function subflow() {
      const parentTask = await h.createTaskRun();
      const child = await h.createFlowRun({ parentTaskRunId: parentTask.id });
      return { parentTask, child };
    }
    const historyOf = async (kind: 'flow' | 'task', id: string) =>
      (await h.services.runs.states(kind, id)).map((s) => `${s.type}/${s.name}`);

    it('mirrors the child’s first state when the child is created', async () => {
      const { parentTask, child } = await subflow();
      const parent = await h.read('task', parentTask.id);
      expect(parent.stateType).to.equal('PENDING');
      expect(parent.state?.stateDetails).to.include({ childFlowRunId: child.id, taskRunId: parentTask.id });
      expect(parent.state?.stateDetails.flowRunId).to.equal(parentTask.flowRunId);
    });

    it('mirrors every state the child writes, including substitutes, with the child’s message and data', async () => {
      const parentTask = await h.createTaskRun();
      const child = await h.createFlowRun({ parentTaskRunId: parentTask.id, empiricalPolicy: { retries: 1 } });
      await h.propose('flow', child.id, { type: 'RUNNING' });
      await h.propose('flow', child.id, { type: 'FAILED', message: 'boom' });
      await h.propose('flow', child.id, { type: 'RUNNING' });
      const data = { type: 'reference', storageKey: 'results/child.json' };
      await h.propose('flow', child.id, { type: 'COMPLETED', message: 'ok', data });
      expect(await historyOf('task', parentTask.id)).to.deep.equal([
        'PENDING/Pending',
        ...(await historyOf('flow', child.id)),
      ]);
      const parent = await h.read('task', parentTask.id);
      expect(parent.state).to.deep.include({ type: 'COMPLETED', message: 'ok', data });
      expect(parent.runCount).to.equal(2);
    });

    it('mirrors even what the parent’s own task policy would refuse (the mirror is forced)', async () => {
      const { parentTask, child } = await subflow();
      await h.propose('flow', parentTask.flowRunId as string, { type: 'PAUSED' });
      await h.propose('flow', child.id, { type: 'RUNNING' });
      expect((await h.read('task', parentTask.id)).stateType).to.equal('RUNNING');
    });

    it('does not carry the child’s transitionId onto the parent', async () => {
      const { parentTask, child } = await subflow();
      await h.propose('flow', child.id, { type: 'RUNNING', stateDetails: { transitionId: 'child-t' } });
      const parent = await h.read('task', parentTask.id);
      expect(parent.state?.stateDetails).to.not.have.property('transitionId');
    });

    it('mirrors nothing when the child writes nothing', async () => {
      const { parentTask, child } = await subflow();
      await h.propose('flow', child.id, { type: 'SCHEDULED', stateDetails: { scheduledTime: '2031-01-01T00:00:00Z' } });
      const before = await historyOf('task', parentTask.id);
      expect((await h.propose('flow', child.id, { type: 'RUNNING' })).result.status).to.equal('WAIT');
      expect(await historyOf('task', parentTask.id)).to.deep.equal(before);
    });

    it('publishes the child and the parent together', async () => {
      const { parentTask, child } = await subflow();
      const events: RigelEvent[] = [];
      h.services.events.events$.subscribe((e) => events.push(e));
      await h.propose('flow', child.id, { type: 'RUNNING' });
      expect(events.map((e) => [e.type, e.payload.id])).to.deep.equal([
        ['flow-run.updated', child.id],
        ['task-run.updated', parentTask.id],
      ]);
    });
  });
});
