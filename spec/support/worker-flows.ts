/**
 * Flows for the worker, deploy and CLI specs: deployments point at this file (compiled next to it, or
 * the .ts itself) and a worker's child process loads it. Each flow prints a line the spec can wait for
 * (the worker streams its children's output). `journal` flows append what they execute to a file in
 * the folder they are given, so a spec can count executions across processes.
 */
import 'reflect-metadata';
import { appendFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Flow, getRunContext, Task } from '@rigel/sdk';

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Waits `seconds`, or until the run's signal aborts (well-behaved code stops when it is cancelled). */
function pause(seconds: number): Promise<void> {
  const { signal } = getRunContext();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, seconds * 1000);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('stopped by the abort signal'));
    });
  });
}

export class WorkerFlows {
  static attempts = 0;

  @Flow({ name: 'wf-quick' })
  async quick(greeting: string = 'hello', times: number = 1): Promise<string> {
    say(`QUICK ${getRunContext().flowRun!.id} ${process.pid}`);
    return `${greeting} x${times}`;
  }

  /** Named by its parameters, also when a worker runs it from a deployment. */
  @Flow({ name: 'wf-named', flowRunName: 'greet-{greeting}-x{times}' })
  async named(greeting: string, times: number): Promise<string> {
    return `${greeting} x${times}`;
  }

  /** Runs for `seconds` (stops early when its run is cancelled or interrupted). */
  @Flow({ name: 'wf-sleepy' })
  async sleepy(seconds: number): Promise<string> {
    say(`SLEEPY ${getRunContext().flowRun!.id} ${process.pid}`);
    await pause(seconds);
    return `slept ${seconds}s`;
  }

  /** Blocks its event loop (so it cannot even see SIGTERM): only SIGKILL stops it. */
  @Flow({ name: 'wf-stubborn' })
  async stubborn(): Promise<void> {
    say(`STUBBORN ${getRunContext().flowRun!.id} ${process.pid}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
  }

  /** Fails its first attempt in a process; its retry (same process) completes. */
  @Flow({ name: 'wf-flaky', retries: 1, retryDelaySeconds: 0 })
  async flaky(): Promise<number> {
    WorkerFlows.attempts++;
    if (WorkerFlows.attempts === 1) throw new Error('the first attempt fails');
    return WorkerFlows.attempts;
  }

  @Task({ name: 'wf-first' })
  async first(dir: string): Promise<string> {
    appendFileSync(join(dir, 'journal'), 'first\n');
    return 'one';
  }

  /** While `<dir>/block` exists this task waits (long enough for a spec to kill its process). */
  @Task({ name: 'wf-second' })
  async second(dir: string, previous: string): Promise<string> {
    appendFileSync(join(dir, 'journal'), 'second\n');
    if (existsSync(join(dir, 'block'))) {
      say(`BLOCKED ${getRunContext().flowRun!.id} ${process.pid}`);
      await new Promise((resolve) => setTimeout(resolve, 120_000));
    }
    return `${previous}+two`;
  }

  /** Like `second`, but only its first call waits: it removes `<dir>/block` as it finds it. */
  @Task({ name: 'wf-second-once' })
  async secondOnce(dir: string, previous: string): Promise<string> {
    appendFileSync(join(dir, 'journal'), 'second\n');
    if (existsSync(join(dir, 'block'))) {
      rmSync(join(dir, 'block'));
      say(`BLOCKED ${getRunContext().flowRun!.id} ${process.pid}`);
      await new Promise((resolve) => setTimeout(resolve, 120_000));
    }
    return `${previous}+two`;
  }

  /** A journal flow with a retry: when its process dies, the server reschedules it for a worker. */
  @Flow({ name: 'wf-resilient', retries: 1, retryDelaySeconds: 0 })
  async resilient(dir: string): Promise<string> {
    const one = await this.first(dir);
    return this.secondOnce(dir, one);
  }

  @Flow({ name: 'wf-journal' })
  async journal(dir: string): Promise<string> {
    const one = await this.first(dir);
    return this.second(dir, one);
  }
}
