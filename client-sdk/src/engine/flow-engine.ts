/**
 * Flow runs (orchestration.md §8): create the run (Pending), propose RUNNING (obeying WAIT), run the
 * body, wait for the tasks it submitted, propose COMPLETED with a result reference or FAILED — and
 * when the server answers AwaitingRetry, wait until its time and run the body again. Task calls keep
 * their identity across attempts (durable resume). A flow called inside a flow is a subflow: a task run
 * in the parent stands for it and mirrors its states.
 */
import { randomUUID } from 'node:crypto';
import type { State, StateProposal } from '@rigel/server';
import type { FlowRun, FlowRunUpdate } from '../client/types';
import {
  ApiUnreachableError,
  ParameterValidationError,
  RunAbortedError,
  RunCancelledError,
  RunCrashedError,
  RunFailedError,
} from '../errors';
import { ShippingLogger } from '../logging/run-logger';
import type { FlowDefinition } from '../metadata/registry';
import { coerceParameters } from '../metadata/parameters';
import { currentScope, FlowRunContext, runInScope } from './context';
import { startHeartbeat } from './heartbeat';
import { runHooks } from './hooks';
import { trackRun } from './interrupts';
import { enableLogPrints } from './log-prints';
import { proposeState, sleep } from './propose';
import { loadResult, persistResult } from './results';
import { TaskRunner } from './runner';
import { flowId, runtime, type Runtime } from './runtime';
import { toJsonParameters } from './serialization';
import { FlowSuspended } from './pause';
import { isReturnedState } from './states';
import { errorMessage, renderName, withTimeout } from './timeouts';

export interface FlowCallOptions {
  /** Resolve to the final state instead of the value (and do not throw when the run failed). */
  returnState?: boolean;
}

export interface FlowCall {
  definition: FlowDefinition;
  thisArg: unknown;
  args: unknown[];
  options: FlowCallOptions;
}

interface Body {
  value?: unknown;
  error?: unknown;
  proposal: StateProposal;
  /** The body suspended the run (suspendFlowRun): nothing more is proposed by this process. */
  suspended?: boolean;
}

export async function callFlow(call: FlowCall): Promise<unknown> {
  const rt = runtime();
  const scope = currentScope();
  const parent = scope.flow;
  // The parent's call counter is read now, before any await, so subflow identity does not depend on timing.
  const parentKey = parent
    ? {
        taskKey: `subflow:${call.definition.name}`,
        dynamicKey: parent.nextDynamicKey(`subflow:${call.definition.name}`),
      }
    : null;
  const { definition } = call;
  const { options } = definition;
  const checked =
    options.validateParameters === false
      ? { values: call.args, problems: [] }
      : await coerceParameters(definition.params, call.args);
  const parameters: Record<string, unknown> = {};
  definition.params.forEach((p, i) => {
    if (checked.values[i] !== undefined) parameters[p.name] = checked.values[i];
  });

  let parentTaskRunId: string | undefined;
  if (parent && parentKey) {
    const { run: parentTask } = await rt.client.createTaskRun({
      flowRunId: parent.flowRun.id,
      ...parentKey,
      name: `${definition.name}-${parentKey.dynamicKey}`,
      state: { type: 'PENDING' },
    });
    if (parentTask.state?.type === 'COMPLETED') return finish(call, rt, parentTask.name, parentTask.state, undefined);
    parentTaskRunId = parentTask.id;
  }

  const { run } = await rt.client.createFlowRun({
    flowId: await flowId(rt, definition.name),
    name: renderName(options.flowRunName, parameters),
    flowVersion: definition.version,
    parameters: toJsonParameters(parameters),
    tags: [...new Set([...(options.tags ?? []), ...scope.tags])],
    idempotencyKey: parentTaskRunId ? `subflow:${parentTaskRunId}` : randomUUID(),
    ...(parentTaskRunId ? { parentTaskRunId } : {}),
    empiricalPolicy: { retries: options.retries ?? 0, retryDelaySeconds: options.retryDelaySeconds ?? 0 },
    state: { type: 'PENDING' },
  });
  const logger = new ShippingLogger(
    { label: `flow run '${run.name}'`, name: 'rigel.flow_runs', flowRunId: run.id },
    rt.shipper,
    rt.logThreshold,
  );
  if (run.state?.type === 'COMPLETED') return finish(call, rt, run.name, run.state, undefined);

  if (checked.problems.length > 0) {
    const error = new ParameterValidationError(definition.name, checked.problems);
    logger.error(error.message);
    const answer = await proposeState(rt.client, 'flow', run.id, { type: 'FAILED', message: error.message });
    await rt.shipper.flush();
    return finish(call, rt, run.name, answer.state!, { error, proposal: { type: 'FAILED', message: error.message } });
  }

  return executeFlowRun(call, rt, run, checked.values, logger);
}

