import { expect } from 'chai';
import { describeInCliModes } from '../../support/cli';

describeInCliModes('rigel work-pool, concurrency-limit and flow', (world) => {
  describe('when a work pool is created, paused, resumed and deleted', () => {
    it('lists and inspects it at each step, and exits 0', async () => {
      const created = await world().rigel('work-pool', 'create', 'etl', '--concurrency-limit', '3');
      expect(created.code, created.stderr).to.equal(0);
      expect(created.stdout).to.contain('Work pool etl is ready');

      const listed = await world().rigel('work-pool', 'ls');
      expect(listed.stdout).to.match(/^NAME\s+TYPE\s+STATUS$/m);
      expect(listed.stdout).to.match(/^etl\s+process\s+NOT_READY$/m);
      const pool = await world().json('work-pool', 'inspect', 'etl');
      expect(pool).to.include({ name: 'etl', concurrencyLimit: 3, paused: false });
      expect(pool.queues.map((q: { name: string }) => q.name)).to.deep.equal(['default']);
      expect(pool.workers).to.deep.equal([]);

      expect((await world().rigel('work-pool', 'pause', 'etl')).stdout).to.contain('Work pool etl is paused.');
      expect((await world().json('work-pool', 'ls'))[0]).to.include({ name: 'etl', status: 'PAUSED' });
      expect((await world().rigel('work-pool', 'resume', 'etl')).code).to.equal(0);
      expect((await world().json('work-pool', 'inspect', 'etl')).paused).to.equal(false);

      const deleted = await world().rigel('work-pool', 'delete', 'etl');
      expect([deleted.code, deleted.stdout.trim()]).to.deep.equal([0, 'Deleted work pool etl.']);
      expect(await world().json('work-pool', 'ls')).to.deep.equal([]);
    });

    it('exits 4 naming a work pool that does not exist', async () => {
      for (const args of [
        ['inspect', 'nope'],
        ['pause', 'nope'],
        ['delete', 'nope'],
      ]) {
        const result = await world().rigel('work-pool', ...args);
        expect(result.code, args.join(' ')).to.equal(4);
        expect(result.stderr).to.contain('Work pool nope was not found');
      }
    });
  });

  describe('when a concurrency limit is created, inspected, reset and deleted', () => {
    it('shows it at each step, and exits 0', async () => {
      const created = await world().rigel('concurrency-limit', 'create', 'db', '2');
      expect([created.code, created.stdout.trim()]).to.deep.equal([0, 'At most 2 task runs tagged "db" run at once.']);
      expect((await world().rigel('concurrency-limit', 'ls')).stdout).to.match(/^db\s+2\s+0$/m);
      expect(await world().json('concurrency-limit', 'ls')).to.have.length(1);
      expect(await world().json('concurrency-limit', 'inspect', 'db')).to.include({ tag: 'db', concurrencyLimit: 2 });
      const reset = await world().rigel('concurrency-limit', 'reset', 'db');
      expect([reset.code, reset.stdout.trim()]).to.deep.equal([0, 'db: 2 (active: [])']);
      expect((await world().rigel('concurrency-limit', 'delete', 'db')).stdout).to.contain(
        'Deleted the limit of "db".',
      );
      expect(await world().json('concurrency-limit', 'ls')).to.deep.equal([]);
    });

    it('exits 4 for a tag without a limit, and 2 for a limit that is not a whole number', async () => {
      const missing = await world().rigel('concurrency-limit', 'inspect', 'nothing');
      expect(missing.code).to.equal(4);
      expect(missing.stderr).to.contain('Concurrency limit nothing was not found');
      const bad = await world().rigel('concurrency-limit', 'create', 'db', 'two');
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.contain('expected a whole number, got "two"');
      expect(await world().json('concurrency-limit', 'ls')).to.deep.equal([]);
    });
  });

  describe('when flows are listed', () => {
    it('says there are none yet, then lists the flows runs were recorded for', async () => {
      expect((await world().rigel('flow', 'ls')).stdout).to.contain('No flows yet');
      expect(await world().json('flow', 'ls')).to.deep.equal([]);
      const run = await world().rigel('run', 'examples/etl.ts', '--param', 'day=2026-11-24', '--json');
      expect(run.code, run.stderr).to.equal(0);
      const flows = await world().json('flow', 'ls');
      expect(flows.map((f: { name: string }) => f.name)).to.deep.equal(['orders-etl']);
      expect((await world().rigel('flow', 'ls')).stdout).to.match(/^orders-etl\s+[0-9a-f-]{36}\s+\d+s ago$/m);
    });
  });
});
