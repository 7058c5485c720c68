import { expect } from 'chai';
import { Database } from '@rigel/server';
import { createServices, type Services } from '@rigel/server/services';
import { isPostgres, testDatabaseUrl } from '../../support/database';
import { createDeployment, deploymentRuns, schedulerFor, stopSchedulers } from '../../support/deployments';
import { harness, type Harness } from '../../support/orchestration';

/** The scheduler's advisory lock key (services/scheduler.ts). */
const SCHEDULER_LOCK_KEY = 7243002;

describe('LeaderLease (one scheduler per database)', () => {
  let h: Harness;
  let otherDb: Database;
  /** The services of a second "server" on the same database (its own Database, its own pool). */
  let other: Services;
  beforeEach(async () => {
    h = await harness();
    otherDb = await Database.open({ url: testDatabaseUrl(), migrate: false });
    other = createServices(otherDb, { clock: h.clock.now, settings: h.services.settings });
    for (let i = 0; i < 5; i++) {
      await createDeployment(h, { name: `every-10-min-${i}`, schedules: [{ schedule: { interval: 600 } }] });
    }
  });
  afterEach(async () => {
    await stopSchedulers();
    await otherDb.close();
  });

  /** Every auto-scheduled run exists once: 5 deployments × 7 runs (00:00 … 01:00 every 10 minutes). */
  async function expectEachRunOnce(): Promise<void> {
    const runs = await deploymentRuns(h);
    expect(runs).to.have.length(35);
    expect(new Set(runs.map((r) => r.idempotencyKey)).size).to.equal(35);
  }

  if (isPostgres()) {
    /**
     * The backend pid holding the scheduler's advisory lock in this database, if any (advisory locks
     * are per database: other databases on the server, e.g. another spec pass's, hold their own).
     */
    const lockHolder = async (): Promise<number | null> => {
      const rows = await h.db.query<{ pid: unknown }>(
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = ? AND granted
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [SCHEDULER_LOCK_KEY],
      );
      return rows[0] ? Number(rows[0].pid) : null;
    };

    describe('when two schedulers on two connections pools run at once', () => {
      it('lets exactly one lead, and creates each run once', async () => {
        const passes = await Promise.all([
          schedulerFor(h).runOnce(h.clock.now()),
          schedulerFor(h, { services: other }).runOnce(h.clock.now()),
        ]);
        expect(passes.filter((p) => p.leader)).to.have.length(1);
        expect(passes.find((p) => !p.leader)).to.deep.equal({ leader: false, deployments: 0, created: 0 });
        await expectEachRunOnce();
      });

      it('keeps the lease with the leader on its later passes', async () => {
        const leader = schedulerFor(h);
        const follower = schedulerFor(h, { services: other });
        expect((await leader.runOnce(h.clock.now())).leader).to.equal(true);
        h.clock.advance(600);
        expect((await follower.runOnce(h.clock.now())).leader).to.equal(false);
        expect(await leader.runOnce(h.clock.now())).to.include({ leader: true, created: 5 });
      });
    });

    describe('when the leader lets the lease go', () => {
      it('hands it to the other scheduler on its next pass when the leader stops', async () => {
        const leader = schedulerFor(h);
        const follower = schedulerFor(h, { services: other });
        await leader.runOnce(h.clock.now());
        await leader.stop();
        expect(await lockHolder()).to.equal(null);
        expect(await follower.runOnce(h.clock.now())).to.deep.equal({ leader: true, deployments: 5, created: 0 });
        await expectEachRunOnce();
      });

      it('hands it over when the leader’s connection dies, and the old leader then follows', async () => {
        const leader = schedulerFor(h);
        const follower = schedulerFor(h, { services: other });
        expect((await leader.runOnce(h.clock.now())).leader).to.equal(true);
        const pid = await lockHolder();
        expect(pid).to.be.a('number');
        // Waits (at most 5 s) until the backend has exited, so its session lock is gone.
        await h.db.query(`SELECT pg_terminate_backend(?, 5000)`, [pid]);
        h.clock.advance(600);
        expect(await follower.runOnce(h.clock.now())).to.deep.equal({ leader: true, deployments: 5, created: 5 });
        expect((await leader.runOnce(h.clock.now())).leader).to.equal(false);
        expect(await lockHolder()).to.not.equal(pid);
      });
    });
  } else {
    describe('on SQLite (one machine: no lease)', () => {
      it('lets every scheduler lead; concurrent passes create each run once, another connection adds none', async () => {
        // Two schedulers of one process share its connection; another connection runs after them
        // (in one process, a second SQLite connection waiting for the write lock would block the loop).
        const passes = await Promise.all([
          schedulerFor(h).runOnce(h.clock.now()),
          schedulerFor(h).runOnce(h.clock.now()),
        ]);
        expect(passes.map((p) => p.leader)).to.deep.equal([true, true]);
        expect(passes[0]!.created + passes[1]!.created).to.equal(35);
        expect(await schedulerFor(h, { services: other }).runOnce(h.clock.now())).to.deep.equal({
          leader: true,
          deployments: 5,
          created: 0,
        });
        await expectEachRunOnce();
      });
    });
  }
});
