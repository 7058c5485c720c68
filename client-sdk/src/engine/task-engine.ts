/**
 * Task runs (orchestration.md §8): create the run and propose RUNNING in one call (with the cache
 * key), obey the answer — run, adopt a Cached or already-completed result, wait, or abort — then
 * propose COMPLETED with a result reference or FAILED, and loop through AwaitingRetry while retries
 * remain. A task whose upstream future failed does not run and says which upstream failed.
 */
import { randomUUID } from 'node:crypto';
import type { OrchestrationResult, State, StateProposal } from '@rigel/server';
import type { OrchestrationClient, TaskRun, TaskRunCreate } from '../client/types';
import { RunAbortedError, UpstreamFailedError } from '../errors';
import { ShippingLogger } from '../logging/run-logger';
import type { TaskDefinition } from '../metadata/registry';
import {
  currentScope,
  runInScope,
  runInScopeOf,
  type FlowRunContext,
  type Scope,
  type TaskRunContext,
} from './context';
import { failFuture, isAllowFailure, settleFuture, TaskFuture, unwrapAllowFailure, type TaskOutcome } from './futures';
import { runHooks } from './hooks';
import { trackRun } from './interrupts';
import { normalizeResult, proposeState, sleep, withTransitionId } from './propose';
import { isLoadable, loadResult, persistResult } from './results';
import { runtime, type Runtime } from './runtime';
import { errorMessage, renderName, withTimeout } from './timeouts';

export interface TaskCall {
  definition: TaskDefinition;
  thisArg: unknown;
  args: unknown[];
}

interface Prepared {
  rt: Runtime;
  /** The caller's scope (flow, tags, logPrints): a queued task runs in it when its turn comes. */
  scope: Scope;
  flow: FlowRunContext | undefined;
  /** The flow attempt's signal at call time: when it aborts (timeout, interrupt) the task stops too. */
  flowSignal: AbortSignal | undefined;
  dynamicKey: string;
}

/** Fixes the call's identity synchronously, at call time, so numbering does not depend on timing. */
function prepare(call: TaskCall): Prepared {
  const scope = currentScope();
  const flow = scope.flow;
  const dynamicKey = flow ? flow.nextDynamicKey(call.definition.taskKey) : randomUUID();
  return { rt: runtime(), scope, flow, flowSignal: flow?.signal, dynamicKey };
}

/** `await this.task(x)`: runs now and resolves to the value (or throws the task's error). */
export async function callTask<T>(call: TaskCall): Promise<T> {
  const outcome = await executeTask<T>(call, prepare(call));
  if (outcome.state.type === 'COMPLETED') return outcome.value as T;
  throw outcome.error ?? new Error(`Task run "${outcome.name}" ended ${outcome.state.name}`);
}

/**
 * `this.task.submit(x)`: runs through the flow's task runner; returns a future at once. Until its
 * turn comes a submitted task is only its call, its future and one queued function.
 */
export function submitTask<T>(call: TaskCall): TaskFuture<T> {
  const prepared = prepare(call);
  const flow = prepared.flow;
  if (!flow) return new TaskFuture<T>(executeTask<T>(call, prepared));
  const future = new TaskFuture<T>();
  const futures = flow.futures;
  futures.add(future);
  flow.runner.enqueue(() => runInScopeOf(prepared.scope, () => runSubmitted(call, prepared, future, futures)));
  return future;
}

async function runSubmitted<T>(
  call: TaskCall,
  prepared: Prepared,
  future: TaskFuture<T>,
  futures: Set<unknown>,
): Promise<void> {
  try {
    const outcome = await executeTask<T>(call, prepared);
    futures.delete(future);
    settleFuture(future, outcome);
  } catch (error) {
    // Stays among the flow's futures: the flow sees the engine's failure when it waits for them.
    failFuture(future, error);
  }
}

interface ResolvedArgs {
  args: unknown[];
  taskInputs: Record<string, { inputType: 'task_run'; id: string }[]>;
  upstreamFailure?: UpstreamFailedError;
}

