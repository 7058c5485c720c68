/**
 * Proposing a state and obeying the answer's WAIT: sleep `delaySeconds` and propose again (the same
 * transition id, so a retried request is a no-op on the server). A REJECT that returns our own
 * transition is an ACCEPT whose response was lost.
 */
import { randomUUID } from 'node:crypto';
import type { OrchestrationResult, StateProposal } from '@rigel/server';
import type { OrchestrationClient } from '../client/types';

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Gives a proposal its transition id, keeping one it already has: re-sending a proposal whose answer
 * was lost (e.g. the one a task run was created with) must be recognised as the same transition.
 */
export function withTransitionId(state: StateProposal): StateProposal {
  // Object.assign, then a property set, rather than `{ ...a, b }`: on this hot path V8 gives every
  // object built by spread-then-add a map of its own (slow to build, ~200 bytes each to keep).
  const stateDetails = Object.assign({}, state.stateDetails);
  stateDetails.transitionId ??= randomUUID();
  const proposal = Object.assign({}, state);
  proposal.stateDetails = stateDetails;
  return proposal;
}

/** Normalises an answer: our own transition coming back as "already made" counts as ACCEPT. */
export function normalizeResult(result: OrchestrationResult, proposal: StateProposal): OrchestrationResult {
  const ours = proposal.stateDetails?.transitionId;
  if (result.status === 'REJECT' && ours && result.state?.stateDetails.transitionId === ours) {
    return { ...result, status: 'ACCEPT', details: { type: 'accept' } };
  }
  return result;
}

/**
 * How long to sleep on a WAIT. The server answers in whole seconds (rounded up); a run waiting for
 * its scheduled start wakes right at that time instead, so it starts on time rather than up to a
 * second late. A clock running ahead of the server's only costs one more (whole-second) WAIT.
 */
export function waitMilliseconds(result: OrchestrationResult, now: number = Date.now()): number {
  const whole = result.details.type === 'wait' ? result.details.delaySeconds * 1000 : 0;
  const scheduledTime = result.state?.stateDetails.scheduledTime;
  if (!scheduledTime) return whole;
  const untilScheduled = Date.parse(scheduledTime) - now;
  return untilScheduled > 0 && untilScheduled < whole ? untilScheduled + SCHEDULED_WAKE_MARGIN_MS : whole;
}

const SCHEDULED_WAKE_MARGIN_MS = 5;

let interrupted = false;

/** SIGINT/SIGTERM: the runs are being marked Crashed and the process exits; nothing else is proposed. */
export function markInterrupted(): void {
  interrupted = true;
}

export async function proposeState(
  client: OrchestrationClient,
  kind: 'flow' | 'task',
  runId: string,
  state: StateProposal,
  options: { force?: boolean; signal?: AbortSignal; interrupting?: boolean } = {},
): Promise<OrchestrationResult> {
  // Never settles: the process exits once the Crashed states are recorded.
  if (interrupted && !options.interrupting) return new Promise<never>(() => undefined);
  const proposal = withTransitionId(state);
  for (;;) {
    const raw =
      kind === 'flow'
        ? await client.setFlowRunState(runId, proposal, options.force)
        : await client.setTaskRunState(runId, proposal, options.force);
    const result = normalizeResult(raw, proposal);
    if (result.status !== 'WAIT' || result.details.type !== 'wait') return result;
    await sleep(waitMilliseconds(result), options.signal);
    if (options.signal?.aborted) return result;
  }
}
