import { expect } from 'chai';
import { createServices } from '@rigel/server/services';
import { eventKey } from '@rigel/server/services/events';
import type { FlowRunCreateDto } from '@rigel/server/schemas/dto/flow-run.dto';
import { EventsClient, eventsUrl, upgradeStatus, type EventMessage } from '../../support/events-client';
import { startTestServer, type ApiClient, type TestServer } from '../../support/server';

async function createFlowRun(api: ApiClient): Promise<{ id: string }> {
  const flow = await api.post('/flows', { name: 'events-spec' });
  const run = await api.post('/flow-runs', { flowId: flow.body.id });
  expect(run.status).to.equal(201);
  return run.body;
}

function setState(api: ApiClient, kind: 'flow-runs' | 'task-runs', id: string, type: string) {
  return api.post(`/${kind}/${id}/set-state`, { state: { type } });
}

async function createTaskRun(api: ApiClient, flowRunId: string, key: string): Promise<{ id: string }> {
  const run = await api.post('/task-runs', {
    flowRunId,
    taskKey: 'spec-task',
    dynamicKey: key,
    state: { type: 'RUNNING' },
  });
  expect(run.status).to.equal(201);
  return run.body;
}

function postLog(api: ApiClient, flowRunId: string, message: string) {
  return api.post('/logs', [{ name: 'spec', level: 20, message, timestamp: new Date().toISOString(), flowRunId }]);
}

const about = (id: string, type?: string) => (m: EventMessage) =>
  m.payload?.id === id && (type === undefined || m.payload?.stateType === type);

