import { expect } from 'chai';
import { CrashedRunsService } from '@rigel/server/services/crashed-runs';
import { createDeployment } from '../../support/deployments';
import { harness, type Harness } from '../../support/orchestration';

const SILENT =
  'No heartbeat for more than 30 s: the process running this flow run stopped (killed, or its machine was lost)';

describe('CrashedRunsService', () => {
  let h: Harness;
  let service: CrashedRunsService;
  beforeEach(async () => {
    h = await harness();
    // Heartbeats every 10 s: a run silent for more than 30 s has crashed.
    service = new CrashedRunsService(h.db, h.services.orchestration, h.clock.now, 10, 15, () => undefined);
  });

  const beat = (id: string) => h.services.flowRuns.heartbeat(id);
  const pass = () => service.runOnce(h.clock.now());

  describe('when a running flow run misses 3 heartbeats', () => {
    it('moves it to CRASHED with the reason, through the rules', async () => {
      const run = await h.runIn('flow', { type: 'RUNNING' });
      await beat(run.id);
      h.clock.advance(31);
      expect(await pass()).to.deep.equal([run.id]);
      const after = await h.read('flow', run.id);
      expect(after.state).to.include({ type: 'CRASHED', name: 'Crashed', message: SILENT });
      expect(after.endTime).to.equal(h.clock.now().toISOString());
      expect(await pass()).to.deep.equal([]);
    });

    it('counts from the state’s time when the run never sent a heartbeat', async () => {
      const run = await h.runIn('flow', { type: 'RUNNING' });
      h.clock.advance(30);
      expect(await pass()).to.deep.equal([]);
      h.clock.advance(1);
      expect(await pass()).to.deep.equal([run.id]);
    });

    it('crashes its running task runs with it, and leaves its finished ones', async () => {
      const run = await h.runIn('flow', { type: 'RUNNING' });
      const running = await h.createTaskRun({ flowRunId: run.id, state: { type: 'RUNNING' } });
      const done = await h.createTaskRun({ flowRunId: run.id, state: { type: 'RUNNING' } });
      await h.propose('task', done.id, { type: 'COMPLETED' });
      h.clock.advance(31);
      await pass();
      expect((await h.read('task', running.id)).state).to.include({
        type: 'CRASHED',
        message: `Its flow run ${run.id} crashed: ${SILENT}`,
      });
      expect((await h.read('task', done.id)).stateType).to.equal('COMPLETED');
    });

    it('gives back the deployment concurrency slot the run held', async () => {
      const deployment = await createDeployment(h, { concurrencyLimit: 1 });
      const { run } = await h.services.deployments.createFlowRun(deployment.id, {});
      await h.propose('flow', run.id, { type: 'PENDING' });
      await h.propose('flow', run.id, { type: 'RUNNING' });
      expect((await h.services.deployments.read(deployment.id)).activeSlots).to.deep.equal([run.id]);
      h.clock.advance(31);
      await pass();
      expect((await h.services.deployments.read(deployment.id)).activeSlots).to.deep.equal([]);
    });
  });

  describe('when a cancelling flow run’s process went silent', () => {
    it('moves it to CANCELLED, and its running task runs to CANCELLED too', async () => {
      const run = await h.runIn('flow', { type: 'RUNNING' });
      const task = await h.createTaskRun({ flowRunId: run.id, state: { type: 'RUNNING' } });
      await h.propose('flow', run.id, { type: 'CANCELLING' });
      h.clock.advance(31);
      expect(await pass()).to.deep.equal([run.id]);
      expect((await h.read('flow', run.id)).state).to.include({ type: 'CANCELLED', message: SILENT });
      expect((await h.read('task', task.id)).state).to.include({
        type: 'CANCELLED',
        message: `Its flow run ${run.id} was cancelled: ${SILENT}`,
      });
    });
  });

  describe('when a run is alive or not running', () => {
    it('leaves a run whose heartbeats keep coming', async () => {
      const run = await h.runIn('flow', { type: 'RUNNING' });
      for (let i = 0; i < 5; i++) {
        h.clock.advance(20);
        await beat(run.id);
        expect(await pass()).to.deep.equal([]);
      }
    });

    it('leaves PENDING, PAUSED and SCHEDULED runs, however long they have been silent', async () => {
      await h.runIn('flow', { type: 'PENDING' });
      await h.runIn('flow', { type: 'RUNNING' }, { type: 'PAUSED' });
      await h.runIn('flow', { type: 'SCHEDULED' });
      h.clock.advance(3600);
      expect(await pass()).to.deep.equal([]);
    });
  });
});
