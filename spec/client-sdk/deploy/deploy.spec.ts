import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { configure, deploy, HttpClient } from '@rigel/sdk';
import { SalesReports } from '../../../examples/typed-params';
import { sdkSettings } from '../../support/sdk';
import { WorkerFlows } from '../../support/worker-flows';
import { workerWorld, type WorkerWorld } from '../../support/worker';

type Deployment = Record<string, any> & { id: string };

describe('deploy()', function () {
  this.timeout(60_000);
  const flows = new WorkerFlows();
  let world: WorkerWorld;
  beforeEach(async () => {
    world = await workerWorld();
    await configure({ client: new HttpClient({ apiUrl: world.server.apiUrl }), settings: sdkSettings() });
  });
  afterEach(async () => {
    await configure();
    await world.cleanup();
  });

  const read = async (id: string): Promise<Deployment> => (await world.server.api.get(`/deployments/${id}`)).body;

  describe('when a @Flow() method is deployed', () => {
    it('records the entrypoint of its definition site, relative to the working folder', async () => {
      const deployment = await deploy(flows.quick, { name: 'from-code', workPool: 'specs' });
      const stored = await read(deployment.id);
      expect(stored.path).to.equal(process.cwd());
      const [file, qualifier] = String(stored.entrypoint).split(':');
      expect(qualifier).to.equal('WorkerFlows.quick');
      expect(file).to.match(/spec\/support\/worker-flows\.(ts|js)$/);
      expect(existsSync(resolve(stored.path, file!))).to.equal(true);
    });

    it('derives the parameter schema from the signature (defaults make parameters optional)', async () => {
      const quick = await read((await deploy(flows.quick, { name: 'quick', workPool: 'specs' })).id);
      expect(quick.parameterSchema).to.deep.equal({
        type: 'object',
        properties: { greeting: { type: 'string', title: 'greeting' }, times: { type: 'number', title: 'times' } },
        additionalProperties: false,
      });
      const sleepy = await read((await deploy(flows.sleepy, { name: 'sleepy', workPool: 'specs' })).id);
      expect(sleepy.parameterSchema).to.deep.include({ required: ['seconds'] });
    });

    it('describes DTO parameters with their class-validator constraints', async () => {
      const deployment = await read((await deploy(new SalesReports().report, { name: 'dto', workPool: 'specs' })).id);
      const request = deployment.parameterSchema.properties.request;
      expect(request.properties.format).to.deep.include({ enum: ['csv', 'json'] });
      expect(request.properties.topN).to.deep.include({ type: 'integer', minimum: 1, maximum: 100 });
      expect(request.required).to.include.members(['from', 'format', 'topN']);
    });

    it('creates the work pool when it does not exist, with the deployment in its default queue', async () => {
      const deployment = await read((await deploy(flows.quick, { name: 'new-pool', workPool: 'brand-new' })).id);
      expect((await world.server.api.get('/work-pools/brand-new')).status).to.equal(200);
      expect(deployment).to.include({ workPoolName: 'brand-new', workQueueName: 'default' });
    });

    it('turns cron, interval and rrule options into schedules', async () => {
      const deployment = await deploy(flows.quick, {
        name: 'scheduled',
        workPool: 'specs',
        cron: '0 3 * * *',
        interval: 600,
        rrule: 'FREQ=WEEKLY;BYDAY=MO',
        timezone: 'Europe/Berlin',
      });
      const stored = await read(deployment.id);
      expect(stored.schedules.map((s: Deployment) => s.schedule)).to.deep.equal([
        { cron: '0 3 * * *', timezone: 'Europe/Berlin' },
        { interval: 600, timezone: 'Europe/Berlin' },
        { rrule: 'FREQ=WEEKLY;BYDAY=MO', timezone: 'Europe/Berlin' },
      ]);
    });

    it('updates the deployment of the same flow and name instead of adding one', async () => {
      const first = await deploy(flows.quick, { name: 'twice', workPool: 'specs', parameters: { times: 1 } });
      const second = await deploy(flows.quick, { name: 'twice', workPool: 'specs', parameters: { times: 2 } });
      expect(second.id).to.equal(first.id);
      expect((await read(first.id)).parameters).to.deep.equal({ times: 2 });
    });

    it('refuses something that is not a flow', async () => {
      let error: unknown;
      await deploy(() => 1, { name: 'nope' }).catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(TypeError);
      expect((error as Error).message).to.contain('deploy()/serve() take a flow');
    });
  });

  describe('when a run of the deployment is requested', () => {
    it('answers 422 naming each bad field, and creates no run', async () => {
      const deployment = await deploy(flows.sleepy, { name: 'checked', workPool: 'specs' });
      const response = await world.server.api.post(`/deployments/${deployment.id}/create-flow-run`, {
        parameters: { seconds: 'soon', extra: true },
      });
      expect(response.status).to.equal(422);
      const fields = (response.body.error.details as { field: string }[]).map((d) => d.field);
      expect(fields).to.have.members(['parameters.seconds', 'parameters.extra']);
      expect((await world.server.api.post('/flow-runs/count', {})).body).to.equal(0);
    });

    it('runs in a worker process from the recorded entrypoint, to Completed', async () => {
      const deployment = await deploy(flows.quick, { name: 'end-to-end', workPool: 'specs' });
      const run = await world.createRun(deployment.id, { greeting: 'deployed', times: 2 });
      world.start();
      const done = await world.waitFor(
        run.id,
        (r) => ['COMPLETED', 'FAILED', 'CRASHED'].includes(String(r.stateType)),
        45_000,
      );
      expect(done.stateType, JSON.stringify(done.state)).to.equal('COMPLETED');
      expect(JSON.stringify(done.state!.data)).to.contain('deployed x2');
    });
  });
});
