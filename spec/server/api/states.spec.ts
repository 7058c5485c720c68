import { expect } from 'chai';
import { expectError, Fixtures, MISSING_ID } from '../../support/api';
import { startTestServer, type TestServer } from '../../support/server';

describe('states API', () => {
  let server: TestServer;
  let fx: Fixtures;
  beforeEach(async () => {
    server = await startTestServer({ fakeClock: true });
    fx = new Fixtures(server.api);
  });
  afterEach(() => server.stop());

  /** A run of `kind` moved Pending → Running → Completed, one second apart. */
  async function finishedRun(kind: 'flow' | 'task'): Promise<string> {
    const flowRun = await fx.flowRun();
    if (kind === 'flow') {
      server.clock!.advance(1);
      await fx.setState('flow', flowRun.id, { type: 'RUNNING' });
      server.clock!.advance(1);
      await fx.setState('flow', flowRun.id, { type: 'COMPLETED', message: 'done ✓' });
      return flowRun.id;
    }
    await fx.setState('flow', flowRun.id, { type: 'RUNNING' });
    const taskRun = await fx.taskRun(flowRun.id);
    server.clock!.advance(1);
    await fx.setState('task', taskRun.id, { type: 'RUNNING' });
    server.clock!.advance(1);
    await fx.setState('task', taskRun.id, { type: 'COMPLETED', message: 'done ✓' });
    return taskRun.id;
  }

  for (const kind of ['flow', 'task'] as const) {
    const base = `/${kind}-run-states`;
    const key = `${kind}RunId`;

    describe(`GET /api/${kind}-run-states?${key}=`, () => {
      it('answers the state history oldest first', async () => {
        const runId = await finishedRun(kind);
        const res = await server.api.get(`${base}?${key}=${runId}`);
        expect(res.status).to.equal(200);
        expect(res.body.map((s: { type: string }) => s.type)).to.deep.equal(['PENDING', 'RUNNING', 'COMPLETED']);
        const times = res.body.map((s: { timestamp: string }) => Date.parse(s.timestamp));
        expect(times).to.deep.equal([...times].sort((a, b) => a - b));
        expect(res.body[2]).to.include({ name: 'Completed', message: 'done ✓' });
        expect(res.body[2].stateDetails).to.include({ [key]: runId });
        expect(res.body[2]).to.have.all.keys('id', 'type', 'name', 'timestamp', 'message', 'stateDetails', 'data');
      });

      it(`answers 404 for a ${kind} run that does not exist`, async () => {
        expectError(await server.api.get(`${base}?${key}=${MISSING_ID}`), 404, 'OBJECT_NOT_FOUND');
      });

      it(`answers 422 naming ${key} when it is missing, malformed or repeated`, async () => {
        expectError(await server.api.get(base), 422, 'VALIDATION_FAILED', key);
        expectError(await server.api.get(`${base}?${key}=nope`), 422, 'VALIDATION_FAILED', key);
        const twice = `${base}?${key}=${MISSING_ID}&${key}=${MISSING_ID}`;
        expectError(await server.api.get(twice), 422, 'VALIDATION_FAILED', key);
      });

      it('answers 422 naming an unknown query parameter', async () => {
        const res = await server.api.get(`${base}?${key}=${MISSING_ID}&limit=5`);
        expectError(res, 422, 'VALIDATION_FAILED', 'limit');
      });
    });

    describe(`GET /api/${kind}-run-states/:id`, () => {
      it('answers one state with the id of its run', async () => {
        const runId = await finishedRun(kind);
        const history = (await server.api.get(`${base}?${key}=${runId}`)).body;
        const res = await server.api.get(`${base}/${history[1].id}`);
        expect(res.status).to.equal(200);
        expect(res.body).to.deep.equal({ ...history[1], runId });
      });

      it('answers 404 for a missing state and 422 for a malformed id', async () => {
        expectError(await server.api.get(`${base}/${MISSING_ID}`), 404, 'OBJECT_NOT_FOUND');
        expectError(await server.api.get(`${base}/latest`), 422, 'VALIDATION_FAILED', 'id');
      });
    });
  }
});
