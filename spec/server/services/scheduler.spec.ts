import { expect } from 'chai';
import type { Pool } from 'pg';
import { LeaderLease } from '@rigel/server/services/leader-lease';
import { SchedulerService } from '@rigel/server/services/scheduler';
import type { DeploymentCreateDto } from '@rigel/server/schemas/dto/deployment.dto';
import { isPostgres, testDatabase } from '../../support/database';
import { harness, type Harness } from '../../support/orchestration';

describe('SchedulerService', () => {
  let h: Harness;
  let scheduler: SchedulerService;
  beforeEach(async () => {
    h = await harness();
    await h.services.workPools.createPool({ name: 'default' });
    scheduler = new SchedulerService(h.db, h.services.orchestration, h.clock.now, 3600);
  });
  afterEach(async () => {
    await scheduler.stop();
  });

  async function deployment(name: string, schedule: Record<string, unknown>): Promise<string> {
    const dto = { name, flowId: h.flowId, entrypoint: 'flows.ts:Flows.run', workPoolName: 'default' };
    const { deployment } = await h.services.deployments.create({
      ...dto,
      schedules: [{ schedule }],
    } as DeploymentCreateDto);
    return deployment.id;
  }

  const scheduled = (deploymentId: string) =>
    h.services.runs.filter('flow', {
      deployments: { id: { any: [deploymentId] } },
      sort: 'EXPECTED_START_TIME_ASC',
      limit: 1000,
    } as never);

  describe('when a deployment has an interval schedule', () => {
    it('creates its runs of the next hour, SCHEDULED at each interval from now', async () => {
      const id = await deployment('every-20-minutes', { interval: 1200 });
      const pass = await scheduler.runOnce();
      expect(pass).to.deep.equal({ leader: true, deployments: 1, created: 4 });
      const runs = await scheduled(id);
      expect(runs.map((r) => [r.stateName, r.nextScheduledStartTime])).to.deep.equal([
        ['Scheduled', '2030-01-01T00:00:00.000Z'],
        ['Scheduled', '2030-01-01T00:20:00.000Z'],
        ['Scheduled', '2030-01-01T00:40:00.000Z'],
        ['Scheduled', '2030-01-01T01:00:00.000Z'],
      ]);
    });

    it('creates no duplicates on the next pass', async () => {
      const id = await deployment('every-20-minutes', { interval: 1200 });
      await scheduler.runOnce();
      expect((await scheduler.runOnce()).created).to.equal(0);
      expect(await scheduled(id)).to.have.length(4);
    });
  });
});

describe('LeaderLease', () => {
  if (isPostgres()) {
    describe('when it is taken and given back many times on one pool', () => {
      it('leaves no error listener behind on the pooled connection', async () => {
        const db = await testDatabase();
        const pool = (db.dataSource.driver as unknown as { master: Pool }).master;
        const counts: number[] = [];
        for (let i = 0; i < 3; i++) {
          const lease = new LeaderLease(db, 7243999);
          expect(await lease.acquire()).to.equal(true);
          await lease.release();
          const client = await pool.connect();
          counts.push(client.listenerCount('error'));
          client.release();
        }
        expect(new Set(counts).size, counts.join(', ')).to.equal(1);
      });
    });
  } else {
    it('is always held on SQLite (one machine, no lease needed)', async () => {
      expect(await new LeaderLease(await testDatabase(), 7243999).acquire()).to.equal(true);
    });
  }
});
