/**
 * Errors the SDK raises to user code. Server errors (ObjectNotFoundError, ValidationFailedError, …)
 * are re-exported from the contract so callers catch the same classes in both modes.
 */
import type { State } from '@rigel/server';

export class RigelSdkError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A flow's parameters failed validation; the flow run is Failed before its body ran. */
export class ParameterValidationError extends RigelSdkError {
  constructor(
    readonly flowName: string,
    readonly problems: { field: string; message: string }[],
  ) {
    super(`Invalid parameters for flow "${flowName}": ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  }
}

/** The orchestration engine aborted a transition (e.g. the run was claimed twice, or a limit is 0). */
export class RunAbortedError extends RigelSdkError {
  constructor(
    readonly runKind: 'flow' | 'task',
    readonly runId: string,
    readonly reason: string,
  ) {
    super(`The ${runKind} run ${runId} was aborted by the orchestration engine: ${reason}`);
  }
}

/** A run ended in a final state other than Completed; `state` is that state. */
export class RunFailedError extends RigelSdkError {
  constructor(
    readonly runKind: 'flow' | 'task',
    readonly runName: string,
    readonly state: State,
    cause?: unknown,
  ) {
    super(`The ${runKind} run "${runName}" ended ${state.name}${state.message ? `: ${state.message}` : ''}`, { cause });
  }
}

/** A task did not run because a task it depends on did not complete. */
export class UpstreamFailedError extends RigelSdkError {
  constructor(
    readonly upstreamTaskRunId: string,
    readonly upstreamName: string,
    readonly upstreamState: string,
  ) {
    super(
      `Upstream task run "${upstreamName}" (${upstreamTaskRunId}) ended ${upstreamState}, so this task did not run`,
    );
  }
}

/** A flow or task exceeded `timeoutSeconds`. */
export class RunTimeoutError extends RigelSdkError {
  constructor(
    readonly runKind: 'flow' | 'task',
    readonly timeoutSeconds: number,
  ) {
    super(`The ${runKind} run timed out after ${timeoutSeconds} s`);
  }
}

/** The API could not be reached within the retry budget. */
export class ApiUnreachableError extends RigelSdkError {
  constructor(
    readonly target: string,
    readonly afterSeconds: number,
    readonly lastProblem: string,
  ) {
    super(
      `The Rigel API at ${target} could not be reached for ${afterSeconds} s (last: ${lastProblem}). ` +
        'Is the server running? Check RIGEL_API_URL, or unset it to run in ephemeral mode on the local database.',
    );
  }
}

/** A value could not be persisted as a result. */
export class ResultNotPersistableError extends RigelSdkError {}

/** The run was cancelled (from the API, the CLI or the dashboard) while it ran. */
export class RunCancelledError extends RigelSdkError {
  constructor(readonly flowRunId: string) {
    super(`The flow run ${flowRunId} was cancelled`);
  }
}

/** The process was interrupted (SIGINT/SIGTERM) or the engine failed outside user code. */
export class RunCrashedError extends RigelSdkError {}

/** A flow or task name is registered twice in one process. */
export class DuplicateNameError extends RigelSdkError {}
