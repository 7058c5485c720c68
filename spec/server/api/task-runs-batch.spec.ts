import { expect } from 'chai';
import { expectError } from '../../support/api';
import { startTestServer, type TestServer } from '../../support/server';

describe('task runs API: POST /api/task-runs/batch', () => {
  let server: TestServer;
  let flowRunId: string;
  beforeEach(async () => {
    server = await startTestServer({ fakeClock: true });
    const flow = (await server.api.post('/flows', { name: 'batch-flow' })).body;
    flowRunId = (await server.api.post('/flow-runs', { flowId: flow.id, state: { type: 'RUNNING' } })).body.id;
  });
  afterEach(() => server.stop());

  describe('when every operation is valid', () => {
    it('creates and starts task runs, then completes them, answering each operation in order', async () => {
      const creates = [0, 1, 2].map((i) => ({
        op: 'create',
        body: { flowRunId, taskKey: 'batch-task', dynamicKey: String(i), state: { type: 'RUNNING' } },
      }));
      const created = await server.api.post('/task-runs/batch', creates);
      expect(created.status).to.equal(200);
      expect(created.body.map((a: { status: number }) => a.status)).to.deep.equal([201, 201, 201]);
      expect(
        created.body.map(
          (a: { body: { orchestrationResult: { status: string } } }) => a.body.orchestrationResult.status,
        ),
      ).to.deep.equal(['ACCEPT', 'ACCEPT', 'ACCEPT']);
      const ids = created.body.map((a: { body: { id: string } }) => a.body.id) as string[];
      const completed = await server.api.post(
        '/task-runs/batch',
        ids.map((id) => ({ op: 'set-state', id, body: { state: { type: 'COMPLETED' } } })),
      );
      expect(completed.body.map((a: { status: number }) => a.status)).to.deep.equal([201, 201, 201]);
      for (const id of ids) expect((await server.api.get(`/task-runs/${id}`)).body.stateType).to.equal('COMPLETED');
    });

    it('re-creates idempotently: the same keys answer 200 with the existing run', async () => {
      const op = { op: 'create', body: { flowRunId, taskKey: 'batch-task', dynamicKey: 'x' } };
      const first = await server.api.post('/task-runs/batch', [op]);
      const second = await server.api.post('/task-runs/batch', [op]);
      expect(first.body[0].status).to.equal(201);
      expect(second.body[0].status).to.equal(200);
      expect(second.body[0].body.id).to.equal(first.body[0].body.id);
    });
  });

  describe('when some operations are bad', () => {
    it('answers each bad one with its own 4xx error and still performs the others', async () => {
      const answer = await server.api.post('/task-runs/batch', [
        { op: 'create', body: { flowRunId, taskKey: 'ok', dynamicKey: '1' } },
        { op: 'create', body: { flowRunId, taskKey: '', dynamicKey: '2' } },
        { op: 'set-state', body: { state: { type: 'RUNNING' } } },
        { op: 'set-state', id: '00000000-0000-4000-8000-000000000000', body: { state: { type: 'RUNNING' } } },
      ]);
      expect(answer.status).to.equal(200);
      expect(answer.body.map((a: { status: number }) => a.status)).to.deep.equal([201, 422, 422, 404]);
      expect(answer.body[1].body.error.details[0].field).to.equal('taskKey');
      expect(answer.body[2].body.error.details[0].field).to.equal('id');
      expect((await server.api.post('/task-runs/count', {})).body).to.equal(1);
    });

    it('refuses a malformed batch as a whole, naming the field', async () => {
      expectError(
        await server.api.post('/task-runs/batch', [{ op: 'drop', body: {} }]),
        422,
        'VALIDATION_FAILED',
        '[0].op',
      );
      expectError(await server.api.post('/task-runs/batch', { op: 'create' }), 422, 'VALIDATION_FAILED', 'body');
    });
  });
});