/**
 * Runs an existing flow run with the flow's code — a deployment run a worker claimed (the child
 * process) or a served flow. Parameters come from the run; resolves to the final state.
 */
export async function runFlowRunById(definition: FlowDefinition, thisArg: unknown, flowRunId: string): Promise<State> {
  const rt = runtime();
  const created = await rt.client.readFlowRun(flowRunId);
  const args = definition.params.map((p) => created.parameters[p.name]);
  const checked =
    definition.options.validateParameters === false
      ? { values: args, problems: [] }
      : await coerceParameters(definition.params, args);
  const run = await adoptFlowOptions(rt, definition, created, checked.problems.length ? null : checked.values);
  const call: FlowCall = { definition, thisArg, args: checked.values, options: { returnState: true } };
  const logger = new ShippingLogger(
    { label: `flow run '${run.name}'`, name: 'rigel.flow_runs', flowRunId: run.id },
    rt.shipper,
    rt.logThreshold,
  );
  if (checked.problems.length > 0) {
    const error = new ParameterValidationError(definition.name, checked.problems);
    logger.error(error.message);
    const answer = await proposeState(rt.client, 'flow', run.id, { type: 'FAILED', message: error.message });
    await rt.shipper.flush();
    return answer.state!;
  }
  return (await executeFlowRun(call, rt, run, checked.values, logger)) as State;
}

/**
 * A run created elsewhere (a deployment run) takes what the flow's code declares, in one update: the
 * retry policy where the run does not set one (so the server's RetryFailedFlows rule sees it), and the
 * name `flowRunName` gives for its parameters (as Prefect renames a deployment run when it starts).
 * `values` are the checked parameter values, null when they failed validation (the run keeps its name).
 */
async function adoptFlowOptions(
  rt: Runtime,
  definition: FlowDefinition,
  run: FlowRun,
  values: unknown[] | null,
): Promise<FlowRun> {
  const { options } = definition;
  const policy = run.empiricalPolicy ?? {};
  const missing: { retries?: number; retryDelaySeconds?: number } = {};
  if (policy.retries === undefined && options.retries !== undefined) missing.retries = options.retries;
  if (policy.retryDelaySeconds === undefined && options.retryDelaySeconds !== undefined)
    missing.retryDelaySeconds = options.retryDelaySeconds;
  const update: FlowRunUpdate = {};
  if (Object.keys(missing).length > 0) update.empiricalPolicy = missing;
  if (options.flowRunName && values) {
    const parameters: Record<string, unknown> = {};
    definition.params.forEach((p, i) => {
      if (values[i] !== undefined) parameters[p.name] = values[i];
    });
    try {
      const name = renderName(options.flowRunName, parameters);
      if (name && name !== run.name) update.name = name;
    } catch (error) {
      process.stderr.write(`rigel: flowRunName failed (${errorMessage(error)}); the run keeps the name ${run.name}\n`);
    }
  }
  if (Object.keys(update).length === 0) return run;
  return rt.client.updateFlowRun(run.id, update);
}

