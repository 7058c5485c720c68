/**
 * Run contexts, carried through async calls with AsyncLocalStorage: inside a flow body the current
 * flow run (and its per-run task counters, runner, logger, abort signal); inside a task body the task
 * run as well. `getRunContext()` is the public view.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { setMaxListeners } from 'node:events';
import type { FlowRun, OrchestrationClient, TaskRun } from '../client/types';
import type { RunLogger } from '../logging/run-logger';
import type { FlowDefinition, TaskDefinition } from '../metadata/registry';
import type { TaskRunner } from './runner';

export class FlowRunContext {
  private counters = new Map<string, number>();
  /** Set when the run was found CANCELLING: the body is stopped and the run ends Cancelled. */
  cancelRequested = false;
  /**
   * Futures submitted in this attempt that are still running, or whose engine failed: the flow waits
   * for them before it finishes. A future leaves the set when its run is final (a flow may submit
   * 100,000 tasks; the ones done need no waiting).
   */
  readonly futures = new Set<{ settled: Promise<unknown> }>();

  constructor(
    public flowRun: FlowRun,
    readonly definition: FlowDefinition,
    readonly client: OrchestrationClient,
    readonly parameters: Record<string, unknown>,
    readonly runner: TaskRunner,
    readonly logger: RunLogger,
    /** Aborted when the current attempt times out or the process is interrupted. */
    public signal: AbortSignal,
  ) {
    unlimitedListeners(signal);
  }

  /**
   * The n-th call of a task in this attempt gets dynamic key n: a retried flow run calls the same
   * tasks in the same order, so each call finds its earlier run (durable resume).
   */
  nextDynamicKey(taskKey: string): string {
    const n = this.counters.get(taskKey) ?? 0;
    this.counters.set(taskKey, n + 1);
    return String(n);
  }

  private pauses = 0;

  /** The n-th pause of an attempt gets key `pause-n`: a resumed run replaying its code finds it again. */
  nextPauseKey(): string {
    return `pause-${++this.pauses}`;
  }

  resetForAttempt(signal: AbortSignal): void {
    this.counters = new Map();
    this.pauses = 0;
    this.futures.clear();
    this.signal = signal;
    unlimitedListeners(signal);
  }
}

/**
 * Every running task of a flow listens on the flow's signal (and stops listening when it ends), so
 * 64 concurrent tasks are 64 listeners: not a leak, and Node's warning at 11 would only alarm users.
 */
function unlimitedListeners(signal: AbortSignal): void {
  setMaxListeners(0, signal);
}

export interface TaskRunContext {
  taskRun: TaskRun;
  definition: TaskDefinition;
  parameters: Record<string, unknown>;
  logger: RunLogger;
  signal: AbortSignal;
}

export interface Scope {
  flow?: FlowRunContext;
  task?: TaskRunContext;
  tags: readonly string[];
  logPrints: boolean;
}

const storage = new AsyncLocalStorage<Scope>();
const EMPTY: Scope = { tags: [], logPrints: false };

export function currentScope(): Scope {
  return storage.getStore() ?? EMPTY;
}

export function runInScope<T>(scope: Partial<Scope>, fn: () => T): T {
  const outer = currentScope();
  // Built field by field (not `{ ...outer, ...scope }`, whose objects each get a V8 map of their own).
  return storage.run(
    {
      flow: 'flow' in scope ? scope.flow : outer.flow,
      task: 'task' in scope ? scope.task : outer.task,
      tags: scope.tags ?? outer.tags,
      logPrints: scope.logPrints ?? outer.logPrints,
    },
    fn,
  );
}

/** Runs `fn` in a scope taken earlier with currentScope() (a queued task runs in its caller's scope). */
export function runInScopeOf<T>(scope: Scope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** What user code can see of the run it is in. */
export interface RunContextView {
  flowRun?: FlowRun;
  taskRun?: TaskRun;
  flowName?: string;
  taskName?: string;
  /** The parameters of the innermost run. */
  parameters: Record<string, unknown>;
  /** Aborted when the run times out or is interrupted: pass it to fetch(), streams, child processes. */
  signal?: AbortSignal;
  logger?: RunLogger;
  tags: readonly string[];
}

export function getRunContext(): RunContextView {
  const scope = currentScope();
  return {
    flowRun: scope.flow?.flowRun,
    taskRun: scope.task?.taskRun,
    flowName: scope.flow?.definition.name,
    taskName: scope.task?.definition.name,
    parameters: scope.task?.parameters ?? scope.flow?.parameters ?? {},
    signal: scope.task?.signal ?? scope.flow?.signal,
    logger: scope.task?.logger ?? scope.flow?.logger,
    tags: scope.tags,
  };
}

/** Runs `fn` with extra tags on every run it creates: `await tags(['etl', 'nightly'], () => flows.load())`. */
export function tags<T>(extra: string[], fn: () => T): T {
  return runInScope({ tags: [...new Set([...currentScope().tags, ...extra])] }, fn);
}
