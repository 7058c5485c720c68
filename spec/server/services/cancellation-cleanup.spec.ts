import { expect } from 'chai';
import type { StateProposal } from '@rigel/server';
import type { FlowRunCreateDto } from '@rigel/server/schemas/dto/flow-run.dto';
import { CancellationCleanupService } from '@rigel/server/services/cancellation-cleanup';
import { createDeployment } from '../../support/deployments';
import { harness, type Harness } from '../../support/orchestration';

describe('CancellationCleanupService', () => {
  let h: Harness;
  let service: CancellationCleanupService;
  let parentId: string;
  beforeEach(async () => {
    h = await harness();
    service = new CancellationCleanupService(h.db, h.services.orchestration, h.clock.now, 10, () => undefined);
    parentId = (await h.runIn('flow', { type: 'RUNNING' })).id;
  });

  /** A subflow of `parent` (through a task run of the parent), moved through `states` (forced). */
  async function subflow(parent: string, input: Partial<FlowRunCreateDto>, ...states: StateProposal[]) {
    const task = await h.createTaskRun({ flowRunId: parent });
    const run = await h.createFlowRun({ parentTaskRunId: task.id, ...input });
    for (const state of states) await h.propose('flow', run.id, state, { force: true });
    return { run, task };
  }
  const taskIn = (flowRunId: string, ...states: StateProposal[]) =>
    h.createTaskRun({ flowRunId, state: states[0] }).then(async (t) => {
      for (const state of states.slice(1)) await h.propose('task', t.id, state, { force: true });
      return t;
    });
  const cancelParent = () => h.propose('flow', parentId, { type: 'CANCELLED' });
  const stateOf = async (kind: 'flow' | 'task', id: string) => (await h.read(kind, id)).state;

  describe('when a flow run is cancelled', () => {
    it('cancels its inline subflow that was running in it, and the task run that stands for it follows', async () => {
      const { run, task } = await subflow(parentId, {}, { type: 'RUNNING' });
      await cancelParent();
      expect(await service.runOnce()).to.deep.equal([run.id]);
      expect(await stateOf('flow', run.id)).to.include({
        type: 'CANCELLED',
        message: 'The parent flow run was cancelled',
      });
      expect((await stateOf('task', task.id))?.type).to.equal('CANCELLED');
    });

    it('asks a running deployment subflow to stop (CANCELLING), since its own process runs it', async () => {
      const deployment = await createDeployment(h);
      const { run } = await subflow(
        parentId,
        { deploymentId: deployment.id, infrastructurePid: '4242' },
        { type: 'RUNNING' },
      );
      await cancelParent();
      await service.runOnce();
      expect((await stateOf('flow', run.id))?.type).to.equal('CANCELLING');
    });

    it('cancels a scheduled or paused subflow without a process directly', async () => {
      const scheduled = await subflow(parentId, {}, { type: 'SCHEDULED' });
      const paused = await subflow(parentId, {}, { type: 'RUNNING' }, { type: 'PAUSED' });
      await cancelParent();
      expect(await service.runOnce()).to.have.members([scheduled.run.id, paused.run.id]);
      expect((await stateOf('flow', scheduled.run.id))?.type).to.equal('CANCELLED');
      expect((await stateOf('flow', paused.run.id))?.type).to.equal('CANCELLED');
    });

    it('cancels its unfinished task runs and leaves the finished ones', async () => {
      const running = await taskIn(parentId, { type: 'RUNNING' });
      const retrying = await taskIn(parentId, { type: 'RUNNING' }, { type: 'SCHEDULED', name: 'AwaitingRetry' });
      const pending = await taskIn(parentId, { type: 'PENDING' });
      const done = await taskIn(parentId, { type: 'RUNNING' }, { type: 'COMPLETED' });
      await cancelParent();
      expect(await service.runOnce()).to.have.members([running.id, retrying.id, pending.id]);
      for (const task of [running, retrying, pending]) {
        expect(await stateOf('task', task.id)).to.include({ type: 'CANCELLED', message: 'Its flow run was cancelled' });
      }
      expect((await stateOf('task', done.id))?.type).to.equal('COMPLETED');
    });

    it('reaches grandchildren on the next pass, then has nothing left to do', async () => {
      const child = await subflow(parentId, {}, { type: 'RUNNING' });
      const grandchild = await subflow(child.run.id, {}, { type: 'RUNNING' });
      await cancelParent();
      expect(await service.runOnce()).to.deep.equal([child.run.id]);
      expect(await service.runOnce()).to.deep.equal([grandchild.run.id]);
      expect(await service.runOnce()).to.deep.equal([]);
    });
  });

  describe('when the flow run is not cancelled', () => {
    it('leaves its subflows and task runs alone', async () => {
      const { run } = await subflow(parentId, {}, { type: 'RUNNING' });
      const task = await taskIn(parentId, { type: 'RUNNING' });
      await h.propose('flow', parentId, { type: 'FAILED' });
      expect(await service.runOnce()).to.deep.equal([]);
      expect((await stateOf('flow', run.id))?.type).to.equal('RUNNING');
      expect((await stateOf('task', task.id))?.type).to.equal('RUNNING');
    });
  });
});
