/**
 * Pausing a flow run from its body. `pauseFlowRun()` moves the run to Paused and waits in the process
 * until it is resumed (from the dashboard, `POST /api/flow-runs/:id/resume` or another script), its
 * pause times out (the run fails) or it is cancelled. `suspendFlowRun()` (deployment runs) ends the
 * process instead; on resume a worker runs the flow again, and completed task calls are not repeated.
 * With `waitForInput: SomeDto`, the run asks for input of that class (its JSON schema is stored with
 * the run); the value given on resume is returned, validated by the server against the schema.
 */
import { plainToInstance } from 'class-transformer';
import { isTerminal } from '@rigel/server/contract';
import { RigelSdkError, RunAbortedError, RunCancelledError } from '../errors';
import { classSchema } from '../metadata/schema';
import { currentScope, type FlowRunContext } from './context';
import { proposeState, sleep } from './propose';

export interface PauseOptions<T> {
  /** Fail the run if it is not resumed within this many seconds (default one hour). */
  timeoutSeconds?: number;
  /** Identifies the pause; the default is its position in the flow (`pause-1`, `pause-2`, …). */
  key?: string;
  /** A DTO class: the run waits for input of this class, given on resume. */
  waitForInput?: new () => T;
  /** How often a waiting process checks whether it was resumed (default 1 s). */
  pollIntervalSeconds?: number;
}

/** Thrown through the flow body when it suspends: the engine ends the process's work, not the run. */
export class FlowSuspended extends Error {
  constructor(readonly flowRunId: string) {
    super(`The flow run ${flowRunId} is suspended until it is resumed`);
  }
}

function flowContext(what: string): FlowRunContext {
  const scope = currentScope();
  if (!scope.flow || scope.task)
    throw new RigelSdkError(`${what}() can only be called in a flow's body (not in a task, not outside a run)`);
  return scope.flow;
}

async function inputOf<T>(flow: FlowRunContext, key: string, type: (new () => T) | undefined): Promise<T | undefined> {
  if (!type) return undefined;
  const value = await flow.client.readFlowRunInput(flow.flowRun.id, `${key}-response`);
  return value == null ? undefined : plainToInstance(type, value);
}

async function pause<T>(what: string, options: PauseOptions<T>, suspend: boolean): Promise<T | undefined> {
  const flow = flowContext(what);
  const { client, logger } = flow;
  const runId = flow.flowRun.id;
  const key = options.key ?? flow.nextPauseKey();
  const keyset = options.waitForInput ? { schema: `${key}-schema`, response: `${key}-response` } : undefined;
  if (keyset)
    await client.setFlowRunInput(
      runId,
      keyset.schema,
      classSchema(options.waitForInput as unknown as new () => object),
    );
  const timeout = new Date(Date.now() + (options.timeoutSeconds ?? 3600) * 1000).toISOString();
  const answer = await proposeState(client, 'flow', runId, {
    type: 'PAUSED',
    name: suspend ? 'Suspended' : 'Paused',
    stateDetails: {
      pauseKey: key,
      pauseTimeout: timeout,
      pauseReschedule: suspend,
      ...(keyset ? { runInputKeyset: keyset } : {}),
    },
  });
  if (answer.status === 'ABORT') {
    throw new RunAbortedError('flow', runId, answer.details.type === 'abort' ? answer.details.reason : 'aborted');
  }
  // REJECT: this pause already happened (a resumed run replaying its code): go on with its input.
  if (answer.state?.type !== 'PAUSED') return inputOf(flow, key, options.waitForInput);
  logger.info(
    `${suspend ? 'Suspended' : 'Paused'} (${key}): waiting to be resumed until ${timeout}${keyset ? ', with input' : ''}`,
  );
  if (suspend) throw new FlowSuspended(runId);
  for (;;) {
    await sleep((options.pollIntervalSeconds ?? 1) * 1000, flow.signal);
    if (flow.cancelRequested || flow.signal.aborted) throw new RunCancelledError(runId);
    const run = await client.readFlowRun(runId);
    if (run.stateType === 'RUNNING') break;
    if (run.stateType === 'CANCELLING' || run.stateType === 'CANCELLED') throw new RunCancelledError(runId);
    if (isTerminal(run.stateType)) {
      throw new RigelSdkError(
        `The flow run was not resumed: it ended ${run.stateName}${run.state?.message ? ` (${run.state.message})` : ''}`,
      );
    }
  }
  logger.info(`Resumed (${key})`);
  return inputOf(flow, key, options.waitForInput);
}

/** Pauses the current flow run until it is resumed; returns the input given on resume, if asked for. */
export function pauseFlowRun<T = void>(options: PauseOptions<T> = {}): Promise<T | undefined> {
  return pause('pauseFlowRun', options, false);
}

/**
 * Suspends the current (deployment) flow run: its process stops, and on resume a worker runs the flow
 * again from the start, reusing completed task results; this call then returns the input given.
 */
export function suspendFlowRun<T = void>(options: PauseOptions<T> = {}): Promise<T | undefined> {
  return pause('suspendFlowRun', options, true);
}
