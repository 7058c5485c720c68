import { expect } from 'chai';
import { DEFAULT_SCHEDULER_LIMITS, scheduledRunKey, timesToFill } from '@rigel/server/services/scheduler';
import { createDeployment, deploymentRuns, schedulerFor, startTimes, stopSchedulers } from '../../support/deployments';
import { harness, type Harness } from '../../support/orchestration';

const NOW = new Date('2030-01-01T00:00:00.000Z');
const fill = (spec: Record<string, unknown>, maxRuns?: number | null) =>
  timesToFill(spec as never, NOW, DEFAULT_SCHEDULER_LIMITS, maxRuns).map((d) => d.toISOString());

describe('SchedulerService', () => {
  describe('timesToFill()', () => {
    it('gives at least 3 runs, and stops once they reach an hour ahead', () => {
      expect(fill({ interval: 3600 })).to.deep.equal([
        '2030-01-01T00:00:00.000Z',
        '2030-01-01T01:00:00.000Z',
        '2030-01-01T02:00:00.000Z',
      ]);
      expect(fill({ interval: 86_400 })).to.have.length(3);
    });

    it('gives more than 3 runs when 3 do not cover an hour', () => {
      const times = fill({ interval: 60 });
      expect(times).to.have.length(61);
      expect(times[60]).to.equal('2030-01-01T01:00:00.000Z');
    });

    it('gives at most 100 runs', () => {
      expect(fill({ interval: 10 })).to.have.length(100);
    });

    it('looks at most 100 days ahead, even if that leaves fewer than 3 runs', () => {
      expect(fill({ interval: 60 * 86_400, anchorDate: '2030-01-01T00:00:00Z' })).to.deep.equal([
        '2030-01-01T00:00:00.000Z',
        '2030-03-02T00:00:00.000Z',
      ]);
    });

    it('honours a schedule’s maxScheduledRuns, but never beyond 100', () => {
      expect(fill({ interval: 3600 }, 2)).to.have.length(2);
      expect(fill({ interval: 10 }, 500)).to.have.length(100);
    });
  });

  describe('runOnce()', () => {
    let h: Harness;
    beforeEach(async () => {
      h = await harness();
    });
    afterEach(stopSchedulers);

    describe('when a deployment has an active schedule', () => {
      it('creates its future runs, SCHEDULED at the schedule’s times', async () => {
        const deployment = await createDeployment(h, { schedules: [{ schedule: { interval: 3600 } }] });
        const pass = await schedulerFor(h).runOnce(h.clock.now());
        expect(pass).to.deep.equal({ leader: true, deployments: 1, created: 3 });
        const runs = await deploymentRuns(h, deployment.id);
        expect(startTimes(runs)).to.deep.equal([
          '2030-01-01T00:00:00.000Z',
          '2030-01-01T01:00:00.000Z',
          '2030-01-01T02:00:00.000Z',
        ]);
        expect(runs.map((r) => [r.stateType, r.stateName])).to.deep.equal(Array(3).fill(['SCHEDULED', 'Scheduled']));
      });

      it('gives each run the key `scheduled <deploymentId> <scheduleId> <ISO time>`', async () => {
        const deployment = await createDeployment(h, { schedules: [{ schedule: { interval: 3600 } }] });
        await schedulerFor(h).runOnce(h.clock.now());
        const scheduleId = deployment.schedules[0]!.id;
        const runs = await deploymentRuns(h, deployment.id);
        expect(runs.map((r) => r.idempotencyKey)).to.deep.equal(
          runs.map((r) => scheduledRunKey(deployment.id, scheduleId, r.expectedStartTime)),
        );
        expect(runs[0]!.idempotencyKey).to.equal(`scheduled ${deployment.id} ${scheduleId} 2030-01-01T00:00:00.000Z`);
      });

      it('writes each run consistent with its one SCHEDULED state row', async () => {
        const pool = (await h.services.workPools.createPool({ name: 'local' })).pool;
        const deployment = await createDeployment(h, {
          workPoolName: 'local',
          schedules: [{ schedule: { cron: '*/30 * * * *' } }],
        });
        await schedulerFor(h).runOnce(h.clock.now());
        const runs = await deploymentRuns(h, deployment.id);
        expect(runs).to.have.length(3);
        for (const run of runs) {
          const states = await h.services.runs.states('flow', run.id);
          expect(states).to.have.length(1);
          expect(states[0]!.id).to.equal(run.stateId);
          expect(states[0]).to.include({
            type: 'SCHEDULED',
            name: 'Scheduled',
            timestamp: h.clock.now().toISOString(),
          });
          expect([run.stateType, run.stateName]).to.deep.equal(['SCHEDULED', 'Scheduled']);
          expect((run as unknown as { stateTimestamp: Date }).stateTimestamp.toISOString()).to.equal(
            states[0]!.timestamp,
          );
          expect(states[0]!.stateDetails).to.include({
            scheduledTime: run.expectedStartTime.toISOString(),
            flowRunId: run.id,
          });
          expect(run.nextScheduledStartTime?.toISOString()).to.equal(run.expectedStartTime.toISOString());
          expect(run.autoScheduled).to.equal(true);
          expect(run.workQueueId).to.equal(pool.defaultQueueId);
        }
      });

      it('merges the schedule’s parameters over the deployment’s defaults, and tags the runs', async () => {
        const deployment = await createDeployment(h, {
          parameters: { region: 'eu', size: 1 },
          tags: ['etl'],
          schedules: [{ schedule: { interval: 86_400 }, parameters: { size: 5 } }],
        });
        await schedulerFor(h).runOnce(h.clock.now());
        const [run] = await deploymentRuns(h, deployment.id);
        expect(run!.parameters).to.deep.equal({ region: 'eu', size: 5 });
        expect(run!.tags).to.have.members(['etl', 'auto-scheduled']);
      });

      it('fills every active schedule of the deployment, each up to its own maxScheduledRuns', async () => {
        const deployment = await createDeployment(h, {
          schedules: [{ schedule: { interval: 3600 } }, { schedule: { cron: '*/5 * * * *' }, maxScheduledRuns: 4 }],
        });
        await schedulerFor(h).runOnce(h.clock.now());
        const runs = await deploymentRuns(h, deployment.id);
        const bySchedule = (id: string) => runs.filter((r) => r.idempotencyKey.includes(id)).length;
        expect(bySchedule(deployment.schedules[0]!.id)).to.equal(3);
        expect(bySchedule(deployment.schedules[1]!.id)).to.equal(4);
      });
    });

    describe('when it runs again', () => {
      it('creates nothing on a second pass at the same time', async () => {
        const deployment = await createDeployment(h, { schedules: [{ schedule: { interval: 3600 } }] });
        const scheduler = schedulerFor(h);
        await scheduler.runOnce(h.clock.now());
        const before = (await deploymentRuns(h, deployment.id)).map((r) => r.id);
        expect((await scheduler.runOnce(h.clock.now())).created).to.equal(0);
        expect((await deploymentRuns(h, deployment.id)).map((r) => r.id)).to.deep.equal(before);
      });

      it('adds only the runs that became due as time moved on', async () => {
        const deployment = await createDeployment(h, { schedules: [{ schedule: { interval: 3600 } }] });
        const scheduler = schedulerFor(h);
        await scheduler.runOnce(h.clock.now());
        h.clock.advance(3600);
        expect((await scheduler.runOnce(h.clock.now())).created).to.equal(1);
        expect(startTimes(await deploymentRuns(h, deployment.id))).to.deep.equal([
          '2030-01-01T00:00:00.000Z',
          '2030-01-01T01:00:00.000Z',
          '2030-01-01T02:00:00.000Z',
          '2030-01-01T03:00:00.000Z',
        ]);
      });

      it('creates no duplicate when two passes run at once', async () => {
        const deployment = await createDeployment(h, { schedules: [{ schedule: { interval: 600 } }] });
        const passes = await Promise.all([
          schedulerFor(h).runOnce(h.clock.now()),
          schedulerFor(h).runOnce(h.clock.now()),
        ]);
        const runs = await deploymentRuns(h, deployment.id);
        expect(runs).to.have.length(7);
        expect(passes.reduce((n, p) => n + p.created, 0)).to.equal(7);
        expect(new Set(runs.map((r) => r.idempotencyKey)).size).to.equal(7);
      });
    });

    describe('when there is nothing to schedule', () => {
      it('skips a paused deployment, an inactive schedule and a deployment without schedules', async () => {
        await createDeployment(h, { name: 'paused', paused: true, schedules: [{ schedule: { interval: 60 } }] });
        await createDeployment(h, { name: 'inactive', schedules: [{ schedule: { interval: 60 }, active: false }] });
        await createDeployment(h, { name: 'manual' });
        expect(await schedulerFor(h).runOnce(h.clock.now())).to.deep.equal({
          leader: true,
          deployments: 0,
          created: 0,
        });
        expect(await deploymentRuns(h)).to.deep.equal([]);
      });
    });

    describe('when many deployments have cron schedules', () => {
      it('fills 210 deployments (more than one batch) with the right number of runs and no duplicates', async () => {
        const count = 210;
        for (let i = 0; i < count; i++) {
          await createDeployment(h, { name: `d-${i}`, schedules: [{ schedule: { cron: '*/20 * * * *' } }] });
        }
        const scheduler = schedulerFor(h);
        // 00:00, 00:20, 00:40 and 01:00 (an hour ahead, inclusive) for each deployment.
        expect(await scheduler.runOnce(h.clock.now())).to.deep.equal({
          leader: true,
          deployments: count,
          created: count * 4,
        });
        const runs = await deploymentRuns(h);
        expect(runs).to.have.length(count * 4);
        expect(new Set(runs.map((r) => r.idempotencyKey)).size).to.equal(count * 4);
        const states = await h.db.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM "flow_run_state"`);
        expect(Number(states[0]!.n)).to.equal(count * 4);
        expect((await scheduler.runOnce(h.clock.now())).created).to.equal(0);
      });
    });
  });
});