describe('events WebSocket (/api/events)', () => {
  let server: TestServer;
  const clients: EventsClient[] = [];
  const connect = async (options?: Parameters<typeof EventsClient.connect>[1]) => {
    const client = await EventsClient.connect(server.url, options);
    clients.push(client);
    return client;
  };

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server?.stop();
  });

  describe('when a client subscribes to a resource', () => {
    beforeEach(async () => {
      server = await startTestServer();
    });

    it('receives flow-run.updated with the run as it is now for a transition made through the API', async () => {
      const client = await connect();
      await client.subscribe({ resource: 'flow-run' });
      const run = await createFlowRun(server.api);
      expect((await setState(server.api, 'flow-runs', run.id, 'RUNNING')).status).to.equal(201);
      const event = await client.next(about(run.id, 'RUNNING'));
      expect(event).to.include({ type: 'flow-run.updated', flowRunId: run.id, occurred: event.payload!.updated });
      expect(event.payload!.state).to.include({ type: 'RUNNING' });
    });

    it('receives task-run.updated for a task run created and started through the API', async () => {
      const client = await connect();
      await client.subscribe({ resource: 'task-run' });
      const flowRun = await createFlowRun(server.api);
      await setState(server.api, 'flow-runs', flowRun.id, 'RUNNING');
      const taskRun = await createTaskRun(server.api, flowRun.id, 'a');
      const event = await client.next(about(taskRun.id, 'RUNNING'));
      expect(event).to.include({ type: 'task-run.updated', flowRunId: flowRun.id });
    });

    it('receives a log event for each line POSTed to /api/logs', async () => {
      const client = await connect();
      await client.subscribe({ resource: 'log' });
      const run = await createFlowRun(server.api);
      expect((await postLog(server.api, run.id, 'first')).status).to.equal(201);
      expect((await postLog(server.api, run.id, 'second')).status).to.equal(201);
      await client.waitFor(() => client.events().length === 2, 'two log events');
      expect(client.events().map((m) => [m.type, m.flowRunId, m.payload!.message])).to.deep.equal([
        ['log', run.id, 'first'],
        ['log', run.id, 'second'],
      ]);
    });

    it('receives no events of the resources it did not subscribe to', async () => {
      const client = await connect();
      await client.subscribe({ resource: 'log' });
      const run = await createFlowRun(server.api);
      await setState(server.api, 'flow-runs', run.id, 'RUNNING');
      await createTaskRun(server.api, run.id, 'a');
      await postLog(server.api, run.id, 'marker');
      await client.next((m) => m.payload?.message === 'marker');
      expect(client.events().map((m) => m.type)).to.deep.equal(['log']);
    });
  });

  describe('when the subscription names a flow run', () => {
    beforeEach(async () => {
      server = await startTestServer();
    });

    for (const resource of ['flow-run', 'task-run', 'log'] as const) {
      it(`receives the ${resource} events of that run only`, async () => {
        const mine = await createFlowRun(server.api);
        const other = await createFlowRun(server.api);
        const client = await connect();
        await client.subscribe({ resource, flowRunId: mine.id });
        for (const run of [other, mine]) {
          await setState(server.api, 'flow-runs', run.id, 'RUNNING');
          await createTaskRun(server.api, run.id, 'a');
          await postLog(server.api, run.id, `from ${run.id}`);
        }
        // Events are published in commit order: the other run's came first, so they would be here by now.
        const type = resource === 'log' ? 'log' : `${resource}.updated`;
        await client.next((m) => m.type === type && m.flowRunId === mine.id);
        expect(client.events((m) => m.type !== type)).to.deep.equal([]);
        expect(client.events((m) => m.flowRunId !== mine.id)).to.deep.equal([]);
      });
    }
  });

  describe('when a client reconnects with since', () => {
    beforeEach(async () => {
      server = await startTestServer();
    });

    it('first receives the changes made while it was away, then live ones', async () => {
      const first = await connect();
      await first.subscribe({ resource: 'flow-run' });
      const run = await createFlowRun(server.api);
      await setState(server.api, 'flow-runs', run.id, 'RUNNING');
      const lastSeen = (await first.next(about(run.id, 'RUNNING'))).occurred!;
      await first.close();

      await setState(server.api, 'flow-runs', run.id, 'COMPLETED');
      const second = await createFlowRun(server.api);
      const again = await connect();
      await again.subscribe({ resource: 'flow-run' }, lastSeen);
      const caughtUp = again.messages.slice(
        0,
        again.messages.findIndex((m) => m.subscribed),
      );
      expect(caughtUp.map((m) => [m.payload!.id, m.payload!.stateType])).to.deep.include.members([
        [run.id, 'COMPLETED'],
        [second.id, 'PENDING'],
      ]);

      await setState(server.api, 'flow-runs', second.id, 'RUNNING');
      await again.next(about(second.id, 'RUNNING'));
    });
  });

  describe('when a change reaches the server both by catch-up and by the change feed', () => {
    beforeEach(async () => {
      server = await startTestServer({ settings: { eventsPollIntervalMs: 60_000 } });
    });

    it('sends it once', async () => {
      // A writer with its own event bus and no notifier: this server learns of its changes only by polling.
      const writer = createServices(server.services.db);
      writer.events.onLocalChange(null);
      const since = new Date(Date.now() - 1000).toISOString();
      const { flow } = await writer.flows.create({ name: 'events-spec' });
      const { run } = await writer.flowRuns.create({ flowId: flow.id } as FlowRunCreateDto);

      const client = await connect();
      await client.subscribe({ resource: 'flow-run' }, since);
      const key = eventKey('flow-run.updated', run.id, String(run.updated));
      await server.feed.pollOnce();
      expect(server.services.events.wasDelivered(key)).to.equal(true);
      const marker = await createFlowRun(server.api);
      await client.next(about(marker.id));
      expect(client.events(about(run.id))).to.have.length(1);
    });
  });

  describe('when a message is malformed', () => {
    beforeEach(async () => {
      server = await startTestServer();
    });

    it('answers each with an error and keeps the socket open', async () => {
      const client = await connect();
      const malformed: Array<[unknown, string]> = [
        ['not json', 'message: is not valid JSON'],
        [{}, 'subscribe: is required'],
        [{ subscribe: { resource: 'runs' } }, 'subscribe.resource: must be one of'],
        [{ subscribe: { resource: 'log', flowRunId: 'nope' } }, 'subscribe.flowRunId: must be a UUID'],
        [{ subscribe: { resource: 'log' }, since: 'yesterday' }, 'since: must be an ISO-8601 timestamp'],
        [{ subscribe: { resource: 'log' }, filter: {} }, 'filter: is not a known field'],
      ];
      for (const [message, expected] of malformed) {
        const errors = client.messages.filter((m) => m.error).length;
        client.send(message);
        await client.waitFor(() => client.messages.filter((m) => m.error).length > errors, `an error for ${expected}`);
        const { error } = client.messages.filter((m) => m.error).pop()!;
        expect(error!.code).to.equal('VALIDATION_FAILED');
        expect(error!.message).to.contain(expected);
      }
      expect(client.isOpen).to.equal(true);
      await client.subscribe({ resource: 'log' });
      const run = await createFlowRun(server.api);
      await postLog(server.api, run.id, 'still listening');
      await client.next((m) => m.payload?.message === 'still listening');
    });
  });

  describe('when the server has an API key', () => {
    beforeEach(async () => {
      server = await startTestServer({ settings: { apiKey: 'spec-secret' } });
    });

    it('refuses the upgrade without the key or with a wrong one (401)', async () => {
      expect(await upgradeStatus(eventsUrl(server.url))).to.equal(401);
      expect(await upgradeStatus(eventsUrl(server.url), { authorization: 'Bearer wrong' })).to.equal(401);
      expect(await upgradeStatus(eventsUrl(server.url, '?token=spec-secrets'))).to.equal(401);
    });

    it('accepts the key as a Bearer header or as a token query parameter', async () => {
      const byHeader = await connect({ headers: { authorization: 'Bearer spec-secret' } });
      const byQuery = await connect({ query: '?token=spec-secret' });
      await byHeader.subscribe({ resource: 'flow-run' });
      await byQuery.subscribe({ resource: 'flow-run' });
      const flow = await server.api.request('POST', '/flows', { name: 'x' }, { authorization: 'Bearer spec-secret' });
      const run = await server.api.request(
        'POST',
        '/flow-runs',
        { flowId: flow.body.id },
        { authorization: 'Bearer spec-secret' },
      );
      expect(run.status).to.equal(201);
      await byHeader.next(about(run.body.id));
      await byQuery.next(about(run.body.id));
    });
  });

  describe('when the upgrade asks for another path', () => {
    beforeEach(async () => {
      server = await startTestServer();
    });

    it('answers 404 instead of leaving the socket open', async () => {
      expect(await upgradeStatus(`${server.url.replace(/^http/, 'ws')}/api/other`)).to.equal(404);
    });
  });
});
