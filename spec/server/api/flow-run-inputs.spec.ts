import { expect } from 'chai';
import { FakeClock } from '@rigel/server/orchestration/clock';
import { expectError, expectNothingWritten, MISSING_ID } from '../../support/api';
import { startTestServer, type TestServer } from '../../support/server';

/** POST /api/flow-runs/:id/resume, POST /api/flow-runs/:id/input, GET /api/flow-runs/:id/input/:key. */
describe('flow run input and resume API', () => {
  let server: TestServer;
  let clock: FakeClock;
  let flowId: string;
  beforeEach(async () => {
    clock = new FakeClock('2030-01-01T00:00:00.000Z');
    server = await startTestServer({ fakeClock: clock });
    flowId = (await server.api.post('/flows', { name: 'approvals' })).body.id;
  });
  afterEach(() => server.stop());

  const approval = {
    type: 'object',
    properties: { approved: { type: 'boolean' }, note: { type: 'string', maxLength: 10 } },
    required: ['approved'],
    additionalProperties: false,
  };
  const setState = (id: string, state: Record<string, unknown>) =>
    server.api.post(`/flow-runs/${id}/set-state`, { state });
  const resume = (id: string, body: Record<string, unknown> = {}) => server.api.post(`/flow-runs/${id}/resume`, body);
  const readRun = async (id: string) => (await server.api.get(`/flow-runs/${id}`)).body;

  /** A RUNNING flow run (of a deployment when `deploymentId` is given) paused with `stateDetails`. */
  async function pausedRun(stateDetails: Record<string, unknown> = {}, deploymentId?: string): Promise<string> {
    const id = (await server.api.post('/flow-runs', { flowId, deploymentId })).body.id;
    await setState(id, { type: 'RUNNING' });
    expect((await setState(id, { type: 'PAUSED', ...stateDetailsOf(stateDetails) })).status).to.equal(201);
    return id;
  }
  const stateDetailsOf = (d: Record<string, unknown>) => ({
    name: d.pauseReschedule ? 'Suspended' : 'Paused',
    stateDetails: d,
  });
  /** A run paused waiting for input of schema `approval`. */
  async function waitingForInput(schema: Record<string, unknown> = approval): Promise<string> {
    const id = await pausedRun({ runInputKeyset: { schema: 'approval-schema', response: 'approval' } });
    expect(
      (await server.api.post(`/flow-runs/${id}/input`, { key: 'approval-schema', value: schema })).status,
    ).to.equal(201);
    return id;
  }

  describe('keyed input values', () => {
    it('stores a value (201), reads it back, and refuses the same key twice (409)', async () => {
      const id = (await server.api.post('/flow-runs', { flowId })).body.id;
      const stored = await server.api.post(`/flow-runs/${id}/input`, { key: 'greeting', value: { text: 'hi' } });
      expect(stored.status).to.equal(201);
      expect(stored.body).to.deep.equal({ key: 'greeting', value: { text: 'hi' } });
      expect((await server.api.get(`/flow-runs/${id}/input/greeting`)).body.value).to.deep.equal({ text: 'hi' });
      expectError(await server.api.post(`/flow-runs/${id}/input`, { key: 'greeting', value: 1 }), 409, 'CONFLICT');
    });

    it('answers 404 for an unknown key or run, and 422 for a bad key', async () => {
      const id = (await server.api.post('/flow-runs', { flowId })).body.id;
      expectError(await server.api.get(`/flow-runs/${id}/input/nothing`), 404, 'OBJECT_NOT_FOUND');
      expectError(
        await server.api.post(`/flow-runs/${MISSING_ID}/input`, { key: 'k', value: 1 }),
        404,
        'OBJECT_NOT_FOUND',
      );
      expectError(
        await server.api.post(`/flow-runs/${id}/input`, { key: 'a b', value: 1 }),
        422,
        'VALIDATION_FAILED',
        'key',
      );
    });
  });

  describe('POST /flow-runs/:id/resume', () => {
    it('resumes a paused run (RUNNING) and answers 201 with the orchestration result', async () => {
      const id = await pausedRun();
      const response = await resume(id);
      expect(response.status).to.equal(201);
      expect(response.body.status).to.equal('ACCEPT');
      expect(response.body.state).to.include({ type: 'RUNNING' });
      expect((await readRun(id)).stateType).to.equal('RUNNING');
    });

    it('reschedules a suspended deployment run for now (SCHEDULED "Resuming"), for a worker to start', async () => {
      const deployment = await server.api.post('/deployments', { name: 'd', flowId, entrypoint: 'a.ts:A.run' });
      const id = await pausedRun({ pauseReschedule: true }, deployment.body.id);
      const response = await resume(id);
      expect(response.body.state).to.deep.include({ type: 'SCHEDULED', name: 'Resuming' });
      expect(response.body.state.stateDetails.scheduledTime).to.equal('2030-01-01T00:00:00.000Z');
    });

    it('answers 409 when the run is not paused, and 404 for an unknown run', async () => {
      const id = (await server.api.post('/flow-runs', { flowId })).body.id;
      expectError(await resume(id), 409, 'CONFLICT');
      expectError(await resume(MISSING_ID), 404, 'OBJECT_NOT_FOUND');
    });

    it('answers 422 when input is given to a run that does not wait for any', async () => {
      const id = await pausedRun();
      expectError(await resume(id, { runInput: { approved: true } }), 422, 'VALIDATION_FAILED', 'runInput');
    });

    it('writes the Failed state when the pause timed out (REJECT into Failed)', async () => {
      const id = await pausedRun({ pauseTimeout: '2030-01-01T00:01:00.000Z' });
      clock.advance(120);
      const response = await resume(id);
      expect([response.status, response.body.status]).to.deep.equal([201, 'REJECT']);
      expect(response.body.state).to.include({ type: 'FAILED', message: 'The flow run was paused and never resumed' });
      expect((await readRun(id)).stateType).to.equal('FAILED');
    });
  });

  describe('resuming a run that waits for typed input', () => {
    it('checks the input against the stored schema, stores it as the response and resumes', async () => {
      const id = await waitingForInput();
      const response = await resume(id, { runInput: { approved: true, note: 'ok' } });
      expect(response.status).to.equal(201);
      expect(response.body.state.type).to.equal('RUNNING');
      const answer = await server.api.get(`/flow-runs/${id}/input/approval`);
      expect(answer.body.value).to.deep.equal({ approved: true, note: 'ok' });
    });

    it('answers 422 naming each bad field of the input, storing nothing and staying paused', async () => {
      const id = await waitingForInput();
      const response = await expectNothingWritten(server.services.db, () =>
        resume(id, { runInput: { approved: 'yes', note: 'far too long', colour: 'red' } }),
      );
      const details = expectError(response, 422, 'VALIDATION_FAILED', 'runInput.approved');
      expect(details).to.deep.include.members([
        { field: 'runInput.approved', message: 'must be boolean' },
        { field: 'runInput.note', message: 'must NOT have more than 10 characters' },
        { field: 'runInput.colour', message: 'is not a field of the requested input' },
      ]);
      expect((await readRun(id)).stateType).to.equal('PAUSED');
    });

    it('answers 422 naming runInput when the input is missing, or a required field is', async () => {
      const id = await waitingForInput();
      expectError(await resume(id), 422, 'VALIDATION_FAILED', 'runInput');
      const details = expectError(await resume(id, { runInput: {} }), 422, 'VALIDATION_FAILED');
      expect(details).to.deep.equal([{ field: 'runInput.approved', message: 'is required' }]);
    });

    it('checks runs whose schemas share an $id, each against its own schema', async () => {
      const first = await waitingForInput({ ...approval, $id: 'https://rigel.dev/approval' });
      const second = await waitingForInput({ $id: 'https://rigel.dev/approval', type: 'string' });
      expect((await resume(first, { runInput: { approved: false } })).status).to.equal(201);
      expectError(await resume(second, { runInput: { approved: false } }), 422, 'VALIDATION_FAILED', 'runInput');
      expect((await resume(second, { runInput: 'fine' })).status).to.equal(201);
    });

    it('answers 422, not 500, when the stored schema is not a valid JSON schema', async () => {
      const id = await waitingForInput({ type: 'no-such-type' });
      const details = expectError(await resume(id, { runInput: {} }), 422, 'VALIDATION_FAILED', 'runInput');
      expect(details[0]!.message).to.match(/^cannot be checked: the stored input schema "approval-schema"/);
    });
  });
});