/** Runs the attempts of a created flow run: heartbeats, interrupts, cancellation, hooks, the answer. */
async function executeFlowRun(
  call: FlowCall,
  rt: Runtime,
  run: FlowRun,
  args: unknown[],
  logger: ShippingLogger,
): Promise<unknown> {
  const { definition } = call;
  const controller = new AbortController();
  const context = new FlowRunContext(
    run,
    definition,
    rt.client,
    Object.fromEntries(definition.params.map((p, i) => [p.name, args[i]]).filter(([, v]) => v !== undefined)),
    TaskRunner.from(definition.options.taskRunner),
    logger,
    controller.signal,
  );
  const onCrashed = (state: State, error?: unknown) => runFinalHooks(definition, context.flowRun, state, error, logger);
  const untrack = trackRun(run.id, { kind: 'flow', client: rt.client, controller, onCrashed }, () =>
    rt.shipper.flush(),
  );
  // A cancellation (CANCELLING) seen at a heartbeat stops the body; the run then ends Cancelled.
  const stopHeartbeat = startHeartbeat(rt.client, run.id, rt.settings.heartbeatIntervalSeconds, (current) => {
    if (current.stateType !== 'CANCELLING' || context.cancelRequested) return;
    context.cancelRequested = true;
    logger.warning('Cancellation requested: stopping the flow run');
    controller.abort(new RunCancelledError(run.id));
  });
  try {
    const { state, body } = await runAttempts(call, rt, context, args, controller);
    await runFinalHooks(definition, context.flowRun, state, body?.error, logger);
    logger.info(
      state.type === 'PAUSED'
        ? 'Suspended: this process stops here; the run goes on when it is resumed'
        : `Finished in state ${state.name}${state.message ? `: ${state.message}` : ''}`,
    );
    await rt.shipper.flush();
    return finish(call, rt, run.name, state, body);
  } catch (error) {
    if (
      error instanceof RunAbortedError ||
      error instanceof RunFailedError ||
      error instanceof ParameterValidationError
    )
      throw error;
    // An error outside user code (the API unreachable beyond the retry budget, a bug): the run crashed.
    const message = `The engine failed outside user code: ${errorMessage(error)}`;
    logger.critical(message);
    const answer = await proposeState(rt.client, 'flow', run.id, { type: 'CRASHED', message }).catch(() => null);
    // The hooks run even when the API could not record the crash: that is when an alert matters most.
    await onCrashed(answer?.state?.type === 'CRASHED' ? answer.state : crashedState(message), error);
    await rt.shipper.flush();
    throw new RunCrashedError(message, { cause: error });
  } finally {
    stopHeartbeat();
    untrack();
  }
}

async function runAttempts(
  call: FlowCall,
  rt: Runtime,
  context: FlowRunContext,
  args: unknown[],
  controller: AbortController,
): Promise<{ state: State; body?: Body }> {
  const { definition } = call;
  const logger = context.logger;
  for (let attempt = 1; ; attempt++) {
    const start = await proposeState(
      rt.client,
      'flow',
      context.flowRun.id,
      { type: 'RUNNING' },
      { signal: controller.signal },
    );
    if (start.status === 'ABORT') {
      throw new RunAbortedError(
        'flow',
        context.flowRun.id,
        start.details.type === 'abort' ? start.details.reason : 'aborted',
      );
    }
    if (start.state?.type !== 'RUNNING') return { state: start.state! };
    context.flowRun = { ...context.flowRun, state: start.state, stateType: 'RUNNING', stateName: start.state.name };
    if (attempt === 1) logger.info(`Beginning flow run '${context.flowRun.name}' for flow '${definition.name}'`);
    await runHooks(definition.options.onRunning, { run: context.flowRun, state: start.state }, logger);
    // Each attempt has its own signal (a timeout ends one attempt, not the retries); an interrupt ends all.
    const attemptController = new AbortController();
    context.resetForAttempt(AbortSignal.any([controller.signal, attemptController.signal]));
    const body = await runBody(call, rt, context, args, attemptController);
    if (body.suspended) {
      const current = await rt.client.readFlowRun(context.flowRun.id);
      return { state: current.state!, body };
    }
    if (context.cancelRequested) {
      const cancelled = await proposeState(rt.client, 'flow', context.flowRun.id, {
        type: 'CANCELLED',
        message: 'Cancelled while running',
      });
      return {
        state: cancelled.state!,
        body: { ...body, error: body.error ?? new RunCancelledError(context.flowRun.id) },
      };
    }
    const answer = await proposeState(rt.client, 'flow', context.flowRun.id, body.proposal);
    const state = answer.state!;
    if (answer.status === 'REJECT' && state.type === 'SCHEDULED') {
      const at = state.stateDetails.scheduledTime ?? new Date().toISOString();
      logger.info(`Attempt ${attempt} failed (${errorMessage(body.error)}); retrying at ${at}`);
      await sleep(Date.parse(at) - Date.now(), controller.signal);
      continue;
    }
    return { state, body };
  }
}

