import { expect } from 'chai';
import { LISTENER_APPLICATION_NAME } from '@rigel/server/services/change-listener';
import { createServices } from '@rigel/server/services';
import type { FlowRunCreateDto } from '@rigel/server/schemas/dto/flow-run.dto';
import { isPostgres } from '../../support/database';
import { EventsClient, type EventMessage } from '../../support/events-client';
import { ApiClient, startTestServer, type TestServer } from '../../support/server';
import { runScript, startServerProcess, type ServerProcess } from '../../support/processes';

/** Changes made elsewhere must reach a subscriber within this long. */
const DELIVERY_MS = 2000;

const about = (id: string, type?: string) => (m: EventMessage) =>
  m.payload?.id === id && (type === undefined || m.payload?.stateType === type);

describe('events WebSocket across processes', () => {
  let server: TestServer;
  let client: EventsClient;

  afterEach(async () => {
    await client?.close();
    await server?.stop();
  });

  describe('when a separate ephemeral process writes to the same database', () => {
    beforeEach(async () => {
      server = await startTestServer();
    });

    it(`delivers its flow run, transition and log line to a subscriber within ${DELIVERY_MS} ms`, async () => {
      client = await EventsClient.connect(server.url);
      await client.subscribe({ resource: 'flow-run' });
      await client.subscribe({ resource: 'log' });
      const { flowRunId } = await runScript<{ flowRunId: string }>('ephemeral-writer', { flowName: 'ephemeral' });
      const started = Date.now();
      await client.next(about(flowRunId, 'RUNNING'), DELIVERY_MS);
      await client.next((m) => m.type === 'log' && m.flowRunId === flowRunId, DELIVERY_MS - (Date.now() - started));
      const log = client.events((m) => m.type === 'log')[0]!;
      expect(log.payload).to.include({ message: 'hello from another process', flowRunId });
    });
  });

  if (!isPostgres()) return;

  describe('when a second API process on the same PostgreSQL database makes a transition', () => {
    let other: ServerProcess;
    before(async () => {
      other = await startServerProcess();
    });
    after(async () => {
      await other?.stop();
    });

    async function transitionThroughOtherProcess(): Promise<string> {
      const api = new ApiClient(other.apiUrl);
      const flow = await api.post('/flows', { name: 'other-process' });
      const run = await api.post('/flow-runs', { flowId: flow.body.id });
      const set = await api.post(`/flow-runs/${run.body.id}/set-state`, { state: { type: 'RUNNING' } });
      expect(set.status).to.equal(201);
      return run.body.id;
    }

    it(`reaches a subscriber of the first process within ${DELIVERY_MS} ms`, async () => {
      server = await startTestServer();
      client = await EventsClient.connect(server.url);
      await client.subscribe({ resource: 'flow-run' });
      const id = await transitionThroughOtherProcess();
      await client.next(about(id, 'RUNNING'), DELIVERY_MS);
    });

    it('reaches it through LISTEN/NOTIFY alone when polling is slowed to once a minute', async () => {
      server = await startTestServer({ settings: { eventsPollIntervalMs: 60_000 } });
      client = await EventsClient.connect(server.url);
      await client.subscribe({ resource: 'flow-run' });
      await waitUntil(() => server.feed.listening, 'the feed to LISTEN');
      const id = await transitionThroughOtherProcess();
      await client.next(about(id, 'RUNNING'), DELIVERY_MS);
    });
  });

  describe('when a second API process on the same PostgreSQL database changes pools, workers and limits', () => {
    let other: ServerProcess;
    before(async () => {
      other = await startServerProcess();
    });
    after(async () => {
      await other?.stop();
    });

    it('reaches a subscriber of the first process, deletions and a worker going offline included', async () => {
      server = await startTestServer();
      client = await EventsClient.connect(server.url);
      for (const resource of ['work-pool', 'worker', 'concurrency-limit'] as const)
        await client.subscribe({ resource });
      const api = new ApiClient(other.apiUrl);
      const is = (type: string, match: Record<string, unknown>) => (m: EventMessage) =>
        m.type === type && Object.entries(match).every(([k, v]) => m.payload?.[k] === v);

      const pool = (await api.post('/work-pools', { name: 'far-pool' })).body;
      await client.next(is('work-pool.updated', { id: pool.id, status: 'NOT_READY' }), DELIVERY_MS);
      await api.post('/concurrency-limits', { tag: 'far-tag', concurrencyLimit: 1 });
      await client.next(is('concurrency-limit.updated', { tag: 'far-tag' }), DELIVERY_MS);
      expect((await api.delete('/concurrency-limits/tag/far-tag')).status).to.equal(204);
      await client.next(is('concurrency-limit.deleted', { tag: 'far-tag' }), DELIVERY_MS);

      // A worker heartbeats once through the other process; this process sees it go offline 3 s later.
      await api.post('/work-pools/far-pool/workers/heartbeat', { name: 'far-worker', heartbeatIntervalSeconds: 1 });
      await client.next(is('worker.updated', { name: 'far-worker', status: 'ONLINE' }), DELIVERY_MS);
      await client.next(is('work-pool.updated', { id: pool.id, status: 'READY' }), DELIVERY_MS);
      const offline = await client.next(
        is('worker.updated', { name: 'far-worker', status: 'OFFLINE' }),
        3000 + DELIVERY_MS,
      );
      const notReady = is('work-pool.updated', { id: pool.id, status: 'NOT_READY' });
      await client.next((m) => notReady(m) && m.occurred === offline.occurred, DELIVERY_MS);

      expect((await api.delete('/work-pools/far-pool')).status).to.equal(204);
      await client.next(is('work-pool.deleted', { id: pool.id }), DELIVERY_MS);
    });
  });

  describe('when the LISTEN connection drops (PostgreSQL)', () => {
    beforeEach(async () => {
      server = await startTestServer({ settings: { eventsPollIntervalMs: 60_000 } });
    });

    it('reconnects, and notifications are delivered again', async () => {
      client = await EventsClient.connect(server.url);
      await client.subscribe({ resource: 'flow-run' });
      await waitUntil(() => server.feed.listening, 'the feed to LISTEN');
      const db = server.services.db;
      const listenerPids = async () =>
        (
          await db.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity WHERE application_name = ? AND datname = current_database()`,
            [LISTENER_APPLICATION_NAME],
          )
        ).map((row) => Number(row.pid));
      const [dropped] = await listenerPids();
      expect(dropped).to.be.a('number');
      await db.query('SELECT pg_terminate_backend(?)', [dropped]);
      await waitUntil(async () => {
        const pids = await listenerPids();
        return server.feed.listening && pids.length === 1 && pids[0] !== dropped;
      }, 'the listener to reconnect');

      // A writer with its own event bus, as another process would have: it notifies on commit.
      const writer = createServices(db);
      const { flow } = await writer.flows.create({ name: 'after-reconnect' });
      const { run } = await writer.flowRuns.create({ flowId: flow.id } as FlowRunCreateDto);
      await writer.orchestration.setState('flow', run.id, { type: 'RUNNING' });
      await client.next(about(run.id, 'RUNNING'), DELIVERY_MS);
    });
  });
});

/** Polls `condition` every 20 ms for at most 5 s. */
async function waitUntil(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