/** Waits for futures among the arguments (top level, and inside arrays) and records them as inputs. */
async function resolveArgs(definition: TaskDefinition, args: unknown[]): Promise<ResolvedArgs> {
  const taskInputs: ResolvedArgs['taskInputs'] = {};
  let upstreamFailure: UpstreamFailedError | undefined;
  const resolveOne = async (value: unknown, param: string): Promise<unknown> => {
    const allow = isAllowFailure(value);
    const future = allow ? unwrapAllowFailure(value) : value instanceof TaskFuture ? value : null;
    if (!future) return value;
    const outcome = await future.settled;
    if (outcome.taskRunId) (taskInputs[param] ??= []).push({ inputType: 'task_run', id: outcome.taskRunId });
    if (outcome.state.type === 'COMPLETED') return outcome.value;
    if (allow) return outcome.error;
    upstreamFailure ??= new UpstreamFailedError(outcome.taskRunId ?? 'unknown', outcome.name, outcome.state.name);
    return undefined;
  };
  const resolved = await Promise.all(
    args.map(async (arg, i) => {
      const param = definition.params[i]?.name ?? `arg${i}`;
      if (Array.isArray(arg) && arg.some((a) => a instanceof TaskFuture || isAllowFailure(a))) {
        return Promise.all(arg.map((a) => resolveOne(a, param)));
      }
      return resolveOne(arg, param);
    }),
  );
  return { args: resolved, taskInputs, upstreamFailure };
}

function cacheKeyFor(
  call: TaskCall,
  flow: FlowRunContext | undefined,
  parameters: Record<string, unknown>,
): string | undefined {
  const { options, taskKey, name, sourceHash } = call.definition;
  const info = { parameters, flowRunId: flow?.flowRun.id ?? null, taskName: name, sourceHash };
  if (options.cacheKeyFn) return options.cacheKeyFn(info) ?? undefined;
  if (options.cachePolicy)
    return options.cachePolicy.key(taskKey, { ...info, flowParameters: flow?.parameters ?? {} }) ?? undefined;
  return undefined;
}

function outcomeOf<T>(run: TaskRun, state: State, extra: { value?: T; error?: unknown } = {}): TaskOutcome<T> {
  const outcome: TaskOutcome<T> = { state, taskRunId: run.id, name: run.name };
  if ('value' in extra) outcome.value = extra.value;
  if ('error' in extra) outcome.error = extra.error;
  return outcome;
}

/** Whether any argument is a future (top level, or inside an array) that must be waited for. */
function hasFutures(args: unknown[]): boolean {
  for (const arg of args) {
    if (arg instanceof TaskFuture || isAllowFailure(arg)) return true;
    if (Array.isArray(arg) && arg.some((a) => a instanceof TaskFuture || isAllowFailure(a))) return true;
  }
  return false;
}

async function executeTask<T>(call: TaskCall, prepared: Prepared): Promise<TaskOutcome<T>> {
  try {
    return await runTask<T>(call, prepared);
  } finally {
    // A flow flushes its runs' logs when it ends; a task called outside any flow must do it itself,
    // or a script that exits right after the call loses the lines still queued.
    if (!prepared.flow) await prepared.rt.shipper.flush();
  }
}

