/**
 * `rigel worker start --pool <name>`: polls the pool's queues for due runs (with prefetch), claims each
 * through a PENDING proposal (a second worker is ABORTed), starts it in its own child process, streams
 * its output, heartbeats, marks it Crashed if the process dies without finishing, obeys cancellation
 * (SIGTERM, then SIGKILL after a grace period, then Cancelled), limits its own concurrency, and shuts
 * down gracefully (stops claiming, lets running flows finish, or on a second signal hands them back).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { isTerminal, type OrchestrationResult, type StateType } from '@rigel/server/contract';
import type { AdminApi } from '../cli/admin';

export interface WorkerOptions {
  pool: string;
  name?: string;
  queues?: string[];
  /** At most this many runs at once. */
  limit?: number;
  pollIntervalSeconds?: number;
  /** Claim runs due within this many seconds (they wait for their time in their process). */
  prefetchSeconds?: number;
  heartbeatSeconds?: number;
  /** Seconds between SIGTERM and SIGKILL when a run is cancelled. */
  cancelGraceSeconds?: number;
  /** Extra environment for the flow processes (e.g. RIGEL_API_URL of the in-process server). */
  env?: NodeJS.ProcessEnv;
  /** Run claimed runs in this process with this function instead of a child process each (`serve`). */
  execute?: (run: Run) => Promise<void>;
  log?: (line: string) => void;
}

interface RunningChild {
  /** Absent for runs executed in this process. */
  child?: ChildProcess;
  name: string;
  started: number;
  cancelling: boolean;
  killTimer?: NodeJS.Timeout;
  exited: Promise<void>;
}

export type Run = { id: string; name: string; stateType: StateType | null; deploymentId: string | null };

const FLOW_PROCESS = join(__dirname, 'flow-run-process.js');

export class Worker {
  readonly name: string;
  private readonly running = new Map<string, RunningChild>();
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private lastHeartbeat = 0;
  private readonly log: (line: string) => void;

  constructor(
    private readonly api: AdminApi,
    private readonly options: WorkerOptions,
  ) {
    this.name = options.name ?? `${hostname()}-${process.pid}`;
    this.log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  }

  get activeRuns(): number {
    return this.running.size;
  }

  private get limit(): number {
    return Math.max(1, this.options.limit ?? 10);
  }

