/**
 * Task runners: how a flow runs the tasks it submits — one at a time, or concurrently up to a limit.
 * A flow may submit 100,000 tasks at once, so a waiting task costs one queue entry (its start
 * function), not a suspended async call with its promises.
 */
import type { TaskRunnerOption } from '../metadata/options';

export const DEFAULT_CONCURRENCY = 64;

export class TaskRunner {
  private active = 0;
  private readonly queue: (() => Promise<unknown>)[] = [];
  /** The queue's first entry: taken from the front without shifting the whole array each time. */
  private head = 0;
  private readonly release = (): void => {
    this.active--;
    const next = this.take();
    if (next) this.launch(next);
  };

  constructor(readonly limit: number) {}

  static from(option: TaskRunnerOption | undefined): TaskRunner {
    if (option === 'sequential') return new TaskRunner(1);
    if (option === undefined || option === 'concurrent') return new TaskRunner(DEFAULT_CONCURRENCY);
    return new TaskRunner(Math.max(1, Math.floor(option.concurrent)));
  }

  /**
   * Calls `start` now if a slot is free, else when one frees up (in submission order); the slot is
   * held until the promise `start` returns settles. `start` must not throw synchronously.
   */
  enqueue(start: () => Promise<unknown>): void {
    if (this.active < this.limit) this.launch(start);
    else this.queue.push(start);
  }

  private launch(start: () => Promise<unknown>): void {
    this.active++;
    start().then(this.release, this.release);
  }

  private take(): (() => Promise<unknown>) | undefined {
    if (this.head >= this.queue.length) return undefined;
    const next = this.queue[this.head];
    this.queue[this.head++] = undefined as never;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return next;
  }
}