async function runTask<T>(call: TaskCall, prepared: Prepared): Promise<TaskOutcome<T>> {
  const { definition } = call;
  const { rt, flow } = prepared;
  const client = rt.client;
  const resolved: ResolvedArgs = hasFutures(call.args)
    ? await resolveArgs(definition, call.args)
    : { args: call.args, taskInputs: {} };
  const parameters: Record<string, unknown> = {};
  definition.params.forEach((p, i) => (parameters[p.name] = resolved.args[i]));
  const { options } = definition;
  const cacheKey = cacheKeyFor(call, flow, parameters);
  const cacheExpiration =
    cacheKey && options.cacheExpiration
      ? new Date(Date.now() + options.cacheExpiration * 1000).toISOString()
      : undefined;
  // Objects here are built by setting fields, not by `{ ...a, b }` spreads (see withTransitionId).
  const cacheDetails: { cacheKey?: string; cacheExpiration?: string } = {};
  if (cacheKey) cacheDetails.cacheKey = cacheKey;
  if (cacheExpiration) cacheDetails.cacheExpiration = cacheExpiration;

  let first: StateProposal;
  if (resolved.upstreamFailure) first = { type: 'FAILED', message: resolved.upstreamFailure.message };
  else {
    const stateDetails: StateProposal['stateDetails'] = Object.assign({}, cacheDetails);
    if (options.refreshCache) stateDetails.refreshCache = true;
    first = { type: 'RUNNING', stateDetails };
  }
  const proposal = withTransitionId(first);
  const input: TaskRunCreate = {
    flowRunId: flow?.flowRun.id,
    taskKey: definition.taskKey,
    dynamicKey: prepared.dynamicKey,
    name: renderName(options.taskRunName, parameters) ?? `${definition.name}-${prepared.dynamicKey.slice(0, 8)}`,
    tags: runTags(options.tags, prepared.scope.tags),
    taskVersion: definition.version,
    taskInputs: resolved.taskInputs,
    empiricalPolicy: {
      retries: options.retries ?? 0,
      retryDelaySeconds: options.retryDelaySeconds ?? 0,
      retryJitterFactor: options.retryJitterFactor,
    },
    state: proposal,
  };
  if (cacheKey) input.cacheKey = cacheKey;
  if (cacheExpiration) input.cacheExpiration = cacheExpiration;
  const created = await client.createTaskRun(input);
  const run = created.run;
  const logger = new ShippingLogger(
    { label: `task run '${run.name}'`, name: 'rigel.task_runs', flowRunId: flow?.flowRun.id, taskRunId: run.id },
    rt.shipper,
    rt.logThreshold,
  );
  if (resolved.upstreamFailure) {
    logger.warning(resolved.upstreamFailure.message);
    return outcomeOf(run, run.state!, { error: resolved.upstreamFailure });
  }
  let answer: OrchestrationResult;
  if (created.orchestrationResult) answer = normalizeResult(created.orchestrationResult, proposal);
  else if (run.state?.type === 'COMPLETED' && isLoadable(run.state.data))
    answer = { status: 'REJECT', state: run.state, details: { type: 'reject', reason: 'completed before' } };
  // Completed before without a stored result (persistResult: false): the value is gone, so it runs again.
  // The run existed: maybe our own create went through and only its answer was lost, so the same
  // proposal (same transition id) is sent again rather than a new one.
  else answer = await proposeState(client, 'task', run.id, proposal);
  return runAttempts<T>(call, prepared, run, answer, logger, cacheDetails, resolved.args, parameters);
}

