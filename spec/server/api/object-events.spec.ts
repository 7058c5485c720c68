import { expect } from 'chai';
import { createServices, type Services } from '@rigel/server/services';
import type { FlowRunCreateDto } from '@rigel/server/schemas/dto/flow-run.dto';
import type { TaskRunCreateDto } from '@rigel/server/schemas/dto/task-run.dto';
import { EventsClient, type EventMessage, type Subscribe } from '../../support/events-client';
import { startTestServer, type TestServer } from '../../support/server';

const is =
  (type: string, match: Record<string, unknown> = {}) =>
  (m: EventMessage) =>
    m.type === type && Object.entries(match).every(([k, v]) => m.payload?.[k] === v);

describe('live events of deployments, work pools, queues, workers and concurrency limits', () => {
  let server: TestServer;
  const clients: EventsClient[] = [];
  const subscribe = async (...resources: Subscribe['resource'][]) => {
    const client = await EventsClient.connect(server.url);
    clients.push(client);
    for (const resource of resources) await client.subscribe({ resource });
    return client;
  };

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server?.stop();
  });

  describe('when work pools and queues change through the API', () => {
    beforeEach(async () => {
      server = await startTestServer();
    });

    it('publishes each change and each deletion, with the object as GET returns it', async () => {
      const client = await subscribe('work-pool', 'work-queue');
      const pool = (await server.api.post('/work-pools', { name: 'live-pool' })).body;
      const created = await client.next(is('work-pool.updated', { name: 'live-pool' }));
      expect(created).to.include({ occurred: pool.updated, flowRunId: null });
      expect(created.payload).to.include({ id: pool.id, status: 'NOT_READY' });
      await client.next(is('work-queue.updated', { id: pool.defaultQueueId, name: 'default' }));

      const queue = (await server.api.post('/work-pools/live-pool/queues', { name: 'urgent', priority: 2 })).body;
      await client.next(is('work-queue.updated', { id: queue.id, priority: 2 }));
      await server.api.patch('/work-pools/live-pool/queues/urgent', { priority: 5, paused: true });
      await client.next(is('work-queue.updated', { id: queue.id, priority: 5, paused: true }));
      await server.api.patch('/work-pools/live-pool', { paused: true });
      await client.next(is('work-pool.updated', { id: pool.id, status: 'PAUSED' }));

      expect((await server.api.delete('/work-pools/live-pool/queues/urgent')).status).to.equal(204);
      const deletedQueue = await client.next(is('work-queue.deleted', { id: queue.id }));
      expect(deletedQueue.payload).to.deep.equal({ id: queue.id, name: 'urgent', workPoolId: pool.id });
      expect((await server.api.delete('/work-pools/live-pool')).status).to.equal(204);
      const deletedPool = await client.next(is('work-pool.deleted', { id: pool.id }));
      expect(deletedPool.payload).to.deep.equal({ id: pool.id, name: 'live-pool' });
    });

    it('replays changes and deletions since a time to a client that subscribes with since', async () => {
      const since = new Date().toISOString();
      await server.api.post('/work-pools', { name: 'kept' });
      const gone = (await server.api.post('/work-pools', { name: 'gone' })).body;
      await server.api.delete('/work-pools/gone');
      const client = await EventsClient.connect(server.url);
      clients.push(client);
      await client.subscribe({ resource: 'work-pool' }, since);
      expect(client.events().map((m) => [m.type, m.payload!.name])).to.deep.equal([
        ['work-pool.updated', 'kept'],
        ['work-pool.deleted', 'gone'],
      ]);
      expect(client.events()[1]!.payload!.id).to.equal(gone.id);
    });

    it('refuses a flowRunId on an object subscription, and keeps the connection', async () => {
      const client = await subscribe();
      client.send({ subscribe: { resource: 'work-pool', flowRunId: '00000000-0000-4000-8000-000000000000' } });
      const error = await client.next((m) => m.error !== undefined);
      expect(error.error).to.deep.include({ code: 'VALIDATION_FAILED' });
      expect(error.error!.message).to.match(/^subscribe\.flowRunId: /);
      await client.subscribe({ resource: 'work-pool' });
      expect(client.isOpen).to.equal(true);
    });
  });

  describe('when workers heartbeat and stop (fake clock)', () => {
    beforeEach(async () => {
      server = await startTestServer({ fakeClock: true });
    });

    const beat = (name: string, heartbeatIntervalSeconds = 10) =>
      server.api.post('/work-pools/beats/workers/heartbeat', { name, heartbeatIntervalSeconds });

    it('publishes a worker when it appears and when it goes offline, with its pool, not on every heartbeat', async () => {
      const clock = server.clock!;
      const pool = (await server.api.post('/work-pools', { name: 'beats' })).body;
      const client = await subscribe('worker', 'work-pool', 'work-queue');
      // An event is one version of an object (type, id, time): changes in the same ms would be one.
      clock.advance(1);
      expect((await beat('w1')).status).to.equal(204);
      const online = await client.next(is('worker.updated', { name: 'w1', status: 'ONLINE' }));
      expect(online.payload).to.include({ workPoolId: pool.id, heartbeatIntervalSeconds: 10 });
      await client.next(is('work-pool.updated', { id: pool.id, status: 'READY' }));

      // A heartbeat of a worker that stays online publishes nothing (the queue's event comes first).
      clock.advance(10);
      await beat('w1');
      await server.api.post('/work-pools/beats/queues', { name: 'marker' });
      await client.next(is('work-queue.updated', { name: 'marker' }));
      expect(client.events(is('worker.updated'))).to.have.length(1);
      expect(client.events(is('work-pool.updated'))).to.have.length(1);

      // Three missed intervals after its last heartbeat it is OFFLINE, and so is its pool's worker.
      clock.advance(30);
      await server.feed.watch!.check();
      expect(client.events(is('worker.updated', { status: 'OFFLINE' }))).to.deep.equal([]);
      clock.advance(1);
      await server.feed.watch!.check();
      const offline = await client.next(is('worker.updated', { name: 'w1', status: 'OFFLINE' }));
      expect(offline.occurred).to.equal(new Date(Date.parse(online.occurred!) + 40_000).toISOString());
      await client.next(is('work-pool.updated', { id: pool.id, status: 'NOT_READY' }));

      // Back online: published again.
      await beat('w1');
      await client.waitFor(() => client.events(is('worker.updated', { status: 'ONLINE' })).length === 2, 'online');
    });

    it('publishes a worker that stays online once a minute, and when its interval changes', async () => {
      await server.api.post('/work-pools', { name: 'beats' });
      const client = await subscribe('worker');
      await beat('w2');
      await client.next(is('worker.updated', { name: 'w2' }));
      for (let i = 0; i < 6; i++) {
        server.clock!.advance(10);
        await beat('w2');
      }
      await client.waitFor(() => client.events().length === 2, 'the heartbeat a minute later');
      server.clock!.advance(1);
      await beat('w2', 20);
      const changed = await client.next(is('worker.updated', { heartbeatIntervalSeconds: 20 }));
      expect(changed.payload!.status).to.equal('ONLINE');
      expect(client.events()).to.have.length(3);
    });
  });

  describe('when concurrency limits change and task runs take and release slots', () => {
    beforeEach(async () => {
      server = await startTestServer();
    });

    it('publishes create, change, slots taken and released, reset and delete', async () => {
      const client = await subscribe('concurrency-limit');
      const limit = (await server.api.post('/concurrency-limits', { tag: 'live-db', concurrencyLimit: 2 })).body;
      await client.next(is('concurrency-limit.updated', { tag: 'live-db', concurrencyLimit: 2 }));
      await server.api.post('/concurrency-limits', { tag: 'live-db', concurrencyLimit: 3 });
      await client.next(is('concurrency-limit.updated', { tag: 'live-db', concurrencyLimit: 3 }));

      const flow = (await server.api.post('/flows', { name: 'live-slots' })).body;
      const run = (await server.api.post('/flow-runs', { flowId: flow.id, state: { type: 'RUNNING' } })).body;
      const task = (
        await server.api.post('/task-runs', { flowRunId: run.id, taskKey: 't', dynamicKey: '0', tags: ['live-db'] })
      ).body;
      expect(
        (await server.api.post(`/task-runs/${task.id}/set-state`, { state: { type: 'RUNNING' } })).status,
      ).to.equal(201);
      const taken = await client.next((m) => m.payload?.activeSlots?.includes(task.id));
      expect(taken).to.include({ type: 'concurrency-limit.updated', occurred: taken.payload!.updated });
      await server.api.post(`/task-runs/${task.id}/set-state`, { state: { type: 'COMPLETED' } });
      await client.next((m) => m.occurred! > taken.occurred! && m.payload?.activeSlots?.length === 0);

      await server.api.post('/concurrency-limits/tag/live-db/reset');
      await client.waitFor(() => client.events().length >= 5, 'the reset');
      expect((await server.api.delete('/concurrency-limits/tag/live-db')).status).to.equal(204);
      const deleted = await client.next(is('concurrency-limit.deleted'));
      expect(deleted.payload).to.deep.equal({ id: limit.id, tag: 'live-db' });
    });
  });

  describe('when slots change many times before the coalescing delay', () => {
    let services: Services;
    beforeEach(async () => {
      server = await startTestServer();
      services = server.services;
    });

    it('publishes the limit once, as it is after the last change', async () => {
      const { limit } = await services.concurrencyLimits.upsert({ tag: 'burst', concurrencyLimit: 10 });
      const { flow } = await services.flows.create({ name: 'burst' });
      const { run } = await services.flowRuns.create({
        flowId: flow.id,
        state: { type: 'RUNNING' },
      } as FlowRunCreateDto);
      const published: { activeSlots: string[] }[] = [];
      const subscription = services.events.events$.subscribe((e) => {
        if (e.type === 'concurrency-limit.updated') published.push(e.payload as never);
      });
      try {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          const { run: task } = await services.taskRuns.create({
            flowRunId: run.id,
            taskKey: 'burst',
            dynamicKey: String(i),
            tags: ['burst'],
          } as TaskRunCreateDto);
          await services.orchestration.setState('task', task.id, { type: 'RUNNING' });
          ids.push(task.id);
        }
        await services.objects.flush();
        expect(published).to.have.length(1);
        expect(published[0]!.activeSlots).to.have.members(ids);
        expect((await services.concurrencyLimits.readByTag('burst')).id).to.equal(limit.id);
      } finally {
        subscription.unsubscribe();
      }
    });
  });

  describe('when deployments change through the API', () => {
    beforeEach(async () => {
      server = await startTestServer();
    });

    it('publishes create, update, schedule changes, pause and delete', async () => {
      const client = await subscribe('deployment');
      const flow = (await server.api.post('/flows', { name: 'live-deploy' })).body;
      const created = (
        await server.api.post('/deployments', { name: 'nightly', flowId: flow.id, entrypoint: 'flows.js:Nightly.run' })
      ).body;
      await client.next(is('deployment.updated', { id: created.id, name: 'nightly' }));
      await server.api.patch(`/deployments/${created.id}`, { description: 'every night' });
      await client.next(is('deployment.updated', { description: 'every night' }));
      const schedule = (await server.api.post(`/deployments/${created.id}/schedules`, { schedule: { interval: 3600 } }))
        .body;
      const withSchedule = await client.next((m) => m.payload?.schedules?.length === 1);
      expect(withSchedule.payload!.schedules[0].id).to.equal(schedule.id);
      await server.api.post(`/deployments/${created.id}/pause`);
      await client.next(is('deployment.updated', { paused: true }));
      await server.api.delete(`/deployments/${created.id}/schedules/${schedule.id}`);
      await client.next((m) => m.payload?.paused === true && m.payload?.schedules?.length === 0);
      expect((await server.api.delete(`/deployments/${created.id}`)).status).to.equal(204);
      const deleted = await client.next(is('deployment.deleted'));
      expect(deleted.payload).to.deep.equal({ id: created.id, name: 'nightly', flowId: flow.id });
    });
  });

  describe('when another process (its own services and event bus) changes objects in the same database', () => {
    let other: Services;
    beforeEach(async () => {
      server = await startTestServer();
      other = createServices(server.services.db);
    });

    it('delivers them through the change feed, deletions included', async () => {
      const client = await subscribe('work-pool', 'worker', 'concurrency-limit', 'deployment');
      const { pool } = await other.workPools.createPool({ name: 'elsewhere' });
      await client.next(is('work-pool.updated', { id: pool.id }));
      await other.workPools.heartbeat('elsewhere', 'far-worker', 30);
      await client.next(is('worker.updated', { name: 'far-worker', status: 'ONLINE' }));
      const { limit } = await other.concurrencyLimits.upsert({ tag: 'elsewhere', concurrencyLimit: 1 });
      await client.next(is('concurrency-limit.updated', { id: limit.id }));
      await other.concurrencyLimits.delete('elsewhere');
      await client.next(is('concurrency-limit.deleted', { id: limit.id }));
      const { flow } = await other.flows.create({ name: 'elsewhere' });
      const { deployment } = await other.deployments.create({
        name: 'far',
        flowId: flow.id,
        entrypoint: 'far.js:Far.run',
      } as never);
      await client.next(is('deployment.updated', { id: deployment.id }));
      await other.workPools.deletePool('elsewhere');
      await client.next(is('work-pool.deleted', { id: pool.id }));
    });
  });
});
