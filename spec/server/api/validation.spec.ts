import { expect } from 'chai';
import { startTestServer, type TestServer } from '../../support/server';

describe('request validation', () => {
  let server: TestServer;
  let flowId: string;
  before(async () => {
    server = await startTestServer();
    flowId = (await server.api.post('/flows', { name: 'validation-spec' })).body.id;
  });
  after(async () => {
    await server.stop();
  });

  describe('when a nested object is given as an array', () => {
    for (const kind of ['flow', 'task'] as const) {
      it(`answers 422 for the state of a ${kind}-run set-state, and leaves the run as it was`, async () => {
        const flowRun = (await server.api.post('/flow-runs', { flowId, state: { type: 'RUNNING' } })).body;
        const run =
          kind === 'flow'
            ? flowRun
            : (await server.api.post('/task-runs', { flowRunId: flowRun.id, taskKey: 't', dynamicKey: '0' })).body;
        const response = await server.api.post(`/${kind}-runs/${run.id}/set-state`, { state: [{ type: 'RUNNING' }] });
        expect(response.status).to.equal(422);
        expect(response.body.error.code).to.equal('VALIDATION_FAILED');
        expect(response.body.error.details.map((d: { field: string }) => d.field)).to.include('state');
        expect((await server.api.get(`/${kind}-runs/${run.id}`)).body.stateId).to.equal(run.stateId);
      });
    }

    it('answers 422 for a flow run policy', async () => {
      const response = await server.api.post('/flow-runs', { flowId, empiricalPolicy: [] });
      expect(response.status).to.equal(422);
      expect(response.body.error.details.map((d: { field: string }) => d.field)).to.include('empiricalPolicy');
    });

    it('answers 422 for a list filter', async () => {
      const response = await server.api.post('/flow-runs/filter', { flowRuns: [] });
      expect(response.status).to.equal(422);
      expect(response.body.error.details.map((d: { field: string }) => d.field)).to.include('flowRuns');
    });
  });
});
