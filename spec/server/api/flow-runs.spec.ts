import { expect } from 'chai';
import { expectError, expectNothingWritten, Fixtures, MISSING_ID } from '../../support/api';
import { startTestServer, type TestServer } from '../../support/server';

const NOW = '2030-01-01T00:00:00.000Z';
const IN_A_MINUTE = '2030-01-01T00:01:00.000Z';

describe('flow runs API', () => {
  let server: TestServer;
  let fx: Fixtures;
  let flowId: string;
  beforeEach(async () => {
    server = await startTestServer({ fakeClock: true });
    fx = new Fixtures(server.api);
    flowId = (await fx.flow()).id;
  });
  afterEach(() => server.stop());

  const withoutResult = ({ orchestrationResult: _, ...run }: Record<string, unknown>) => run;

  describe('POST /api/flow-runs', () => {
    it('creates a Pending run with a readable name and answers 201 with its orchestration result', async () => {
      const res = await server.api.post('/flow-runs', { flowId, parameters: { n: 1, s: 'ünï' }, tags: ['etl'] });
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ flowId, stateType: 'PENDING', stateName: 'Pending', runCount: 0 });
      expect(res.body).to.include({ created: NOW, expectedStartTime: NOW, startTime: null, endTime: null });
      expect(res.body.name).to.match(/^[a-z]+-[a-z]+$/);
      expect(res.body.parameters).to.deep.equal({ n: 1, s: 'ünï' });
      expect(res.body.tags).to.deep.equal(['etl']);
      expect(res.body.state).to.include({ type: 'PENDING', name: 'Pending', timestamp: NOW });
      expect(res.body.orchestrationResult).to.deep.include({ status: 'ACCEPT', details: { type: 'accept' } });
    });

    it('starts in a proposed Scheduled state with its scheduled time as the expected start', async () => {
      const state = { type: 'SCHEDULED', stateDetails: { scheduledTime: IN_A_MINUTE } };
      const res = await server.api.post('/flow-runs', { flowId, state, empiricalPolicy: { retries: 2 } });
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ stateType: 'SCHEDULED', expectedStartTime: IN_A_MINUTE });
      expect(res.body).to.include({ nextScheduledStartTime: IN_A_MINUTE });
      expect(res.body.empiricalPolicy).to.deep.equal({ retries: 2 });
    });

    describe('when a run with the same flow and idempotency key exists', () => {
      it('answers 200 with the existing run and writes nothing', async () => {
        const first = await fx.flowRun({ flowId, idempotencyKey: 'nightly 2030-01-01' });
        server.clock!.advance(5);
        const res = await expectNothingWritten(server.services.db, () =>
          server.api.post('/flow-runs', { flowId, idempotencyKey: 'nightly 2030-01-01', name: 'other' }),
        );
        expect(res.status).to.equal(200);
        expect(res.body).to.include({ id: first.id, name: first.name, stateId: first.stateId });
        expect(res.body).to.deep.equal((await server.api.get(`/flow-runs/${first.id}`)).body);
      });

      it('creates the run once when identical requests race', async () => {
        const body = { flowId, idempotencyKey: 'race' };
        const responses = await Promise.all(Array.from({ length: 8 }, () => server.api.post('/flow-runs', body)));
        expect(responses.filter((r) => r.status === 201)).to.have.length(1);
        expect(responses.filter((r) => r.status === 200)).to.have.length(7);
        expect(new Set(responses.map((r) => r.body.id)).size).to.equal(1);
        expect((await server.api.post('/flow-runs/count', {})).body).to.equal(1);
      });

      it('creates a new run for the same key on another flow', async () => {
        await fx.flowRun({ flowId, idempotencyKey: 'k' });
        const other = await fx.flow('other-flow');
        const res = await server.api.post('/flow-runs', { flowId: other.id, idempotencyKey: 'k' });
        expect(res.status).to.equal(201);
      });
    });

    it('answers 404 for a flow that does not exist and writes nothing', async () => {
      const res = await expectNothingWritten(server.services.db, () =>
        server.api.post('/flow-runs', { flowId: MISSING_ID }),
      );
      expectError(res, 404, 'OBJECT_NOT_FOUND');
    });

    describe('when the input is invalid', () => {
      const cases: [string, Record<string, unknown>, string][] = [
        ['a malformed flowId', { flowId: 'abc' }, 'flowId'],
        ['parameters that are an array', { parameters: [1] }, 'parameters'],
        ['a negative retry count', { empiricalPolicy: { retries: -1 } }, 'empiricalPolicy.retries'],
        ['an unknown state type', { state: { type: 'DONE' } }, 'state.type'],
        ['an unknown state detail', { state: { type: 'PENDING', stateDetails: { x: 1 } } }, 'state.stateDetails.x'],
        [
          'an impossible scheduled time',
          { state: { type: 'SCHEDULED', stateDetails: { scheduledTime: '2030-02-30T00:00:00Z' } } },
          'state.stateDetails.scheduledTime',
        ],
        ['an empty idempotency key', { idempotencyKey: '' }, 'idempotencyKey'],
        ['a malformed parentTaskRunId', { parentTaskRunId: 'x' }, 'parentTaskRunId'],
        ['an unknown field', { priority: 1 }, 'priority'],
        ['a state that is a list', { state: [{ type: 'RUNNING' }] }, 'state'],
        ['a policy that is a list', { empiricalPolicy: [{ retries: 1 }] }, 'empiricalPolicy'],
      ];
      for (const [what, body, field] of cases) {
        it(`refuses ${what} with 422 naming ${field} and writes nothing`, async () => {
          const res = await expectNothingWritten(server.services.db, () =>
            server.api.post('/flow-runs', { flowId, ...body }),
          );
          expectError(res, 422, 'VALIDATION_FAILED', field);
        });
      }
    });
  });

  describe('GET /api/flow-runs/:id', () => {
    it('answers the run with its current state', async () => {
      const run = await fx.flowRun({ flowId });
      const res = await server.api.get(`/flow-runs/${run.id}`);
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal(withoutResult(run));
    });

    it('answers 404 for a missing run and 422 for a malformed id', async () => {
      expectError(await server.api.get(`/flow-runs/${MISSING_ID}`), 404, 'OBJECT_NOT_FOUND');
      expectError(await server.api.get('/flow-runs/1234'), 422, 'VALIDATION_FAILED', 'id');
    });
  });

  describe('PATCH /api/flow-runs/:id', () => {
    it('updates name, tags and parameters and merges the policy', async () => {
      const run = await fx.flowRun({ flowId, empiricalPolicy: { retries: 1 } });
      server.clock!.advance(3);
      const res = await server.api.patch(`/flow-runs/${run.id}`, {
        name: 'renamed',
        tags: ['a', 'b'],
        parameters: { x: 2 },
        empiricalPolicy: { retryDelaySeconds: 5 },
      });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ name: 'renamed', updated: '2030-01-01T00:00:03.000Z', stateType: 'PENDING' });
      expect(res.body.tags).to.deep.equal(['a', 'b']);
      expect(res.body.parameters).to.deep.equal({ x: 2 });
      expect(res.body.empiricalPolicy).to.deep.equal({ retries: 1, retryDelaySeconds: 5 });
    });

    it('refuses a state change with 422 naming state and leaves the run unchanged', async () => {
      const run = withoutResult(await fx.flowRun({ flowId }));
      const res = await server.api.patch(`/flow-runs/${run.id}`, { name: 'x', state: { type: 'RUNNING' } });
      expectError(res, 422, 'VALIDATION_FAILED', 'state');
      expect((await server.api.get(`/flow-runs/${run.id}`)).body).to.deep.equal(run);
    });

    for (const field of ['name', 'tags', 'parameters', 'empiricalPolicy']) {
      it(`refuses null for ${field} with 422 naming it and leaves the run unchanged`, async () => {
        const run = withoutResult(await fx.flowRun({ flowId }));
        const res = await server.api.patch(`/flow-runs/${run.id}`, { [field]: null });
        expectError(res, 422, 'VALIDATION_FAILED', field);
        expect((await server.api.get(`/flow-runs/${run.id}`)).body).to.deep.equal(run);
      });
    }

    it('clears the process id with null', async () => {
      const run = await fx.flowRun({ flowId, infrastructurePid: '4242' });
      const res = await server.api.patch(`/flow-runs/${run.id}`, { infrastructurePid: null });
      expect(res.status).to.equal(200);
      expect(res.body.infrastructurePid).to.equal(null);
    });

    it('answers 404 for a missing run and 422 for a malformed id', async () => {
      expectError(await server.api.patch(`/flow-runs/${MISSING_ID}`, { name: 'x' }), 404, 'OBJECT_NOT_FOUND');
      expectError(await server.api.patch('/flow-runs/x', { name: 'x' }), 422, 'VALIDATION_FAILED', 'id');
    });
  });

  describe('DELETE /api/flow-runs/:id', () => {
    it('deletes the run with its task runs, states and logs', async () => {
      const run = await fx.runningFlowRun({ flowId });
      await fx.taskRun(run.id);
      const log = { name: 'l', level: 20, message: 'm', timestamp: NOW, flowRunId: run.id };
      expect((await server.api.post('/logs', [log])).status).to.equal(201);
      expect((await server.api.delete(`/flow-runs/${run.id}`)).status).to.equal(204);
      expectError(await server.api.get(`/flow-runs/${run.id}`), 404, 'OBJECT_NOT_FOUND');
      expect((await server.api.post('/task-runs/count', {})).body).to.equal(0);
      expect((await server.api.post('/logs/filter', {})).body).to.deep.equal([]);
      expect((await server.api.get(`/flows/${flowId}`)).status).to.equal(200);
    });

    it('answers 404 for a missing run and 422 for a malformed id', async () => {
      expectError(await server.api.delete(`/flow-runs/${MISSING_ID}`), 404, 'OBJECT_NOT_FOUND');
      expectError(await server.api.delete('/flow-runs/x'), 422, 'VALIDATION_FAILED', 'id');
    });
  });

  describe('POST /api/flow-runs/:id/set-state', () => {
    it('answers 201 with ACCEPT when the state is written', async () => {
      const run = await fx.flowRun({ flowId });
      const res = await server.api.post(`/flow-runs/${run.id}/set-state`, { state: { type: 'RUNNING' } });
      expect(res.status).to.equal(201);
      expect(res.body).to.deep.include({ status: 'ACCEPT', details: { type: 'accept' } });
      expect(res.body.state).to.include({ type: 'RUNNING', name: 'Running' });
      expect((await server.api.get(`/flow-runs/${run.id}`)).body).to.include({ stateType: 'RUNNING', runCount: 1 });
    });

    it('answers 200 with WAIT and writes no state before the scheduled time', async () => {
      const state = { type: 'SCHEDULED', stateDetails: { scheduledTime: IN_A_MINUTE } };
      const run = withoutResult(await fx.flowRun({ flowId, state }));
      const res = await server.api.post(`/flow-runs/${run.id}/set-state`, { state: { type: 'RUNNING' } });
      expect(res.status).to.equal(200);
      expect(res.body.status).to.equal('WAIT');
      expect(res.body.details).to.include({ type: 'wait', delaySeconds: 60 });
      expect(res.body.state.id).to.equal(run.stateId);
      expect((await server.api.get(`/flow-runs/${run.id}`)).body).to.deep.equal(run);
      expect((await server.api.get(`/flow-run-states?flowRunId=${run.id}`)).body).to.have.length(1);
    });

    it('answers 200 with ABORT for a second claim, and force writes it anyway', async () => {
      const run = await fx.runningFlowRun({ flowId });
      const res = await server.api.post(`/flow-runs/${run.id}/set-state`, { state: { type: 'PENDING' } });
      expect(res.status).to.equal(200);
      expect(res.body.status).to.equal('ABORT');
      const forced = await server.api.post(`/flow-runs/${run.id}/set-state`, {
        state: { type: 'PENDING' },
        force: true,
      });
      expect(forced.status).to.equal(201);
      expect(forced.body.state.type).to.equal('PENDING');
    });

    it('answers 200 with REJECT and the current state for a repeated transitionId', async () => {
      const run = await fx.flowRun({ flowId });
      const state = { type: 'RUNNING', stateDetails: { transitionId: 't-1' } };
      const first = await server.api.post(`/flow-runs/${run.id}/set-state`, { state });
      const again = await server.api.post(`/flow-runs/${run.id}/set-state`, { state });
      expect(again.status).to.equal(200);
      expect(again.body.status).to.equal('REJECT');
      expect(again.body.state.id).to.equal(first.body.state.id);
    });

    it('refuses a bad proposal with 422 naming the field and writes nothing', async () => {
      const run = await fx.flowRun({ flowId });
      for (const [body, field] of [
        [{}, 'state'],
        [{ state: [] }, 'state'],
        [{ state: { type: 'running' } }, 'state.type'],
        [{ state: { type: 'RUNNING', name: 'x'.repeat(65) } }, 'state.name'],
        [{ state: { type: 'RUNNING' }, force: 'yes' }, 'force'],
      ] as const) {
        const url = `/flow-runs/${run.id}/set-state`;
        const res = await expectNothingWritten(server.services.db, () => server.api.post(url, body));
        expectError(res, 422, 'VALIDATION_FAILED', field);
      }
    });

    it('answers 404 for a missing run and 422 for a malformed id', async () => {
      const body = { state: { type: 'RUNNING' } };
      expectError(await server.api.post(`/flow-runs/${MISSING_ID}/set-state`, body), 404, 'OBJECT_NOT_FOUND');
      expectError(await server.api.post('/flow-runs/x/set-state', body), 422, 'VALIDATION_FAILED', 'id');
    });
  });

  describe('POST /api/flow-runs/:id/heartbeat', () => {
    it('records the heartbeat time from the server clock and answers with the run state', async () => {
      const run = await fx.runningFlowRun({ flowId });
      server.clock!.advance(30);
      const beat = await server.api.post(`/flow-runs/${run.id}/heartbeat`);
      expect(beat.status).to.equal(200);
      expect(beat.body).to.deep.equal({ stateType: 'RUNNING', stateName: 'Running' });
      const read = await server.api.get(`/flow-runs/${run.id}`);
      expect(read.body.heartbeatTime).to.equal('2030-01-01T00:00:30.000Z');
    });

    it('answers 404 for a missing run and 422 for a malformed id', async () => {
      expectError(await server.api.post(`/flow-runs/${MISSING_ID}/heartbeat`), 404, 'OBJECT_NOT_FOUND');
      expectError(await server.api.post('/flow-runs/x/heartbeat'), 422, 'VALIDATION_FAILED', 'id');
    });
  });

  describe('GET /api/flow-runs/:id/decisions', () => {
    it('lists the recorded decisions oldest first with rule, outcome and reason', async () => {
      const run = await fx.flowRun({
        flowId,
        state: { type: 'SCHEDULED', stateDetails: { scheduledTime: IN_A_MINUTE } },
      });
      await server.api.post(`/flow-runs/${run.id}/set-state`, { state: { type: 'RUNNING' } });
      server.clock!.advance(60);
      await fx.setState('flow', run.id, { type: 'RUNNING' });
      await server.api.post(`/flow-runs/${run.id}/set-state`, { state: { type: 'PENDING' } });
      const res = await server.api.get(`/flow-runs/${run.id}/decisions`);
      expect(res.status).to.equal(200);
      expect(res.body.map((d: { rule: string; status: string }) => [d.rule, d.status])).to.deep.equal([
        ['WaitForScheduledTime', 'WAIT'],
        ['PreventPendingTransitions', 'ABORT'],
      ]);
      expect(res.body[0]).to.include({
        runId: run.id,
        fromType: 'SCHEDULED',
        proposedType: 'RUNNING',
        delaySeconds: 60,
      });
      expect(res.body[0]).to.include({ timestamp: NOW });
      expect(res.body[1].reason).to.be.a('string').that.includes('cannot be claimed again');
    });

    it('answers 404 for a missing run and 422 for a malformed id', async () => {
      expectError(await server.api.get(`/flow-runs/${MISSING_ID}/decisions`), 404, 'OBJECT_NOT_FOUND');
      expectError(await server.api.get('/flow-runs/x/decisions'), 422, 'VALIDATION_FAILED', 'id');
    });
  });
});
