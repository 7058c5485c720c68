import { expect } from 'chai';
import { FakeClock } from '@rigel/server/orchestration/clock';
import { expectError, expectNothingWritten, MISSING_ID } from '../../support/api';
import { startTestServer, type TestServer } from '../../support/server';

/** POST /api/deployments/:id/create-flow-run (deployments.routes.ts). */
describe('deployments API: create-flow-run', () => {
  let server: TestServer;
  let deployment: Record<string, any>;
  let pool: Record<string, any>;
  const schema = {
    type: 'object',
    properties: {
      region: { type: 'string' },
      size: { type: 'integer', minimum: 1 },
      options: { type: 'object', properties: { dryRun: { type: 'boolean' } } },
    },
    required: ['region', 'size'],
    additionalProperties: false,
  };
  beforeEach(async () => {
    server = await startTestServer({ fakeClock: new FakeClock('2030-01-01T00:00:00.000Z') });
    const flowId = (await server.api.post('/flows', { name: 'etl' })).body.id;
    pool = (await server.api.post('/work-pools', { name: 'local' })).body;
    deployment = (
      await server.api.post('/deployments', {
        name: 'nightly',
        flowId,
        entrypoint: 'flows/etl.ts:Etl.run',
        parameters: { region: 'eu' },
        parameterSchema: schema,
        tags: ['etl'],
        jobVariables: { env: { A: '1' } },
        workPoolName: 'local',
        version: '7',
      })
    ).body;
  });
  afterEach(() => server.stop());

  const createRun = (body: Record<string, unknown>, id = deployment.id) =>
    server.api.post(`/deployments/${id}/create-flow-run`, body);
  const runCount = async () => (await server.api.post('/flow-runs/count', {})).body;

  describe('when the parameters are valid', () => {
    it('creates a run SCHEDULED for now in the deployment’s queue, with the defaults merged in', async () => {
      const response = await createRun({ parameters: { size: 3 }, tags: ['manual'], jobVariables: { cpu: 2 } });
      expect(response.status).to.equal(201);
      const run = response.body;
      expect(run).to.include({
        deploymentId: deployment.id,
        flowId: deployment.flowId,
        workPoolName: 'local',
        workQueueName: 'default',
        workQueueId: pool.defaultQueueId,
        deploymentVersion: '7',
        autoScheduled: false,
        stateType: 'SCHEDULED',
        expectedStartTime: '2030-01-01T00:00:00.000Z',
        nextScheduledStartTime: '2030-01-01T00:00:00.000Z',
      });
      expect(run.parameters).to.deep.equal({ region: 'eu', size: 3 });
      expect(run.tags).to.have.members(['etl', 'manual']);
      expect(run.jobVariables).to.deep.equal({ env: { A: '1' }, cpu: 2 });
      expect(run.state).to.deep.include({ type: 'SCHEDULED', name: 'Scheduled' });
      expect(run.state.stateDetails.scheduledTime).to.equal('2030-01-01T00:00:00.000Z');
      expect(run.orchestrationResult.status).to.equal('ACCEPT');
    });

    it('puts the run in another queue of the pool when one is named, 404 for an unknown queue', async () => {
      const fast = (await server.api.post('/work-pools/local/queues', { name: 'fast', priority: 2 })).body;
      const response = await createRun({ parameters: { size: 1 }, workQueueName: 'fast' });
      expect(response.body).to.include({ workQueueId: fast.id, workQueueName: 'fast' });
      expect((await createRun({ parameters: { size: 1 }, workQueueName: 'slow' })).status).to.equal(404);
    });

    it('returns the existing run with 200 for a repeated idempotency key', async () => {
      const first = await createRun({ parameters: { size: 1 }, idempotencyKey: 'once' });
      const again = await createRun({ parameters: { size: 1 }, idempotencyKey: 'once' });
      expect([first.status, again.status]).to.deep.equal([201, 200]);
      expect(again.body.id).to.equal(first.body.id);
      expect(await runCount()).to.equal(1);
    });
  });

  describe('when the parameters do not match the schema', () => {
    it('answers 422 naming each bad parameter, and creates nothing', async () => {
      const response = await expectNothingWritten(server.services.db, () =>
        createRun({ parameters: { size: 0, colour: 'red', options: { dryRun: 'yes' } } }),
      );
      const details = expectError(response, 422, 'VALIDATION_FAILED', 'parameters.size');
      expect(details.map((d) => d.field)).to.have.members([
        'parameters.size',
        'parameters.colour',
        'parameters.options.dryRun',
      ]);
      expect(details.find((d) => d.field === 'parameters.colour')!.message).to.equal('is not a parameter of this flow');
    });

    it('names a missing required parameter that no default supplies', async () => {
      const response = await createRun({});
      expect(response.status).to.equal(422);
      expect(response.body.error.details).to.deep.equal([{ field: 'parameters.size', message: 'is required' }]);
    });

    it('checks against the new schema right after the schema changed', async () => {
      const changed = { ...schema, properties: { ...schema.properties, size: { type: 'integer', maximum: 2 } } };
      expect((await createRun({ parameters: { size: 3 } })).status).to.equal(201);
      // The clock has not moved: the deployment's `updated` is the same as before the change.
      await server.api.patch(`/deployments/${deployment.id}`, { parameterSchema: changed });
      expect((await createRun({ parameters: { size: 3 } })).status).to.equal(422);
      expect((await createRun({ parameters: { size: 1 } })).status).to.equal(201);
    });

    it('accepts them when the deployment does not enforce its schema', async () => {
      await server.api.patch(`/deployments/${deployment.id}`, { enforceParameterSchema: false });
      expect((await createRun({ parameters: { size: 'big' } })).status).to.equal(201);
    });
  });

  describe('when the deployment does not exist', () => {
    it('answers 404', async () => {
      expect((await createRun({}, MISSING_ID)).status).to.equal(404);
    });
  });
});