  /** Creates the pool if it does not exist, then polls until `stop()`. */
  async start(): Promise<void> {
    await this.api.call('POST', 'work-pools', { name: this.options.pool });
    this.log(`Worker ${this.name} polling pool "${this.options.pool}" (up to ${this.limit} runs at once) …`);
    this.loop = this.run();
    return this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.heartbeat();
        await this.checkCancellations();
        await this.pollOnce();
      } catch (error) {
        this.log(`worker: ${(error as Error).message}; retrying`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, (this.options.pollIntervalSeconds ?? 5) * 1000);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private async heartbeat(): Promise<void> {
    const every = (this.options.heartbeatSeconds ?? 30) * 1000;
    if (Date.now() - this.lastHeartbeat < every) return;
    await this.api.call('POST', `work-pools/${encodeURIComponent(this.options.pool)}/workers/heartbeat`, {
      name: this.name,
      heartbeatIntervalSeconds: this.options.heartbeatSeconds ?? 30,
    });
    this.lastHeartbeat = Date.now();
  }

  /** Claims and starts as many due runs as there are free slots; returns how many started. */
  async pollOnce(): Promise<number> {
    const free = this.limit - this.running.size;
    if (free <= 0 || this.stopping) return 0;
    const runs = await this.api.call<Run[]>(
      'POST',
      `work-pools/${encodeURIComponent(this.options.pool)}/get-scheduled-flow-runs`,
      {
        prefetchSeconds: this.options.prefetchSeconds ?? 10,
        limit: free,
        ...(this.options.queues?.length ? { workQueueNames: this.options.queues } : {}),
      },
    );
    let started = 0;
    for (const run of runs) {
      if (this.stopping || this.running.size >= this.limit) break;
      const claim = await this.api.call<OrchestrationResult>('POST', `flow-runs/${run.id}/set-state`, {
        state: { type: 'PENDING', message: `Claimed by worker ${this.name}` },
      });
      if (claim.status !== 'ACCEPT') continue; // another worker has it, or a concurrency limit said wait
      if (this.options.execute) this.executeHere(run, this.options.execute);
      else this.startRun(run);
      started++;
    }
    return started;
  }

  /** Runs a claimed run in this process (serve mode); the engine itself obeys cancellation. */
  private executeHere(run: Run, execute: (run: Run) => Promise<void>): void {
    const entry: RunningChild = { name: run.name, started: Date.now(), cancelling: false, exited: Promise.resolve() };
    entry.exited = execute(run)
      .catch((error: unknown) => this.log(`[${run.name}] ${(error as Error).message}`))
      .finally(() => {
        this.running.delete(run.id);
        this.wake?.();
      });
    this.running.set(run.id, entry);
    this.log(`Running flow run ${run.name} (${run.id})`);
  }

  private startRun(run: Run): void {
    const child = spawn(process.execPath, [FLOW_PROCESS], {
      env: { ...process.env, ...this.options.env, RIGEL_FLOW_RUN_ID: run.id },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: Ctrl+C in the worker's terminal reaches the worker only, which lets the
      // run finish (or hands it back); only the worker decides when a flow process is signalled.
      detached: true,
    });
    const entry: RunningChild = {
      child,
      name: run.name,
      started: Date.now(),
      cancelling: false,
      exited: Promise.resolve(),
    };
    entry.exited = new Promise<void>((resolve) => {
      child.on('exit', (code, signal) => void this.onExit(run, entry, code, signal).finally(resolve));
      child.on('error', (error) => this.log(`[${run.name}] could not start: ${error.message}`));
    });
    this.running.set(run.id, entry);
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => this.log(`[${run.name}] ${line}`));
    }
    this.log(`Started flow run ${run.name} (${run.id}) in process ${child.pid}`);
    void this.api
      .call('PATCH', `flow-runs/${run.id}`, { infrastructurePid: `${hostname()}:${child.pid}` })
      .catch(() => undefined);
  }

  private async onExit(
    run: Run,
    entry: RunningChild,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): Promise<void> {
    if (entry.killTimer) clearTimeout(entry.killTimer);
    this.running.delete(run.id);
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    try {
      const current = await this.api.call<Run>('GET', `flow-runs/${run.id}`);
      if (current.stateType === 'CANCELLING') {
        await this.api.call('POST', `flow-runs/${run.id}/set-state`, {
          state: { type: 'CANCELLED', message: `Cancelled; its process stopped (${how})` },
        });
      } else if (
        !isTerminal(current.stateType) &&
        current.stateType !== 'SCHEDULED' &&
        current.stateType !== 'PAUSED'
      ) {
        const message = `The flow run's process exited (${how}) before the run finished`;
        const crashed = await this.api.call<OrchestrationResult>('POST', `flow-runs/${run.id}/set-state`, {
          state: { type: 'CRASHED', message },
        });
        // Crashed, or rescheduled for another attempt (a deployment run with retries left).
        if (crashed.state?.type === 'CRASHED' || crashed.state?.type === 'SCHEDULED') {
          await this.crashTaskRuns(run.id, message);
        }
      }
    } catch (error) {
      this.log(`[${run.name}] could not record how it ended: ${(error as Error).message}`);
    }
    this.log(`Flow run ${run.name} process ended (${how}) after ${((Date.now() - entry.started) / 1000).toFixed(1)} s`);
    this.wake?.();
  }

  /** The task runs a killed process left RUNNING follow its flow run (as the crashed-runs service does). */
  private async crashTaskRuns(flowRunId: string, message: string): Promise<void> {
    const tasks = await this.api.call<{ id: string }[]>('POST', 'task-runs/filter', {
      taskRuns: { flowRunId: { any: [flowRunId] }, state: { type: { any: ['RUNNING'] } } },
      limit: 1000,
    });
    for (const task of tasks) {
      await this.api.call('POST', `task-runs/${task.id}/set-state`, {
        state: { type: 'CRASHED', message: `Its flow run ${flowRunId} crashed: ${message}` },
      });
    }
  }

  /** Stops the processes of runs that are being cancelled: SIGTERM, then SIGKILL after the grace period. */
  async checkCancellations(): Promise<void> {
    if (this.running.size === 0) return;
    const ids = [...this.running.keys()];
    const runs = await this.api.call<Run[]>('POST', 'flow-runs/filter', {
      flowRuns: { id: { any: ids } },
      limit: ids.length,
    });
    for (const run of runs) {
      const entry = this.running.get(run.id);
      const child = entry?.child;
      if (!entry || !child || entry.cancelling || run.stateType !== 'CANCELLING') continue;
      entry.cancelling = true;
      this.log(`Cancelling flow run ${run.name}: stopping process ${child.pid}`);
      child.kill('SIGTERM');
      entry.killTimer = setTimeout(() => child.kill('SIGKILL'), (this.options.cancelGraceSeconds ?? 30) * 1000);
    }
  }

  /**
   * Stops claiming. With `handBack`, runs still going in child processes are rescheduled for another
   * worker and their processes stopped; otherwise (and for runs executing in this process) the worker
   * waits for them to finish.
   */
  async stop(options: { handBack?: boolean } = {}): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    if (options.handBack) {
      for (const [id, entry] of this.running) {
        // A run executing in this process (serve) cannot be stopped, so it is not handed back: it finishes.
        if (!entry.child) continue;
        await this.api
          .call('POST', `flow-runs/${id}/set-state`, {
            state: { type: 'SCHEDULED', name: 'Rescheduled', message: `Handed back by worker ${this.name}` },
          })
          .catch(() => undefined);
        entry.child.kill('SIGTERM');
      }
    }
    await Promise.all([...this.running.values()].map((e) => e.exited));
  }
}

export function flowProcessAvailable(): boolean {
  return existsSync(FLOW_PROCESS);
}
