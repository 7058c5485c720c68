/**
 * Futures of submitted task runs: `wait()` for the final state, `result()` for the value (or the
 * error). Passing a future as an argument to another task records it as an upstream dependency and
 * waits for it; `allowFailure(f)` lets the downstream task run even if the upstream failed.
 */
import type { State } from '@rigel/server';

export interface TaskOutcome<T> {
  state: State;
  value?: T;
  error?: unknown;
  taskRunId: string | null;
  name: string;
}

export class TaskFuture<T> {
  private outcome: TaskOutcome<T> | null = null;
  private failure: { error: unknown } | null = null;
  /** Made only when someone waits while the run is not final, and dropped once it settles. */
  private waiting: {
    promise: Promise<TaskOutcome<T>>;
    resolve: (o: TaskOutcome<T>) => void;
    reject: (e: unknown) => void;
  } | null = null;

  /**
   * The engine's promise of the outcome, when it has one already; the engine otherwise settles the
   * future itself (settleFuture). A flow may hold 100,000 futures: a finished one keeps its outcome only.
   */
  constructor(promise?: Promise<TaskOutcome<T>>) {
    promise?.then(
      (outcome) => settleFuture(this, outcome),
      (error: unknown) => failFuture(this, error),
    );
  }

  /**
   * Resolves when the task run reaches a final state; rejects only when the engine itself failed (the
   * API was lost), which the flow then reports as a crash.
   */
  get settled(): Promise<TaskOutcome<T>> {
    if (this.outcome) return Promise.resolve(this.outcome);
    if (this.failure) return Promise.reject(this.failure.error);
    if (!this.waiting) {
      let resolve!: (o: TaskOutcome<T>) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<TaskOutcome<T>>((res, rej) => ((resolve = res), (reject = rej)));
      // Whoever asked handles it; without this a waiter that stopped waiting (wait() with a timeout)
      // would leave an unhandled rejection that kills the process.
      promise.catch(() => undefined);
      this.waiting = { promise, resolve, reject };
    }
    return this.waiting.promise;
  }

  /** The final state once known (null while running). */
  get state(): State | null {
    return this.outcome?.state ?? null;
  }

  get taskRunId(): string | null {
    return this.outcome?.taskRunId ?? null;
  }

  /** Waits for the final state. */
  async wait(): Promise<State> {
    return (await this.settled).state;
  }

  /** Waits and returns the task's value; throws its error if it did not complete. */
  async result(): Promise<T> {
    const outcome = this.outcome ?? (await this.settled);
    if (outcome.state.type === 'COMPLETED') return outcome.value as T;
    throw outcome.error ?? new Error(`Task run "${outcome.name}" ended ${outcome.state.name}`);
  }

  /** @internal */
  static settle<T>(future: TaskFuture<T>, outcome: TaskOutcome<T> | null, failure: { error: unknown } | null): void {
    if (future.outcome || future.failure) return;
    future.outcome = outcome;
    future.failure = failure;
    const waiting = future.waiting;
    future.waiting = null;
    if (!waiting) return;
    if (outcome) waiting.resolve(outcome);
    else waiting.reject(failure!.error);
  }
}

/** The engine's side of a future: the run reached a final state. */
export function settleFuture<T>(future: TaskFuture<T>, outcome: TaskOutcome<T>): void {
  TaskFuture.settle(future, outcome, null);
}

/** The engine's side of a future: the engine itself failed (the API was lost). */
export function failFuture<T>(future: TaskFuture<T>, error: unknown): void {
  TaskFuture.settle(future, null, { error });
}

const ALLOW_FAILURE = Symbol('rigel.allowFailure');
const UNMAPPED = Symbol('rigel.unmapped');

export interface AllowFailure<T> {
  readonly [ALLOW_FAILURE]: TaskFuture<T>;
}

export interface Unmapped<T> {
  readonly [UNMAPPED]: T;
}

/** Lets a downstream task run even if this upstream future fails (it then receives the error). */
export function allowFailure<T>(future: TaskFuture<T>): AllowFailure<T> {
  return { [ALLOW_FAILURE]: future };
}

/** Passes the same value to every call of a `.map()` instead of iterating over it. */
export function unmapped<T>(value: T): Unmapped<T> {
  return { [UNMAPPED]: value };
}

export function isAllowFailure(value: unknown): value is AllowFailure<unknown> {
  return typeof value === 'object' && value !== null && ALLOW_FAILURE in value;
}

export function isUnmapped(value: unknown): value is Unmapped<unknown> {
  return typeof value === 'object' && value !== null && UNMAPPED in value;
}

export function unwrapAllowFailure(value: AllowFailure<unknown>): TaskFuture<unknown> {
  return value[ALLOW_FAILURE];
}

export function unwrapUnmapped(value: Unmapped<unknown>): unknown {
  return value[UNMAPPED];
}

/** Waits for all futures (or until `timeoutSeconds`): returns which are done and which are not. */
export async function wait<T>(
  futures: TaskFuture<T>[],
  timeoutSeconds?: number,
): Promise<{ done: TaskFuture<T>[]; notDone: TaskFuture<T>[] }> {
  const all = Promise.all(futures.map((f) => f.settled));
  if (timeoutSeconds === undefined) await all;
  else {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((resolve) => (timer = setTimeout(resolve, timeoutSeconds * 1000)))]);
    clearTimeout(timer);
  }
  return { done: futures.filter((f) => f.state !== null), notDone: futures.filter((f) => f.state === null) };
}

/** Yields futures in the order they finish. */
export async function* asCompleted<T>(futures: TaskFuture<T>[]): AsyncGenerator<TaskFuture<T>> {
  const pending = new Map(futures.map((f, i) => [i, f.settled.then(() => i)]));
  while (pending.size > 0) {
    const index = await Promise.race(pending.values());
    pending.delete(index);
    yield futures[index]!;
  }
}
