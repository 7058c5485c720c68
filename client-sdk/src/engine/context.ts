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
  /** Futures submitted in this attempt; the flow waits for all of them before it finishes. */
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

interface Scope {
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
  return storage.run({ ...currentScope(), ...scope }, fn);
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
