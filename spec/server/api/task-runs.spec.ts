import { expect } from 'chai';
import { expectError, expectNothingWritten, Fixtures, MISSING_ID } from '../../support/api';
import { startTestServer, type TestServer } from '../../support/server';

const NOW = '2030-01-01T00:00:00.000Z';

describe('task runs API', () => {
  let server: TestServer;
  let fx: Fixtures;
  let flowRun: { id: string };
  beforeEach(async () => {
    server = await startTestServer({ fakeClock: true });
    fx = new Fixtures(server.api);
    flowRun = await fx.runningFlowRun();
  });
  afterEach(() => server.stop());

  const create = (body: Record<string, unknown> = {}) =>
    server.api.post('/task-runs', { flowRunId: flowRun.id, taskKey: 'add', dynamicKey: '0', ...body });

  describe('POST /api/task-runs', () => {
    it('creates a Pending task run named after its keys and answers 201', async () => {
      const res = await create({
        tags: ['math'],
        taskInputs: { x: [] },
        empiricalPolicy: { retryDelaySeconds: [1, 2] },
      });
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ flowRunId: flowRun.id, name: 'add-0', taskKey: 'add', dynamicKey: '0' });
      expect(res.body).to.include({ stateType: 'PENDING', created: NOW, runCount: 0 });
      expect(res.body.tags).to.deep.equal(['math']);
      expect(res.body.taskInputs).to.deep.equal({ x: [] });
      expect(res.body.empiricalPolicy).to.deep.equal({ retryDelaySeconds: [1, 2] });
      expect(res.body.orchestrationResult.status).to.equal('ACCEPT');
    });

    it('creates and starts the task run in one call when RUNNING is proposed', async () => {
      const res = await create({ state: { type: 'RUNNING' } });
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ stateType: 'RUNNING', stateName: 'Running', startTime: NOW, runCount: 1 });
      expect(res.body.orchestrationResult).to.deep.include({ status: 'ACCEPT', details: { type: 'accept' } });
      expect(res.body.orchestrationResult.state.id).to.equal(res.body.stateId);
    });

    it('still creates a Pending task run when the proposed RUNNING is aborted', async () => {
      const pending = await fx.flowRun();
      const res = await server.api.post('/task-runs', {
        flowRunId: pending.id,
        taskKey: 'add',
        dynamicKey: '0',
        state: { type: 'RUNNING' },
      });
      expect(res.status).to.equal(201);
      expect(res.body.orchestrationResult.status).to.equal('ABORT');
      expect(res.body.stateType).to.equal('PENDING');
    });

    it('creates a task run outside any flow run', async () => {
      const res = await server.api.post('/task-runs', { taskKey: 'solo', dynamicKey: 'a' });
      expect(res.status).to.equal(201);
      expect(res.body.flowRunId).to.equal(null);
    });

    describe('when the task run exists for the flow run, task key and dynamic key', () => {
      it('answers 200 with the existing task run and writes nothing, even with a new proposal', async () => {
        const first = await create();
        const res = await expectNothingWritten(server.services.db, () =>
          create({ name: 'other', state: { type: 'RUNNING' } }),
        );
        expect(res.status).to.equal(200);
        expect(res.body).to.deep.equal((await server.api.get(`/task-runs/${first.body.id}`)).body);
        expect(res.body).to.include({ id: first.body.id, stateType: 'PENDING' });
        expect(res.body).not.to.have.property('orchestrationResult');
      });

      it('creates and starts the task run once when identical requests race', async () => {
        const responses = await Promise.all(Array.from({ length: 8 }, () => create({ state: { type: 'RUNNING' } })));
        expect(responses.filter((r) => r.status === 201)).to.have.length(1);
        expect(responses.filter((r) => r.status === 200)).to.have.length(7);
        expect(new Set(responses.map((r) => r.body.id)).size).to.equal(1);
        const states = await server.api.get(`/task-run-states?taskRunId=${responses[0]!.body.id}`);
        expect(states.body.map((s: { type: string }) => s.type)).to.deep.equal(['RUNNING']);
      });

      it('creates another task run for another dynamic key', async () => {
        await create();
        expect((await create({ dynamicKey: '1' })).status).to.equal(201);
      });
    });

    it('answers 404 for a flow run that does not exist and writes nothing', async () => {
      const res = await expectNothingWritten(server.services.db, () => create({ flowRunId: MISSING_ID }));
      expectError(res, 404, 'OBJECT_NOT_FOUND');
    });

    describe('when the input is invalid', () => {
      for (const [what, body, field] of [
        ['a missing task key', { taskKey: undefined }, 'taskKey'],
        ['a numeric dynamic key', { dynamicKey: 0 }, 'dynamicKey'],
        ['a malformed flowRunId', { flowRunId: 'run-1' }, 'flowRunId'],
        [
          '51 retry delays',
          { empiricalPolicy: { retryDelaySeconds: new Array(51).fill(1) } },
          'empiricalPolicy.retryDelaySeconds',
        ],
        ['a negative retry delay', { empiricalPolicy: { retryDelaySeconds: -1 } }, 'empiricalPolicy.retryDelaySeconds'],
        [
          'a jitter factor that is a string',
          { empiricalPolicy: { retryJitterFactor: '0.1' } },
          'empiricalPolicy.retryJitterFactor',
        ],
        ['a malformed cache expiration', { cacheExpiration: 'tomorrow' }, 'cacheExpiration'],
        ['task inputs that are a list', { taskInputs: [] }, 'taskInputs'],
        ['an unknown state type', { state: { type: 'STARTED' } }, 'state.type'],
        ['an unknown field', { retries: 3 }, 'retries'],
        ['a state that is a list', { state: [] }, 'state'],
      ] as const) {
        it(`refuses ${what} with 422 naming ${field} and writes nothing`, async () => {
          const res = await expectNothingWritten(server.services.db, () => create(body));
          expectError(res, 422, 'VALIDATION_FAILED', field);
        });
      }
    });
  });

  describe('GET /api/task-runs/:id', () => {
    it('answers the task run with its state', async () => {
      const created = (await create()).body;
      const res = await server.api.get(`/task-runs/${created.id}`);
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ id: created.id, stateId: created.stateId });
      expect(res.body.state).to.deep.equal(created.state);
    });

    it('answers 404 for a missing task run and 422 for a malformed id', async () => {
      expectError(await server.api.get(`/task-runs/${MISSING_ID}`), 404, 'OBJECT_NOT_FOUND');
      expectError(await server.api.get('/task-runs/12'), 422, 'VALIDATION_FAILED', 'id');
    });
  });

  describe('DELETE /api/task-runs/:id', () => {
    it('deletes the task run and its states, not its flow run', async () => {
      const created = (await create()).body;
      expect((await server.api.delete(`/task-runs/${created.id}`)).status).to.equal(204);
      expectError(await server.api.get(`/task-runs/${created.id}`), 404, 'OBJECT_NOT_FOUND');
      expectError(await server.api.get(`/task-run-states/${created.stateId}`), 404, 'OBJECT_NOT_FOUND');
      expect((await server.api.get(`/flow-runs/${flowRun.id}`)).status).to.equal(200);
    });

    it('answers 404 for a missing task run and 422 for a malformed id', async () => {
      expectError(await server.api.delete(`/task-runs/${MISSING_ID}`), 404, 'OBJECT_NOT_FOUND');
      expectError(await server.api.delete('/task-runs/12'), 422, 'VALIDATION_FAILED', 'id');
    });
  });

  describe('POST /api/task-runs/:id/set-state', () => {
    it('answers 201 when the state is written', async () => {
      const created = (await create({ state: { type: 'RUNNING' } })).body;
      server.clock!.advance(2);
      const res = await server.api.post(`/task-runs/${created.id}/set-state`, {
        state: { type: 'COMPLETED', data: { ref: 'r1' } },
      });
      expect(res.status).to.equal(201);
      expect(res.body.state).to.deep.include({ type: 'COMPLETED', data: { ref: 'r1' } });
      expect((await server.api.get(`/task-runs/${created.id}`)).body).to.include({
        endTime: '2030-01-01T00:00:02.000Z',
        totalRunTime: 2,
      });
    });

    it('answers 200 with WAIT when the tag has no free slot, and 200 with ABORT for a zero limit', async () => {
      expect((await server.api.post('/concurrency-limits', { tag: 'db', concurrencyLimit: 1 })).status).to.equal(201);
      expect((await server.api.post('/concurrency-limits', { tag: 'off', concurrencyLimit: 0 })).status).to.equal(201);
      await create({ dynamicKey: 'holder', tags: ['db'], state: { type: 'RUNNING' } });
      const waiting = (await create({ dynamicKey: 'waiter', tags: ['db'] })).body;
      const res = await server.api.post(`/task-runs/${waiting.id}/set-state`, { state: { type: 'RUNNING' } });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.include({ status: 'WAIT' });
      expect(res.body.state.id).to.equal(waiting.stateId);
      const off = (await create({ dynamicKey: 'off', tags: ['off'] })).body;
      const aborted = await server.api.post(`/task-runs/${off.id}/set-state`, { state: { type: 'RUNNING' } });
      expect(aborted.status).to.equal(200);
      expect(aborted.body.status).to.equal('ABORT');
    });

    it('refuses a bad proposal with 422 naming the field and writes nothing', async () => {
      const created = (await create()).body;
      const url = `/task-runs/${created.id}/set-state`;
      const bad = { state: { type: 'RUNNING', stateDetails: { cacheExpiration: 'soon' } } };
      const res = await expectNothingWritten(server.services.db, () => server.api.post(url, bad));
      expectError(res, 422, 'VALIDATION_FAILED', 'state.stateDetails.cacheExpiration');
    });

    it('answers 404 for a missing task run and 422 for a malformed id', async () => {
      const body = { state: { type: 'RUNNING' } };
      expectError(await server.api.post(`/task-runs/${MISSING_ID}/set-state`, body), 404, 'OBJECT_NOT_FOUND');
      expectError(await server.api.post('/task-runs/x/set-state', body), 422, 'VALIDATION_FAILED', 'id');
    });
  });

  describe('GET /api/task-runs/:id/decisions', () => {
    it('lists the decisions with rule, outcome and reason', async () => {
      await server.api.post('/concurrency-limits', { tag: 'off', concurrencyLimit: 0 });
      const created = (await create({ tags: ['off'] })).body;
      await server.api.post(`/task-runs/${created.id}/set-state`, { state: { type: 'RUNNING' } });
      const res = await server.api.get(`/task-runs/${created.id}/decisions`);
      expect(res.status).to.equal(200);
      expect(res.body).to.have.length(1);
      expect(res.body[0]).to.include({ rule: 'SecureTaskConcurrencySlots', status: 'ABORT', runId: created.id });
      expect(res.body[0]).to.include({ fromType: 'PENDING', proposedType: 'RUNNING', timestamp: NOW });
      expect(res.body[0].reason).to.be.a('string').that.is.not.empty;
    });

    it('answers 404 for a missing task run and 422 for a malformed id', async () => {
      expectError(await server.api.get(`/task-runs/${MISSING_ID}/decisions`), 404, 'OBJECT_NOT_FOUND');
      expectError(await server.api.get('/task-runs/x/decisions'), 422, 'VALIDATION_FAILED', 'id');
    });
  });
});
