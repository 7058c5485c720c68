import { expect } from 'chai';
import { hostname } from 'node:os';
import type { ApiRun } from '@rigel/server/services/serializers';
import { stateNames, workerWorld, type WorkerWorld } from '../../support/worker';

const FINAL = ['COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED'];
const finished = (run: ApiRun) => FINAL.includes(String(run.stateType));

describe('Worker', function () {
  this.timeout(60_000);
  let world: WorkerWorld;
  beforeEach(async () => {
    world = await workerWorld();
  });
  afterEach(async () => {
    await world.cleanup();
  });

  describe('when a deployment run is due', () => {
    it('claims it and runs it in a child process to Completed, with the parameters of the run', async () => {
      const deployment = await world.deployment('quick');
      const run = await world.createRun(deployment.id, { greeting: 'hi', times: 3 });
      world.start();
      const done = await world.waitFor(run.id, finished);
      expect(done.state).to.include({ type: 'COMPLETED' });
      expect(stateNames(await world.states(run.id))).to.deep.equal(['Scheduled', 'Pending', 'Running', 'Completed']);
      const [, , pid] = await world.waitForLine(new RegExp(`QUICK (${run.id}) (\\d+)`));
      expect(Number(pid)).to.not.equal(process.pid);
      expect(done.infrastructurePid).to.equal(`${hostname()}:${pid}`);
      expect(JSON.stringify(done.state!.data)).to.contain('hi x3');
    });

    it('streams the output of the flow process, prefixed with the run name', async () => {
      const deployment = await world.deployment('quick');
      const run = await world.createRun(deployment.id);
      world.start();
      await world.waitFor(run.id, finished);
      await world.waitForLine(new RegExp(`^\\[${run.name}\\] QUICK ${run.id}`));
      await world.waitForLine(new RegExp(`^Flow run ${run.name} process ended \\(exit code 0\\)`));
    });

    it('records its heartbeats on the work pool (the worker is ONLINE)', async () => {
      const worker = world.start({ name: 'spec-worker' });
      const deadline = Date.now() + 5000;
      let workers: { name: string; status: string }[] = [];
      while (Date.now() < deadline) {
        workers = (await world.server.api.get('/work-pools/specs/workers')).body;
        if (workers.length) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(workers).to.have.length(1);
      expect(workers[0]).to.include({ name: worker.name, status: 'ONLINE' });
    });
  });

  describe('when the deployed flow names its runs (flowRunName)', () => {
    it('renames the run by its parameters when it starts', async () => {
      const run = await world.createRun((await world.deployment('named')).id, { greeting: 'hi', times: 2 });
      expect(run.name).to.not.match(/^greet-/);
      world.start();
      const done = await world.waitFor(run.id, finished);
      expect(done.state).to.include({ type: 'COMPLETED' });
      expect(done.name).to.equal('greet-hi-x2');
    });
  });

  describe("when the deployed flow's attempt fails and the flow declares retries", () => {
    it("retries it by the flow's policy, to Completed", async () => {
      const run = await world.createRun((await world.deployment('flaky')).id);
      world.start();
      const done = await world.waitFor(run.id, finished);
      expect(stateNames(await world.states(run.id))).to.deep.equal([
        'Scheduled',
        'Pending',
        'Running',
        'AwaitingRetry',
        'Running',
        'Completed',
      ]);
      expect(done.empiricalPolicy).to.deep.include({ retries: 1, retryDelaySeconds: 0 });
    });
  });

  describe('when two workers poll the same pool', () => {
    it('claims every run exactly once and completes each once', async () => {
      const deployment = await world.deployment('quick');
      const runs: ApiRun[] = [];
      for (let i = 0; i < 8; i++) runs.push(await world.createRun(deployment.id, { times: i }));
      const a = world.worker({ name: 'worker-a' });
      const b = world.worker({ name: 'worker-b' });
      // Both fetch the same due runs and race to claim them.
      const started = await Promise.all([a.pollOnce(), b.pollOnce()]);
      expect(started[0] + started[1]).to.equal(runs.length);
      await Promise.all([a.stop(), b.stop()]);
      for (const run of runs) {
        const states = stateNames(await world.states(run.id));
        expect(states, run.id).to.deep.equal(['Scheduled', 'Pending', 'Running', 'Completed']);
        expect(
          world.lines.filter((line) => line.includes(`QUICK ${run.id}`)),
          run.id,
        ).to.have.length(1);
      }
    });

    it('records the losing claim as an ABORT from PreventPendingTransitions', async () => {
      const deployment = await world.deployment('quick');
      const run = await world.createRun(deployment.id);
      const a = world.worker({ name: 'worker-a' });
      expect(await a.pollOnce()).to.equal(1);
      const second = await world.setState(run.id, { type: 'PENDING', message: 'Claimed by worker b' });
      expect(second.status).to.equal('ABORT');
      await a.stop();
      expect((await world.run(run.id)).stateType).to.equal('COMPLETED');
      const decisions = (await world.server.api.get(`/flow-runs/${run.id}/decisions`)).body as Record<
        string,
        unknown
      >[];
      expect(decisions.filter((d) => d.status === 'ABORT').map((d) => d.rule)).to.deep.equal([
        'PreventPendingTransitions',
      ]);
    });
  });

  describe('when more runs are due than its limit', () => {
    it('never runs more than `limit` at once, and runs them all', async () => {
      const deployment = await world.deployment('sleepy');
      const runs: ApiRun[] = [];
      for (let i = 0; i < 5; i++) runs.push(await world.createRun(deployment.id, { seconds: 0.6 }));
      world.start({ limit: 2 });
      for (const run of runs) expect((await world.waitFor(run.id, finished, 30_000)).stateType).to.equal('COMPLETED');
      // From its claim (Pending) to its final state, a run holds one of the worker's slots.
      const spans = await Promise.all(
        runs.map(async (run) => {
          const states = await world.states(run.id);
          const claimed = states.find((s) => s.type === 'PENDING')!;
          return [Date.parse(claimed.timestamp), Date.parse(states[states.length - 1]!.timestamp)] as const;
        }),
      );
      const overlap = (t: number) => spans.filter(([from, to]) => from <= t && t < to).length;
      const most = Math.max(...spans.map(([from]) => overlap(from)));
      expect(most).to.equal(2);
    });
  });

  describe('when its pool or the run queue is paused', () => {
    it('gets no runs from a paused pool, and claims them once it is resumed', async () => {
      const deployment = await world.deployment('quick');
      const run = await world.createRun(deployment.id);
      await world.server.api.patch('/work-pools/specs', { paused: true });
      const worker = world.worker();
      expect(await worker.pollOnce()).to.equal(0);
      expect((await world.run(run.id)).stateType).to.equal('SCHEDULED');
      await world.server.api.patch('/work-pools/specs', { paused: false });
      expect(await worker.pollOnce()).to.equal(1);
      await worker.stop();
      expect((await world.run(run.id)).stateType).to.equal('COMPLETED');
    });

    it("skips a paused queue's runs and still claims the other queues' runs", async () => {
      await world.server.api.post('/work-pools', { name: 'specs' });
      await world.server.api.post('/work-pools/specs/queues', { name: 'slow', paused: true });
      const inSlow = await world.createRun((await world.deployment('quick', { workQueueName: 'slow' })).id);
      const inDefault = await world.createRun((await world.deployment('sleepy')).id, { seconds: 0 });
      const worker = world.worker();
      expect(await worker.pollOnce()).to.equal(1);
      await worker.stop();
      expect((await world.run(inDefault.id)).stateType).to.equal('COMPLETED');
      expect((await world.run(inSlow.id)).stateType).to.equal('SCHEDULED');
    });
  });

  describe('when its pool or a queue has a concurrency limit', () => {
    it('gets no more runs of the pool than its limit allows while they are active', async () => {
      await world.server.api.post('/work-pools', { name: 'specs', concurrencyLimit: 1 });
      const deployment = await world.deployment('sleepy');
      const runs = [
        await world.createRun(deployment.id, { seconds: 1 }),
        await world.createRun(deployment.id, { seconds: 0 }),
      ];
      const worker = world.worker();
      expect(await worker.pollOnce()).to.equal(1);
      expect(await worker.pollOnce()).to.equal(0);
      await worker.stop();
      const second = world.worker();
      expect(await second.pollOnce()).to.equal(1);
      await second.stop();
      for (const run of runs) expect((await world.run(run.id)).stateType).to.equal('COMPLETED');
    });

    it("caps each queue by its own limit and still fills the pool's other queues", async () => {
      await world.server.api.post('/work-pools', { name: 'specs' });
      await world.server.api.post('/work-pools/specs/queues', { name: 'narrow', priority: 1, concurrencyLimit: 1 });
      const narrow = await world.deployment('sleepy', { name: 'narrow', workQueueName: 'narrow' });
      const wide = await world.deployment('sleepy', { name: 'wide' });
      const inNarrow = [
        await world.createRun(narrow.id, { seconds: 0 }),
        await world.createRun(narrow.id, { seconds: 0 }),
      ];
      const inWide = [await world.createRun(wide.id, { seconds: 0 }), await world.createRun(wide.id, { seconds: 0 })];
      const worker = world.worker();
      expect(await worker.pollOnce()).to.equal(3);
      await worker.stop();
      const states = async (runs: ApiRun[]) => Promise.all(runs.map(async (r) => (await world.run(r.id)).stateType));
      expect(await states(inWide)).to.deep.equal(['COMPLETED', 'COMPLETED']);
      expect((await states(inNarrow)).sort()).to.deep.equal(['COMPLETED', 'SCHEDULED']);
    });
  });

  describe('when it is stopped', () => {
    it('stops claiming and waits for the runs it started to finish', async () => {
      const deployment = await world.deployment('sleepy');
      const first = await world.createRun(deployment.id, { seconds: 1 });
      const worker = world.start();
      await world.waitForLine(new RegExp(`SLEEPY ${first.id}`));
      await worker.stop();
      expect((await world.run(first.id)).stateType).to.equal('COMPLETED');
      expect(worker.activeRuns).to.equal(0);
      const later = await world.createRun(deployment.id, { seconds: 0 });
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect((await world.run(later.id)).stateType).to.equal('SCHEDULED');
    });
  });
});
