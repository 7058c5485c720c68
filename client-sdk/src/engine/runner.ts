/** Task runners: how a flow runs the tasks it submits — one at a time, or concurrently up to a limit. */
import type { TaskRunnerOption } from '../metadata/options';

export const DEFAULT_CONCURRENCY = 64;

export class TaskRunner {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(readonly limit: number) {}

  static from(option: TaskRunnerOption | undefined): TaskRunner {
    if (option === 'sequential') return new TaskRunner(1);
    if (option === undefined || option === 'concurrent') return new TaskRunner(DEFAULT_CONCURRENCY);
    return new TaskRunner(Math.max(1, Math.floor(option.concurrent)));
  }

  /** Runs `work` when a slot is free (in submission order). */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}
