import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, cliWorld, ROOT, type CliWorld } from '../../support/cli';

const FLOWS = 'dist/spec/support/worker-flows.js';

/**
 * `rigel worker start` as a terminal runs it: the leader of its own process group, so a spec can send
 * SIGINT to the whole group as Ctrl+C does (every process of the foreground group gets it).
 */
class TerminalWorker {
  readonly process: ChildProcess;
  private out = '';
  readonly exited: Promise<number | NodeJS.Signals>;

  constructor(env: NodeJS.ProcessEnv) {
    this.process = spawn(process.execPath, [CLI, 'worker', 'start', '--pool', 'etl', '--poll-interval', '1'], {
      cwd: ROOT,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout!.on('data', (chunk: Buffer) => (this.out += chunk.toString()));
    this.process.stderr!.on('data', (chunk: Buffer) => (this.out += chunk.toString()));
    this.exited = new Promise((resolve) => this.process.on('close', (code, signal) => resolve(code ?? signal ?? -1)));
  }

  get output(): string {
    return this.out;
  }

  /** Ctrl+C in the worker's terminal. */
  ctrlC(): void {
    process.kill(-this.process.pid!, 'SIGINT');
  }

  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.out)) {
      if (Date.now() > deadline) throw new Error(`no output matching ${pattern}:\n${this.out}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  kill(): void {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGKILL');
  }
}

describe('rigel worker start', function () {
  this.timeout(90_000);
  let world: CliWorld;
  let worker: TerminalWorker | undefined;
  beforeEach(async () => {
    world = await cliWorld('server');
    const deployed = await world.rigel('deploy', FLOWS, '--flow', 'wf-sleepy', '--name', 'slow', '--pool', 'etl');
    expect(deployed.code, deployed.stderr).to.equal(0);
  });
  afterEach(async () => {
    worker?.kill();
    worker = undefined;
    await world.cleanup();
  });

  async function runningRun(seconds: number): Promise<{ id: string; name: string }> {
    worker = new TerminalWorker(world.env);
    await worker.waitFor(/polling pool "etl"/);
    const run = await world.json('deployment', 'run', 'wf-sleepy/slow', '-p', `seconds=${seconds}`);
    await worker.waitFor(new RegExp(`SLEEPY ${run.id}`));
    return run;
  }

  const stateOf = async (id: string) => (await world.json('flow-run', 'inspect', id)).state;

  describe('when Ctrl+C reaches its terminal while a run is going', () => {
    it('stops claiming, lets the run finish, and exits 0', async () => {
      const run = await runningRun(2);
      worker!.ctrlC();
      expect(await worker!.exited, worker!.output).to.equal(0);
      expect(worker!.output).to.contain('Stopping: no new runs are claimed');
      expect(await stateOf(run.id)).to.include({ type: 'COMPLETED' });
    });
  });

  describe('when Ctrl+C reaches it twice', () => {
    it('hands the run back to the pool (Rescheduled), stops its process, and exits 0', async () => {
      const run = await runningRun(30);
      worker!.ctrlC();
      await worker!.waitFor(/Stopping: no new runs are claimed/);
      worker!.ctrlC();
      expect(await worker!.exited, worker!.output).to.equal(0);
      expect(worker!.output).to.contain('Handing the running runs back to the pool');
      expect(await stateOf(run.id)).to.include({ type: 'SCHEDULED', name: 'Rescheduled' });
    });
  });
});
