import { expect } from 'chai';
import { ObjectNotFoundError } from '@rigel/server/schemas/errors';
import type { ApiDeployment } from '@rigel/server/services/deployments.service';
import type { SchedulerService } from '@rigel/server/services/scheduler';
import { createDeployment, deploymentRuns, schedulerFor, startTimes, stopSchedulers } from '../../support/deployments';
import { harness, type Harness } from '../../support/orchestration';

describe('DeploymentsService', () => {
  let h: Harness;
  let scheduler: SchedulerService;
  beforeEach(async () => {
    h = await harness();
    // Just after midnight: every run the scheduler makes lies in the future.
    h.clock.set('2030-01-01T00:00:30.000Z');
    scheduler = schedulerFor(h);
  });
  afterEach(stopSchedulers);

  const hourly = { schedule: { interval: 3600 } };
  const keysOf = async (d: ApiDeployment) => (await deploymentRuns(h, d.id)).map((r) => r.idempotencyKey);
  const fill = () => scheduler.runOnce(h.clock.now());

  describe('create (upsert by flow and name)', () => {
    it('creates the deployment, then updates the one with the same flow and name', async () => {
      const first = await h.services.deployments.create({
        name: 'nightly',
        flowId: h.flowId,
        entrypoint: 'flows/etl.ts:Etl.run',
        description: 'v1',
      });
      const second = await h.services.deployments.create({
        name: 'nightly',
        flowId: h.flowId,
        entrypoint: 'flows/etl.ts:Etl.run',
        description: 'v2',
      });
      expect([first.created, second.created]).to.deep.equal([true, false]);
      expect(second.deployment.id).to.equal(first.deployment.id);
      expect(second.deployment.description).to.equal('v2');
      expect(await h.services.deployments.count({})).to.equal(1);
    });

    it('replaces the schedules when the upsert names them, and keeps them when it does not', async () => {
      const created = await createDeployment(h, { schedules: [hourly, { schedule: { cron: '0 9 * * *' } }] });
      const replaced = await createDeployment(h, { schedules: [{ schedule: { interval: 60 } }] });
      expect(replaced.schedules.map((s) => s.schedule)).to.deep.equal([{ interval: 60 }]);
      expect(replaced.schedules[0]!.id).to.not.be.oneOf(created.schedules.map((s) => s.id));
      const kept = await createDeployment(h, { description: 'no schedules named' });
      expect(kept.schedules.map((s) => s.id)).to.deep.equal([replaced.schedules[0]!.id]);
    });

    it('deletes the future auto-scheduled runs, which the scheduler rebuilds from the new settings', async () => {
      await createDeployment(h, { parameters: { n: 1 }, schedules: [hourly] });
      await fill();
      const updated = await createDeployment(h, { parameters: { n: 2 } });
      expect(await deploymentRuns(h, updated.id)).to.deep.equal([]);
      await fill();
      const runs = await deploymentRuns(h, updated.id);
      expect(runs.map((r) => r.parameters)).to.deep.equal([{ n: 2 }, { n: 2 }, { n: 2 }]);
    });
  });

  describe('schedules', () => {
    it('fills a schedule added later on the next pass', async () => {
      const deployment = await createDeployment(h);
      const schedule = await h.services.deployments.addSchedule(deployment.id, hourly);
      expect(schedule).to.include({ deploymentId: deployment.id, active: true });
      await fill();
      expect(await keysOf(deployment)).to.have.length(3);
    });

    it('rebuilds only the changed schedule’s future runs when a schedule changes', async () => {
      const deployment = await createDeployment(h, { schedules: [hourly, { schedule: { cron: '30 * * * *' } }] });
      await fill();
      const [first, second] = deployment.schedules;
      const secondKeys = (await keysOf(deployment)).filter((k) => k.includes(second!.id));
      await h.services.deployments.updateSchedule(deployment.id, first!.id, { schedule: { interval: 7200 } });
      const left = await keysOf(deployment);
      expect(left.filter((k) => k.includes(first!.id))).to.deep.equal([]);
      expect(left.filter((k) => k.includes(second!.id))).to.deep.equal(secondKeys);
      await fill();
      const rebuilt = (await deploymentRuns(h, deployment.id)).filter((r) => r.idempotencyKey.includes(first!.id));
      expect(startTimes(rebuilt)).to.deep.equal([
        '2030-01-01T02:00:00.000Z',
        '2030-01-01T04:00:00.000Z',
        '2030-01-01T06:00:00.000Z',
      ]);
    });

    it('keeps a run whose time has passed when its schedule changes', async () => {
      const deployment = await createDeployment(h, { schedules: [hourly] });
      await fill();
      h.clock.set('2030-01-01T01:00:10.000Z');
      await h.services.deployments.updateSchedule(deployment.id, deployment.schedules[0]!.id, { active: false });
      expect(startTimes(await deploymentRuns(h, deployment.id))).to.deep.equal(['2030-01-01T01:00:00.000Z']);
      await fill();
      expect(await keysOf(deployment)).to.have.length(1);
    });

    it('deletes a schedule with its future runs, and refuses an unknown one', async () => {
      const deployment = await createDeployment(h, { schedules: [hourly] });
      await fill();
      const scheduleId = deployment.schedules[0]!.id;
      await h.services.deployments.deleteSchedule(deployment.id, scheduleId);
      expect((await h.services.deployments.read(deployment.id)).schedules).to.deep.equal([]);
      expect(await keysOf(deployment)).to.deep.equal([]);
      let error: unknown;
      await h.services.deployments.deleteSchedule(deployment.id, scheduleId).catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(ObjectNotFoundError);
    });
  });

  describe('pause and resume', () => {
    it('deletes future auto-scheduled runs on pause, schedules nothing while paused, and fills again on resume', async () => {
      const deployment = await createDeployment(h, { schedules: [hourly] });
      await fill();
      const paused = await h.services.deployments.setPaused(deployment.id, true);
      expect(paused.paused).to.equal(true);
      expect(await keysOf(deployment)).to.deep.equal([]);
      expect(await h.db.query(`SELECT "id" FROM "flow_run_state"`)).to.deep.equal([]);
      expect((await fill()).created).to.equal(0);
      await h.services.deployments.setPaused(deployment.id, false);
      expect((await fill()).created).to.equal(3);
    });

    it('keeps runs created by hand and runs already claimed', async () => {
      const deployment = await createDeployment(h, { schedules: [hourly] });
      await fill();
      const manual = await h.services.deployments.createFlowRun(deployment.id, {
        state: { type: 'SCHEDULED', stateDetails: { scheduledTime: '2030-01-01T05:00:00.000Z' } },
      });
      const claimed = (await deploymentRuns(h, deployment.id)).find((r) => r.autoScheduled && r.stateId)!;
      h.clock.advance(3600);
      expect((await h.propose('flow', claimed.id, { type: 'PENDING' })).result.status).to.equal('ACCEPT');
      await h.services.deployments.setPaused(deployment.id, true);
      const left = (await deploymentRuns(h, deployment.id)).map((r) => r.id);
      expect(left).to.have.members([claimed.id, manual.run.id, ...(await pastRuns(deployment))]);
    });
  });

  describe('delete', () => {
    it('deletes the deployment with its schedules and its SCHEDULED runs, keeping runs that started', async () => {
      const deployment = await createDeployment(h, { schedules: [hourly] });
      await fill();
      const [started] = await deploymentRuns(h, deployment.id);
      h.clock.set(started!.expectedStartTime);
      expect((await h.propose('flow', started!.id, { type: 'RUNNING' })).result.status).to.equal('ACCEPT');
      await h.services.deployments.delete(deployment.id);
      const runs = await h.db.query<{ id: string }>(`SELECT "id" FROM "flow_run"`);
      expect(runs.map((r) => r.id)).to.deep.equal([started!.id]);
      expect((await h.read('flow', started!.id)).deploymentId).to.equal(null);
      const schedules = await h.db.query(`SELECT * FROM "deployment_schedule"`);
      expect(schedules).to.deep.equal([]);
      let error: unknown;
      await h.services.deployments.delete(deployment.id).catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(ObjectNotFoundError);
    });
  });

  /** The ids of the deployment's auto-scheduled runs whose time is not in the future. */
  async function pastRuns(deployment: ApiDeployment): Promise<string[]> {
    const now = h.clock.now().getTime();
    return (await deploymentRuns(h, deployment.id))
      .filter((r) => r.autoScheduled && r.stateType === 'SCHEDULED' && r.expectedStartTime.getTime() <= now)
      .map((r) => r.id);
  }
});
