import { expect } from 'chai';
import { FakeClock } from '@rigel/server/orchestration/clock';
import { startTestServer, type TestServer } from '../../support/server';

describe('work pools API', () => {
  let server: TestServer;
  let clock: FakeClock;
  beforeEach(async () => {
    clock = new FakeClock('2030-01-01T00:00:00.000Z');
    server = await startTestServer({ fakeClock: clock });
  });
  afterEach(() => server.stop());

  const createPool = (name = 'local', extra: Record<string, unknown> = {}) =>
    server.api.post('/work-pools', { name, ...extra });
  const heartbeat = (name: string, extra: Record<string, unknown> = {}) =>
    server.api.post('/work-pools/local/workers/heartbeat', { name, ...extra });
  const status = async () => (await server.api.get('/work-pools/local')).body.status;

  describe('POST /work-pools', () => {
    it('answers 201 with a pool that has a default queue, then 200 with the same pool', async () => {
      const created = await createPool('local', { description: 'laptop', concurrencyLimit: 4 });
      expect(created.status).to.equal(201);
      expect(created.body).to.include({ name: 'local', type: 'process', paused: false, concurrencyLimit: 4 });
      const queues = (await server.api.get('/work-pools/local/queues')).body;
      expect(queues.map((q: { name: string }) => q.name)).to.deep.equal(['default']);
      expect(created.body.defaultQueueId).to.equal(queues[0].id);
      const again = await createPool('local');
      expect(again.status).to.equal(200);
      expect(again.body.id).to.equal(created.body.id);
    });

    it('answers 422 for a bad name and 404 for an unknown pool', async () => {
      expect((await createPool('a/b')).status).to.equal(422);
      expect((await server.api.get('/work-pools/nowhere')).status).to.equal(404);
      expect((await server.api.post('/work-pools/nowhere/workers/heartbeat', { name: 'w' })).status).to.equal(404);
    });
  });

  describe('pool status and workers', () => {
    beforeEach(async () => {
      await createPool();
    });

    it('is NOT_READY without workers, READY with an online worker, PAUSED when paused', async () => {
      expect(await status()).to.equal('NOT_READY');
      expect((await heartbeat('w1')).status).to.equal(204);
      expect(await status()).to.equal('READY');
      expect((await server.api.patch('/work-pools/local', { paused: true })).body.status).to.equal('PAUSED');
      const listed = (await server.api.post('/work-pools/filter', {})).body;
      expect(listed.map((p: { name: string; status: string }) => [p.name, p.status])).to.deep.equal([
        ['local', 'PAUSED'],
      ]);
    });

    it('marks a worker OFFLINE after 3 missed heartbeats (30 s by default), and the pool NOT_READY', async () => {
      await heartbeat('w1');
      clock.advance(90);
      expect((await server.api.get('/work-pools/local/workers')).body[0]).to.include({ name: 'w1', status: 'ONLINE' });
      expect(await status()).to.equal('READY');
      clock.advance(1);
      expect((await server.api.get('/work-pools/local/workers')).body[0]).to.include({ status: 'OFFLINE' });
      expect(await status()).to.equal('NOT_READY');
      await heartbeat('w1');
      expect((await server.api.get('/work-pools/local/workers')).body[0]).to.include({ status: 'ONLINE' });
    });

    it('judges each worker by its own heartbeat interval, for the worker and for the pool', async () => {
      await heartbeat('fast', { heartbeatIntervalSeconds: 5 });
      clock.advance(16);
      const workers = (await server.api.get('/work-pools/local/workers')).body;
      expect(workers.map((w: { name: string; status: string }) => [w.name, w.status])).to.deep.equal([
        ['fast', 'OFFLINE'],
      ]);
      expect(await status()).to.equal('NOT_READY');
      await heartbeat('slow', { heartbeatIntervalSeconds: 120 });
      clock.advance(300);
      expect(await status()).to.equal('READY');
    });

    it('keeps one worker per name, updating its heartbeat', async () => {
      await heartbeat('w1');
      clock.advance(10);
      await heartbeat('w1');
      const workers = (await server.api.get('/work-pools/local/workers')).body;
      expect(workers).to.have.length(1);
      expect(workers[0].lastHeartbeatTime).to.equal('2030-01-01T00:00:10.000Z');
    });
  });

  describe('queues', () => {
    beforeEach(async () => {
      await createPool();
    });

    it('creates (201, then 200), lists by priority, updates and deletes queues', async () => {
      const created = await server.api.post('/work-pools/local/queues', { name: 'urgent', priority: 1 });
      expect(created.status).to.equal(201);
      expect((await server.api.post('/work-pools/local/queues', { name: 'urgent' })).status).to.equal(200);
      await server.api.post('/work-pools/local/queues', { name: 'bulk', priority: 10 });
      await server.api.patch('/work-pools/local/queues/default', { priority: 5 });
      const names = async () =>
        (await server.api.get('/work-pools/local/queues')).body.map((q: { name: string }) => q.name);
      expect(await names()).to.deep.equal(['urgent', 'default', 'bulk']);
      const renamed = await server.api.patch('/work-pools/local/queues/bulk', { name: 'batch', paused: true });
      expect(renamed.body).to.include({ name: 'batch', paused: true });
      expect((await server.api.delete('/work-pools/local/queues/batch')).status).to.equal(204);
      expect(await names()).to.deep.equal(['urgent', 'default']);
      expect((await server.api.get('/work-pools/local/queues/batch')).status).to.equal(404);
    });

    it('refuses to delete the default queue', async () => {
      const response = await server.api.delete('/work-pools/local/queues/default');
      expect(response.status).to.equal(422);
      expect(response.body.error.details).to.deep.equal([
        { field: 'name', message: 'the default queue of a pool cannot be deleted' },
      ]);
    });
  });

  describe('DELETE /work-pools/:name', () => {
    it('deletes the pool with its queues and workers (204), then answers 404', async () => {
      await createPool();
      await heartbeat('w1');
      expect((await server.api.delete('/work-pools/local')).status).to.equal(204);
      expect((await server.api.get('/work-pools/local')).status).to.equal(404);
      expect((await server.api.delete('/work-pools/local')).status).to.equal(404);
      expect(await server.services.db.query(`SELECT * FROM "work_queue"`)).to.deep.equal([]);
      expect(await server.services.db.query(`SELECT * FROM "worker"`)).to.deep.equal([]);
    });
  });
});
