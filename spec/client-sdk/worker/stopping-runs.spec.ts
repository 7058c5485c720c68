import { expect } from 'chai';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiRun } from '@rigel/server/services/serializers';
import { stateNames, tempDir, workerWorld, type WorkerWorld } from '../../support/worker';

const FINAL = ['COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED'];
const finished = (run: ApiRun) => FINAL.includes(String(run.stateType));

describe('Worker: processes that stop early', function () {
  this.timeout(60_000);
  let world: WorkerWorld;
  beforeEach(async () => {
    world = await workerWorld();
  });
  afterEach(async () => {
    await world.cleanup();
  });

  /** A journal run whose second task blocks until the spec removes `<dir>/block`. */
  async function blockedRun(flow: 'journal' | 'resilient' = 'journal') {
    const dir = tempDir('rigel-worker-journal-');
    writeFileSync(join(dir, 'block'), '');
    const run = await world.createRun((await world.deployment(flow)).id, { dir });
    const worker = world.start();
    const [, , pid] = await world.waitForLine(new RegExp(`BLOCKED (${run.id}) (\\d+)`));
    return { run, dir, pid: Number(pid), worker };
  }

  const journal = (dir: string) => readFileSync(join(dir, 'journal'), 'utf8').trim().split('\n');

  describe('when the flow process is killed with SIGKILL', () => {
    it('marks the run Crashed, naming the signal', async () => {
      const { run, pid } = await blockedRun();
      process.kill(pid, 'SIGKILL');
      const done = await world.waitFor(run.id, finished);
      expect(done.state).to.include({ type: 'CRASHED', name: 'Crashed' });
      expect(done.state!.message).to.equal("The flow run's process exited (signal SIGKILL) before the run finished");
    });

    it('crashes the task run that was running in it too', async () => {
      const { run, pid } = await blockedRun();
      process.kill(pid, 'SIGKILL');
      await world.waitFor(run.id, finished);
      const tasks = (await world.server.api.post('/task-runs/filter', { taskRuns: { flowRunId: { any: [run.id] } } }))
        .body as ApiRun[];
      const byKey = Object.fromEntries(tasks.map((t) => [t.taskKey, t.stateType]));
      expect(byKey).to.deep.equal({ 'wf-first': 'COMPLETED', 'wf-second': 'CRASHED' });
      const second = tasks.find((t) => t.taskKey === 'wf-second')!;
      expect(second.state!.message).to.equal(
        `Its flow run ${run.id} crashed: The flow run's process exited (signal SIGKILL) before the run finished`,
      );
    });
  });

  describe('when the crashed deployment run is retried', () => {
    it('runs it again in a new process, re-executing only the task that had not finished', async () => {
      const { run, dir, pid } = await blockedRun();
      process.kill(pid, 'SIGKILL');
      await world.waitFor(run.id, finished);
      rmSync(join(dir, 'block'));
      const retry = await world.setState(run.id, { type: 'SCHEDULED', name: 'AwaitingRetry', message: 'retry' });
      expect(retry.status).to.equal('ACCEPT');
      const done = await world.waitFor(run.id, (r) => r.stateType === 'COMPLETED');
      expect(JSON.stringify(done.state!.data)).to.contain('one+two');
      expect(journal(dir)).to.deep.equal(['first', 'second', 'second']);
      expect(stateNames(await world.states(run.id))).to.deep.equal([
        'Scheduled',
        'Pending',
        'Running',
        'Crashed',
        'AwaitingRetry',
        'Pending',
        'Running',
        'Completed',
      ]);
    });
  });

  describe('when the process of a deployment run with retries left is killed', () => {
    it('is rescheduled by the server and run again to Completed, without repeating finished tasks', async () => {
      const { run, dir, pid } = await blockedRun('resilient');
      process.kill(pid, 'SIGKILL');
      const done = await world.waitFor(run.id, finished);
      expect(done.stateType).to.equal('COMPLETED');
      expect(journal(dir)).to.deep.equal(['first', 'second', 'second']);
      expect(stateNames(await world.states(run.id))).to.deep.equal([
        'Scheduled',
        'Pending',
        'Running',
        'AwaitingRetry',
        'Pending',
        'Running',
        'Completed',
      ]);
      const decisions = (await world.server.api.get(`/flow-runs/${run.id}/decisions`)).body as Record<string, string>[];
      expect(decisions.map((d) => [d.rule, d.status])).to.deep.include(['RetryCrashedDeploymentRuns', 'REJECT']);
      expect(decisions.find((d) => d.rule === 'RetryCrashedDeploymentRuns')!.reason).to.contain('signal SIGKILL');
    });
  });

  describe('when a running run is cancelled', () => {
    it('stops its process and the run ends Cancelled', async () => {
      const run = await world.createRun((await world.deployment('sleepy')).id, { seconds: 30 });
      world.start();
      await world.waitForLine(new RegExp(`SLEEPY ${run.id}`));
      const started = Date.now();
      expect((await world.setState(run.id, { type: 'CANCELLING', message: 'stop it' })).status).to.equal('ACCEPT');
      const done = await world.waitFor(run.id, finished, 10_000);
      expect(done.state).to.include({ type: 'CANCELLED' });
      await world.waitForLine(new RegExp(`^Flow run ${run.name} process ended`));
      expect(Date.now() - started).to.be.below(5000);
      expect(stateNames(await world.states(run.id)).slice(-2)).to.deep.equal(['Cancelling', 'Cancelled']);
    });

    it('kills a process that ignores SIGTERM after the grace period, then the run ends Cancelled', async () => {
      const run = await world.createRun((await world.deployment('stubborn')).id);
      world.start({ cancelGraceSeconds: 1 });
      await world.waitForLine(new RegExp(`STUBBORN ${run.id}`));
      await world.setState(run.id, { type: 'CANCELLING' });
      const done = await world.waitFor(run.id, finished, 10_000);
      expect(done.state).to.include({ type: 'CANCELLED' });
      expect(done.state!.message).to.contain('signal SIGKILL');
      const term = world.lines.findIndex((line) => line.startsWith(`Cancelling flow run ${run.name}`));
      const ended = world.lines.findIndex((line) =>
        line.startsWith(`Flow run ${run.name} process ended (signal SIGKILL)`),
      );
      expect(term).to.be.greaterThan(-1);
      expect(ended).to.be.greaterThan(term);
    });
  });

  describe('when it is stopped with handBack', () => {
    it('reschedules the running runs, stops their processes, and another worker completes them', async () => {
      const { run, dir, worker } = await blockedRun();
      await worker.stop({ handBack: true });
      expect(worker.activeRuns).to.equal(0);
      const handedBack = await world.run(run.id);
      expect(handedBack.state).to.include({ type: 'SCHEDULED', name: 'Rescheduled' });
      rmSync(join(dir, 'block'));
      world.start({ name: 'second-worker' });
      const done = await world.waitFor(run.id, finished);
      expect(done.stateType).to.equal('COMPLETED');
      expect(journal(dir)).to.deep.equal(['first', 'second', 'second']);
    });
  });

  describe('when it runs claimed runs in its own process (serve) and is stopped with handBack', () => {
    it('does not hand back a run it cannot stop: it waits for it instead', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const run = await world.createRun((await world.deployment('quick')).id);
      const worker = world.worker({ execute: () => gate });
      expect(await worker.pollOnce()).to.equal(1);
      const stopping = worker.stop({ handBack: true });
      // Long enough for a hand-back request to have reached the server.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(worker.activeRuns).to.equal(1);
      release();
      await stopping;
      expect(worker.activeRuns).to.equal(0);
      expect(stateNames(await world.states(run.id))).to.deep.equal(['Scheduled', 'Pending']);
    });
  });
});
