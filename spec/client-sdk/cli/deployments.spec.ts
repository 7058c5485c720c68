import { expect } from 'chai';
import { describeInCliModes, type CliWorld } from '../../support/cli';

const FLOWS = 'dist/spec/support/worker-flows.js';

/** `rigel deploy` of one of the support flows to the pool `etl`. */
async function deployed(world: CliWorld, flow: string, name: string, ...extra: string[]) {
  const result = await world.rigel('deploy', FLOWS, '--flow', flow, '--name', name, '--pool', 'etl', ...extra);
  expect(result.code, result.stderr).to.equal(0);
  return result;
}

describeInCliModes('rigel deploy and rigel deployment', (world) => {
  describe('when a flow file is deployed, listed, paused, resumed and deleted', () => {
    it('shows the deployment at each step, and exits 0', async () => {
      const deployment = await world().json(
        'deploy',
        FLOWS,
        '--flow',
        'wf-quick',
        '--name',
        'nightly',
        '--pool',
        'etl',
        '--cron',
        '0 3 * * *',
        '--param',
        'times=2',
      );
      expect(deployment).to.include({
        name: 'nightly',
        entrypoint: `${FLOWS}:WorkerFlows.quick`,
        workPoolName: 'etl',
        paused: false,
      });
      expect(deployment.parameters).to.deep.equal({ times: 2 });
      expect(deployment.schedules.map((s: { schedule: unknown }) => s.schedule)).to.deep.equal([{ cron: '0 3 * * *' }]);

      expect((await world().rigel('deployment', 'ls')).stdout).to.match(
        /^wf-quick\/nightly\s+etl\s+cron 0 3 \* \* \*\s+active$/m,
      );
      const inspected = await world().json('deployment', 'inspect', 'wf-quick/nightly');
      expect(inspected).to.include({ id: deployment.id });
      expect(inspected.upcomingRuns).to.be.an('array');
      expect((await world().rigel('deployment', 'inspect', 'wf-quick/nightly')).stdout).to.contain(
        `entrypoint: ${FLOWS}:WorkerFlows.quick`,
      );

      expect((await world().rigel('deployment', 'pause', 'wf-quick/nightly')).stdout).to.contain('is paused');
      expect((await world().json('deployment', 'ls'))[0].paused).to.equal(true);
      expect((await world().rigel('deployment', 'resume', 'wf-quick/nightly')).stdout).to.contain('is active');
      expect((await world().json('deployment', 'ls'))[0].paused).to.equal(false);

      expect((await world().rigel('deployment', 'delete', 'wf-quick/nightly')).code).to.equal(0);
      expect(await world().json('deployment', 'ls')).to.deep.equal([]);
    });
  });

  describe('when a deployment run is started with --watch and a worker runs it', () => {
    it('follows it to Completed and exits 0; the run is then listed, inspected and its logs printed', async () => {
      await deployed(world(), 'wf-quick', 'on-demand');
      const worker = world().spawn('worker', 'start', '--pool', 'etl', '--poll-interval', '1');
      await worker.waitForLine(/polling pool "etl"/);
      const watched = await world().rigel('deployment', 'run', 'wf-quick/on-demand', '-p', 'times=3', '--watch');
      expect(watched.code, watched.stderr + worker.stdout()).to.equal(0);
      expect(watched.stdout).to.match(/waiting for a worker of pool etl/);
      expect(watched.stdout).to.match(/: Completed$/m);

      const [run] = await world().json('flow-run', 'ls');
      expect(run).to.include({ stateType: 'COMPLETED', deploymentId: run.deploymentId });
      expect(run.parameters).to.deep.equal({ times: 3 });
      const inspected = await world().json('flow-run', 'inspect', run.id);
      expect(inspected.states.map((s: { name: string }) => s.name)).to.deep.equal([
        'Scheduled',
        'Pending',
        'Running',
        'Completed',
      ]);
      expect((await world().rigel('flow-run', 'logs', run.id)).stdout).to.match(
        new RegExp(
          `^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\| INFO    \\| Beginning flow run '${run.name}' for flow 'wf-quick'$`,
          'm',
        ),
      );
      const logLines = (await world().rigel('flow-run', 'logs', run.id, '--json')).stdout.trim().split('\n');
      expect(logLines.map((line) => JSON.parse(line).flowRunId)).to.include(run.id);
      expect(await world().json('flow-run', 'ls', '--state', 'completed', '--flow', 'wf-quick')).to.have.length(1);
      expect(await world().json('flow-run', 'ls', '--state', 'FAILED')).to.deep.equal([]);
      const watchedAgain = await world().rigel('flow-run', 'watch', run.id);
      expect(watchedAgain.code).to.equal(0);

      expect(await world().stop(worker)).to.equal(0);
      expect(worker.stdout()).to.contain(`Flow run ${run.name} process ended (exit code 0)`);
    });
  });

  describe('when a deployment run is cancelled', () => {
    it('cancels a run no worker has claimed at once', async () => {
      await deployed(world(), 'wf-sleepy', 'slow');
      const run = await world().json('deployment', 'run', 'wf-sleepy/slow', '-p', 'seconds=30');
      const cancelled = await world().rigel('flow-run', 'cancel', run.id);
      expect([cancelled.code, cancelled.stdout.trim()]).to.deep.equal([0, `Flow run ${run.id} is Cancelled.`]);
    });

    it("stops a running run's process; watch then exits 1, and retry schedules it again", async () => {
      await deployed(world(), 'wf-sleepy', 'slow');
      const worker = world().spawn('worker', 'start', '--pool', 'etl', '--poll-interval', '1', '--cancel-grace', '2');
      const run = await world().json('deployment', 'run', 'wf-sleepy/slow', '-p', 'seconds=30');
      await worker.waitForLine(new RegExp(`\\[${run.name}\\] SLEEPY ${run.id}`), 30_000);
      const cancelled = await world().rigel('flow-run', 'cancel', run.id);
      expect([cancelled.code, cancelled.stdout.trim()]).to.deep.equal([0, `Flow run ${run.id} is Cancelling.`]);
      const watched = await world().rigel('flow-run', 'watch', run.id);
      expect(watched.code).to.equal(1);
      expect(watched.stdout).to.match(/: Cancelled/);

      expect(await world().stop(worker)).to.equal(0);
      const retried = await world().rigel('flow-run', 'retry', run.id);
      expect(retried.code, retried.stdout + retried.stderr).to.equal(0);
      expect((await world().json('flow-run', 'inspect', run.id)).stateName).to.equal('AwaitingRetry');
    });
  });

  describe('when the input is wrong', () => {
    it('exits 4 for a deployment that does not exist', async () => {
      const result = await world().rigel('deployment', 'run', 'nope/nothing');
      expect(result.code).to.equal(4);
      expect(result.stderr).to.contain('Deployment nope/nothing was not found');
    });

    it('exits 2 for a parameter the schema refuses, naming it, and creates no run', async () => {
      await deployed(world(), 'wf-sleepy', 'slow');
      const result = await world().rigel('deployment', 'run', 'wf-sleepy/slow', '-p', 'seconds=soon');
      expect(result.code).to.equal(2);
      expect(result.stderr).to.contain('parameters.seconds: must be number');
      const json = await world().rigel('deployment', 'run', 'wf-sleepy/slow', '--params', '{"seconds": ');
      expect(json.code).to.equal(2);
      expect(json.stderr).to.contain('--params is not valid JSON');
      expect(await world().json('flow-run', 'ls')).to.deep.equal([]);
    });

    it('exits 2 for a file that does not exist or a flow it does not have', async () => {
      const missing = await world().rigel('deploy', 'no-such-file.js', '--name', 'x');
      expect([missing.code, missing.stderr.trim()]).to.deep.equal([2, 'error: No such file: no-such-file.js']);
      const unknown = await world().rigel('deploy', FLOWS, '--name', 'x', '--flow', 'wf-nothing');
      expect(unknown.code).to.equal(2);
      expect(unknown.stderr).to.contain('No flow "wf-nothing"');
    });
  });
});
