/** Options of @Flow / flow() and @Task / task(). */
import type { State } from '@rigel/server';
import type { FlowRun, TaskRun } from '../client/types';
import type { CachePolicy } from '../engine/caching';

export interface HookContext<R> {
  /** The run, as the API last returned it. */
  run: R;
  /** The state that triggered the hook. */
  state: State;
  /** The error that failed the run, when there is one. */
  error?: unknown;
}

export type Hook<R> = (context: HookContext<R>) => void | Promise<void>;

/** How a flow runs the tasks it submits: one at a time, or concurrently up to a limit. */
export type TaskRunnerOption = 'sequential' | 'concurrent' | { concurrent: number };

export interface FlowOptions {
  /** Default: `ClassName.method`, kebab-cased (`etl-flows.nightly`). */
  name?: string;
  description?: string;
  /** Default: a hash of the method's source. */
  version?: string;
  retries?: number;
  retryDelaySeconds?: number;
  /** The run fails (named TimedOut) when its body takes longer. */
  timeoutSeconds?: number;
  /** Validate and coerce parameters against their declared types (default true). */
  validateParameters?: boolean;
  /** Default `{ concurrent: 64 }`. */
  taskRunner?: TaskRunnerOption;
  /** Persist the flow's return value (default true; values that cannot be persisted are logged). */
  persistResult?: boolean;
  /** Send console output printed during the run to the run's logs. */
  logPrints?: boolean;
  /** A template over parameters (`"etl-{date}"`) or a function of them. */
  flowRunName?: string | ((parameters: Record<string, unknown>) => string);
  tags?: string[];
  onCompletion?: Hook<FlowRun>[];
  onFailure?: Hook<FlowRun>[];
  onCancellation?: Hook<FlowRun>[];
  onCrashed?: Hook<FlowRun>[];
  onRunning?: Hook<FlowRun>[];
}

export interface TaskContextInfo {
  /** The task's parameters by name. */
  parameters: Record<string, unknown>;
  flowRunId: string | null;
  taskName: string;
  /** Hash of the task's source. */
  sourceHash: string;
}

export interface TaskOptions {
  /** Default: `ClassName.method`, kebab-cased. */
  name?: string;
  description?: string;
  tags?: string[];
  version?: string;
  retries?: number;
  /** Seconds before each retry: a number, a list by attempt (the last repeats), or `exponentialBackoff(f)`. */
  retryDelaySeconds?: number | number[];
  /** Randomises retry delays by up to this factor (0–100), so failures do not retry in lock-step. */
  retryJitterFactor?: number;
  /** Decides whether a failure may be retried (default: always). */
  retryCondition?: (error: unknown, attempt: number) => boolean | Promise<boolean>;
  timeoutSeconds?: number;
  /** A custom cache key; null/undefined means "do not cache this call". */
  cacheKeyFn?: (context: TaskContextInfo) => string | null | undefined;
  /** What makes two calls the same for caching (INPUTS, TASK_SOURCE, FLOW_PARAMETERS, RUN_ID, NONE; combine with `.plus()`). */
  cachePolicy?: CachePolicy;
  /** How long a cached result stays valid, in seconds (default: forever). */
  cacheExpiration?: number;
  /** Run even if a cached result exists, and replace it. */
  refreshCache?: boolean;
  persistResult?: boolean;
  /** A template over parameters (`"load-{table}"`) or a function of them. */
  taskRunName?: string | ((parameters: Record<string, unknown>) => string);
  onCompletion?: Hook<TaskRun>[];
  onFailure?: Hook<TaskRun>[];
  onRunning?: Hook<TaskRun>[];
}

/** Retry delays that double each time: factor × 1, 2, 4, … (ten entries; the last repeats). */
export function exponentialBackoff(backoffFactor: number): number[] {
  return Array.from({ length: 10 }, (_, i) => backoffFactor * 2 ** i);
}