async function runAttempts<T>(
  call: TaskCall,
  prepared: Prepared,
  run: TaskRun,
  answer: OrchestrationResult,
  logger: ShippingLogger,
  cacheDetails: { cacheKey?: string; cacheExpiration?: string },
  args: unknown[],
  parameters: Record<string, unknown>,
): Promise<TaskOutcome<T>> {
  const { definition } = call;
  const { options } = definition;
  const client = prepared.rt.client;
  for (let attempt = 1; ;) {
    if (answer.status === 'WAIT' && answer.details.type === 'wait') {
      await sleep(answer.details.delaySeconds * 1000);
      answer = await proposeState(client, 'task', run.id, { type: 'RUNNING', stateDetails: cacheDetails });
      continue;
    }
    if (answer.status === 'ABORT') {
      const reason = answer.details.type === 'abort' ? answer.details.reason : 'aborted';
      const error = new RunAbortedError('task', run.id, reason);
      logger.error(error.message);
      return outcomeOf(run, answer.state ?? abortedState(reason), { error });
    }
    const state = answer.state!;
    if (state.type === 'COMPLETED') {
      logger.debug(`Finished in state ${state.name}`);
      return outcomeOf<T>(run, state, { value: (await loadResult(client, state.data, run.name)) as T });
    }
    if (state.type === 'PAUSED' || state.type === 'SCHEDULED' || state.type === 'PENDING') {
      // NotReady (the flow is paused) or AwaitingRetry: wait, then propose RUNNING again.
      const at = state.stateDetails.scheduledTime ? Date.parse(state.stateDetails.scheduledTime) : Date.now() + 1000;
      await sleep(Math.max(0, at - Date.now()));
      answer = await proposeState(client, 'task', run.id, { type: 'RUNNING', stateDetails: cacheDetails });
      continue;
    }
    if (state.type !== 'RUNNING')
      return outcomeOf(run, state, { error: new Error(`Task run "${run.name}" is ${state.name}`) });

    run = Object.assign({}, run);
    run.state = state;
    run.stateType = state.type;
    run.stateName = state.name;
    run.runCount += 1;
    await runHooks(options.onRunning, { run, state }, logger);
    const controller = new AbortController();
    const context: TaskRunContext = { taskRun: run, definition, parameters, logger, signal: controller.signal };
    // SIGINT/SIGTERM mark this task run Crashed too, not only its flow run.
    const untrack = trackRun(run.id, { kind: 'task', client, controller }, () => prepared.rt.shipper.flush());
    let proposal: StateProposal;
    let value: unknown;
    let error: unknown;
    try {
      value = await withTimeout(
        () => runInScope({ task: context }, () => definition.fn.apply(call.thisArg, args) as Promise<unknown>),
        options.timeoutSeconds,
        controller,
        'task',
        prepared.flowSignal,
      );
      const data = await persistResult(client, value, options.persistResult);
      if (data.type === 'unpersisted' && options.persistResult === undefined)
        logger.debug(`Result not persisted: ${data.reason}`);
      proposal = { type: 'COMPLETED', data, stateDetails: cacheDetails };
    } catch (thrown) {
      error = thrown;
      // Stopped because its flow attempt ended: retrying inside that attempt makes no sense.
      const retriable = prepared.flowSignal?.aborted
        ? false
        : options.retryCondition
          ? // A condition that throws (even synchronously) means "do not retry", never a stuck run.
            await (async () => options.retryCondition!(thrown, attempt))().catch(() => false)
          : true;
      proposal = {
        type: 'FAILED',
        name: (thrown as Error)?.name === 'RunTimeoutError' ? 'TimedOut' : 'Failed',
        message: errorMessage(thrown),
        stateDetails: retriable ? {} : { retriable: false },
      };
    }
    answer = await proposeState(client, 'task', run.id, proposal).finally(untrack);
    const written = answer.state;
    if (written?.type === 'SCHEDULED') {
      logger.info(`Failed (${errorMessage(error)}); retrying at ${written.stateDetails.scheduledTime}`);
      attempt++;
      continue;
    }
    if (written?.type === 'COMPLETED' && !error) {
      await runHooks(options.onCompletion, { run, state: written }, logger);
      logger.debug(`Finished in state ${written.name}`);
      return outcomeOf<T>(run, written, { value: value as T });
    }
    if (written && written.type !== 'RUNNING') {
      await runHooks(options.onFailure, { run, state: written, error }, logger);
      logger.error(`Finished in state ${written.name}: ${written.message ?? ''}`);
      return outcomeOf(run, written, { error: error ?? new Error(written.message ?? written.name) });
    }
    return outcomeOf(run, written ?? abortedState('no state'), {
      error: error ?? new Error('the task run did not finish'),
    });
  }
}

/** The task's own tags and those of the calling scope, each once. */
function runTags(own: readonly string[] | undefined, scoped: readonly string[]): string[] {
  if (!own?.length) return scoped.length ? [...new Set(scoped)] : [];
  return [...new Set([...own, ...scoped])];
}

function abortedState(reason: string): State {
  return {
    id: '',
    type: 'FAILED',
    name: 'Aborted',
    timestamp: new Date().toISOString(),
    message: reason,
    stateDetails: {},
    data: null,
  };
}

export type { OrchestrationClient };
