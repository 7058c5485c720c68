import { expect } from 'chai';
import { join } from 'node:path';
import { configure, HttpClient, serve } from '@rigel/sdk';
import { sdkChildEnv, spawnNode, type Child } from '../../support/child-process';
import { sdkSettings } from '../../support/sdk';
import { WorkerFlows } from '../../support/worker-flows';
import { tempDir, workerWorld, type WorkerWorld } from '../../support/worker';

const SCRIPT = join(__dirname, '..', '..', 'support', 'serve-flows.js');

describe('serve()', function () {
  this.timeout(60_000);
  let world: WorkerWorld;
  let serving: Child;
  beforeEach(async () => {
    world = await workerWorld('serve-spec');
    serving = spawnNode([SCRIPT], { ...sdkChildEnv(world.server.apiUrl), RIGEL_HEARTBEAT_INTERVAL_SECONDS: '1' });
    await serving.waitForLine(/polling pool "serve-spec"/);
  });
  afterEach(async () => {
    if (serving.process.exitCode === null && serving.process.signalCode === null) serving.process.kill('SIGKILL');
    await serving.exited;
    await world.cleanup();
  });

  async function servedRun(flow: string, parameters: Record<string, unknown>) {
    const deployment = (await world.server.api.get(`/deployments/name/${flow}/served`)).body as { id: string };
    return world.createRun(deployment.id, parameters);
  }

  describe('when flows are served', () => {
    it('deploys each of them to its pool', async () => {
      for (const flow of ['wf-quick', 'wf-sleepy']) {
        const response = await world.server.api.get(`/deployments/name/${flow}/served`);
        expect(response.status, flow).to.equal(200);
        expect(response.body).to.include({ workPoolName: 'serve-spec' });
      }
    });

    it("runs a deployment's runs in the serving process itself, to Completed", async () => {
      const run = await servedRun('wf-quick', { greeting: 'served' });
      const done = await world.waitFor(run.id, (r) => r.stateType === 'COMPLETED');
      expect(JSON.stringify(done.state!.data)).to.contain('served x1');
      const [, pid] = await serving.waitForLine(new RegExp(`^QUICK ${run.id} (\\d+)$`));
      expect(Number(pid)).to.equal(serving.process.pid);
    });

    it('cancels a served run that is running (the engine sees it at a heartbeat), and keeps serving', async () => {
      const run = await servedRun('wf-sleepy', { seconds: 30 });
      await serving.waitForLine(new RegExp(`^SLEEPY ${run.id}`));
      await world.setState(run.id, { type: 'CANCELLING' });
      const done = await world.waitFor(run.id, (r) => r.stateType === 'CANCELLED', 10_000);
      expect(done.stateName).to.equal('Cancelled');
      const next = await servedRun('wf-quick', {});
      expect((await world.waitFor(next.id, (r) => r.stateType === 'COMPLETED')).stateType).to.equal('COMPLETED');
    });
  });

  describe('when the serving process gets SIGTERM', () => {
    it('stops serving and exits 0', async () => {
      serving.process.kill('SIGTERM');
      expect(await serving.exited).to.equal(0);
      expect(serving.stdout()).to.contain('SERVE STOPPED');
    });

    it('stops serving and exits 0 after it has run flows (no run is in flight)', async () => {
      const run = await servedRun('wf-quick', {});
      await world.waitFor(run.id, (r) => r.stateType === 'COMPLETED');
      serving.process.kill('SIGTERM');
      expect(await serving.exited, serving.stderr() + serving.stdout()).to.equal(0);
      expect(serving.stdout()).to.contain('SERVE STOPPED');
      expect((await world.run(run.id)).stateType).to.equal('COMPLETED');
    });

    it('crashes a run still in flight, naming the signal', async () => {
      const run = await servedRun('wf-sleepy', { seconds: 30 });
      await serving.waitForLine(new RegExp(`^SLEEPY ${run.id}`));
      serving.process.kill('SIGTERM');
      expect(await serving.exited).to.equal(143);
      expect((await world.run(run.id)).state).to.include({
        type: 'CRASHED',
        message: 'The process was interrupted by SIGTERM',
      });
    });
  });

  describe('when the SDK was pointed at a server with configure() (not the environment)', () => {
    it('claims the runs from that server', async () => {
      serving.process.kill('SIGKILL');
      await serving.exited;
      // The environment names another (empty) database: serving from it would never see the runs.
      const env = { ...sdkChildEnv(), RIGEL_DATABASE_URL: `sqlite://${join(tempDir('rigel-serve-'), 'other.db')}` };
      serving = spawnNode([SCRIPT, world.server.apiUrl], env);
      await serving.waitForLine(/polling pool "serve-spec"/);
      const run = await servedRun('wf-quick', {});
      expect((await world.waitFor(run.id, (r) => r.stateType === 'COMPLETED')).stateType).to.equal('COMPLETED');
      serving.process.kill('SIGTERM');
      expect(await serving.exited).to.equal(0);
    });
  });

  describe('when it is stopped through its signal option', () => {
    it('resolves once the run in flight has finished', async () => {
      serving.process.kill('SIGKILL');
      await serving.exited;
      await configure({ client: new HttpClient({ apiUrl: world.server.apiUrl }), settings: sdkSettings() });
      try {
        const controller = new AbortController();
        const flows = new WorkerFlows();
        const served = serve([[flows.sleepy, { name: 'in-process' }]], {
          workPool: 'serve-spec',
          pollIntervalSeconds: 0.2,
          signal: controller.signal,
        });
        const deployment = await eventuallyDeployed('wf-sleepy', 'in-process');
        const run = await world.createRun(deployment, { seconds: 1 });
        await world.waitFor(run.id, (r) => r.stateType === 'RUNNING');
        controller.abort();
        await served;
        expect((await world.run(run.id)).stateType).to.equal('COMPLETED');
      } finally {
        await configure();
      }
    });
  });

  async function eventuallyDeployed(flow: string, name: string): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const response = await world.server.api.get(`/deployments/name/${flow}/${name}`);
      if (response.status === 200) return (response.body as { id: string }).id;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${flow}/${name} was not deployed`);
  }
});