async function runBody(
  call: FlowCall,
  rt: Runtime,
  context: FlowRunContext,
  args: unknown[],
  controller: AbortController,
): Promise<Body> {
  const { definition } = call;
  const logPrints = definition.options.logPrints ?? false;
  if (logPrints) enableLogPrints();
  try {
    const value = await withTimeout(
      () =>
        runInScope(
          { flow: context, task: undefined, logPrints },
          () => definition.fn.apply(call.thisArg, args) as Promise<unknown>,
        ),
      definition.options.timeoutSeconds,
      controller,
      'flow',
      // A cancellation (or an interrupt) stops waiting for the body even if it ignores the signal.
      context.signal,
    );
    // Submitted tasks finish before the flow does (their failures do not fail it unless awaited).
    await Promise.all([...context.futures].map((f) => f.settled));
    if (isReturnedState(value))
      return { value: undefined, proposal: { type: value.type, name: value.name, message: value.message ?? null } };
    const data = await persistResult(rt.client, value, definition.options.persistResult);
    if (data.type === 'unpersisted' && definition.options.persistResult === undefined) {
      context.logger.warning(`The flow's result was not persisted: ${data.reason}`);
    }
    return { value, proposal: { type: 'COMPLETED', data } };
  } catch (error) {
    await Promise.allSettled([...context.futures].map((f) => f.settled));
    // Losing the API is not the body's failure: callFlow proposes CRASHED (orchestration.md §8).
    if (error instanceof ApiUnreachableError) throw error;
    if (error instanceof FlowSuspended) return { suspended: true, proposal: { type: 'PAUSED' } };
    const timedOut = (error as Error)?.name === 'RunTimeoutError';
    context.logger.error(`The flow body raised ${errorMessage(error)}`);
    return {
      error,
      proposal: { type: 'FAILED', name: timedOut ? 'TimedOut' : 'Failed', message: errorMessage(error) },
    };
  }
}

async function runFinalHooks(
  definition: FlowDefinition,
  run: FlowRun,
  state: State,
  error: unknown,
  logger: ShippingLogger,
): Promise<void> {
  const { options } = definition;
  const hooks =
    state.type === 'COMPLETED'
      ? options.onCompletion
      : state.type === 'FAILED'
        ? options.onFailure
        : state.type === 'CANCELLED'
          ? options.onCancellation
          : state.type === 'CRASHED'
            ? options.onCrashed
            : undefined;
  await runHooks(hooks, { run: { ...run, state, stateType: state.type, stateName: state.name }, state, error }, logger);
}

function crashedState(message: string): State {
  return {
    id: '',
    type: 'CRASHED',
    name: 'Crashed',
    timestamp: new Date().toISOString(),
    message,
    stateDetails: {},
    data: null,
  };
}

/**
 * The caller's answer: the state (returnState), the value, or a RunFailedError carrying the cause.
 * `body` is what this call's body produced; without it (the run completed before) the value is read
 * from the stored result.
 */
async function finish(
  call: FlowCall,
  rt: Runtime,
  runName: string,
  state: State,
  body: Body | undefined,
): Promise<unknown> {
  if (call.options.returnState) return state;
  if (state.type === 'COMPLETED') return body ? body.value : loadResult(rt.client, state.data, runName);
  if (body?.error instanceof ParameterValidationError) throw body.error;
  throw new RunFailedError('flow', runName, state, body?.error);
}
