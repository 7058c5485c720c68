/**
 * SQLite WAL checkpoints off the event loop. A checkpoint copies the WAL into the database file and
 * syncs it, which takes tens of milliseconds; SQLite runs it by default inside whichever commit crosses
 * 1,000 WAL pages, so with better-sqlite3 (synchronous) every request waits behind it. Instead, a
 * worker thread with its own connection checkpoints often, and the writer's automatic checkpoint
 * stays only as a backstop (it also resets the WAL, which a PASSIVE checkpoint alone cannot do while
 * commits keep coming), finding nearly everything already copied.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** WAL pages after which the writer checkpoints itself (SQLite's default is 1,000). */
export const BACKSTOP_WAL_PAGES = 10_000;
const INTERVAL_MS = 100;

export class WalCheckpointer {
  private readonly exited: Promise<void>;

  private constructor(private readonly worker: Worker) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
  }

  static start(path: string, busyTimeoutMs: number): WalCheckpointer {
    const worker = new Worker(join(__dirname, 'checkpoint-worker.js'), {
      workerData: { path, intervalMs: INTERVAL_MS, busyTimeoutMs },
    });
    worker.unref();
    // A failing checkpointer only means the backstop does the work: never crash the server for it.
    worker.on('error', () => undefined);
    return new WalCheckpointer(worker);
  }

  /** Stops the worker after its current checkpoint; resolves when it has closed its connection. */
  async stop(): Promise<void> {
    // Referenced while stopping: otherwise a process with nothing else to do exits before the worker
    // has closed, and its exit code is lost.
    this.worker.ref();
    this.worker.postMessage('stop');
    await this.exited;
  }
}
