/**
 * Retries: a failure with attempts left becomes AwaitingRetry (SCHEDULED at now + delay) instead of
 * FAILED; the client waits until then and proposes RUNNING again, which is then named Retrying.
 */
import type { OrchestrationContext } from '../context';
import type { ProposedState } from '../records';
import { ANY_STATE, OrchestrationRule, states } from '../rule';

/** The most entries a `retryDelaySeconds` list may have. */
export const MAX_RETRY_DELAYS = 50;

interface RetryPolicy {
  retries?: number;
  retryDelaySeconds?: number | number[];
  retryJitterFactor?: number;
}

function awaitingRetry(ctx: OrchestrationContext, delaySeconds: number): ProposedState {
  const proposed = ctx.proposedState!;
  const scheduledTime = new Date(ctx.now().getTime() + Math.round(delaySeconds * 1000)).toISOString();
  return {
    type: 'SCHEDULED',
    name: 'AwaitingRetry',
    message: proposed.message,
    stateDetails: { scheduledTime },
    data: proposed.data,
  };
}

/**
 * The delay before retry number `attempt` (1-based): a number, or a list indexed by attempt with its
 * last value repeated.
 */
export function baseRetryDelay(delay: RetryPolicy['retryDelaySeconds'], attempt: number): number {
  if (Array.isArray(delay)) {
    if (delay.length === 0) return 0;
    return delay[Math.min(Math.max(attempt, 1), delay.length) - 1] ?? 0;
  }
  return typeof delay === 'number' ? delay : 0;
}

/**
 * Jitter: a delay drawn uniformly from [base × (1 − factor), base × (1 + factor)] (never below 0), so a
 * crowd of failing tasks does not retry in lock-step and the average stays near `base` (for factor ≤ 1).
 */
export function jitteredDelay(base: number, factor: number, random: () => number): number {
  if (base <= 0 || factor <= 0) return base;
  const lower = base * Math.max(0, 1 - factor);
  const upper = base * (1 + factor);
  return lower + (upper - lower) * random();
}

/** RUNNING → FAILED (flow runs): `runCount <= retries` → REJECT into AwaitingRetry(now + retryDelaySeconds). */
export class RetryFailedFlows extends OrchestrationRule {
  static override readonly FROM_STATES = states('RUNNING');
  static override readonly TO_STATES = states('FAILED');

  override async beforeTransition(ctx: OrchestrationContext): Promise<void> {
    const policy = ctx.run.empiricalPolicy as RetryPolicy;
    const retries = policy.retries ?? 0;
    if (ctx.run.runCount > retries) return;
    const delay = baseRetryDelay(policy.retryDelaySeconds, ctx.run.runCount);
    this.reject(
      awaitingRetry(ctx, delay),
      `Retrying: attempt ${ctx.run.runCount} of ${retries + 1} failed; next in ${delay} s`,
    );
  }
}

/**
 * RUNNING → CRASHED (deployment runs): the process running it died (killed, machine lost, interrupted);
 * `runCount <= retries` → REJECT into AwaitingRetry(now + retryDelaySeconds), so a worker runs it again
 * (reliability.md promise 2); its completed task runs are not executed again. The crash is the reason
 * recorded with the decision. A run without a deployment has no worker to run it again.
 */
export class RetryCrashedDeploymentRuns extends OrchestrationRule {
  static override readonly FROM_STATES = states('RUNNING');
  static override readonly TO_STATES = states('CRASHED');

  override async beforeTransition(ctx: OrchestrationContext): Promise<void> {
    if (!ctx.run.deploymentId) return;
    const policy = ctx.run.empiricalPolicy as RetryPolicy;
    const retries = policy.retries ?? 0;
    if (ctx.run.runCount > retries) return;
    const delay = baseRetryDelay(policy.retryDelaySeconds, ctx.run.runCount);
    const crash = ctx.proposedState!.message ?? 'the run crashed';
    this.reject(
      awaitingRetry(ctx, delay),
      `Retrying: attempt ${ctx.run.runCount} of ${retries + 1} crashed (${crash}); next in ${delay} s`,
    );
  }
}

/**
 * RUNNING → FAILED (task runs): `retriable === false` → the failure stands; `runCount <= retries` →
 * REJECT into AwaitingRetry(now + delay), the delay taken from a number or a list by attempt, plus
 * jitter when `retryJitterFactor` is set.
 */
export class RetryFailedTasks extends OrchestrationRule {
  static override readonly FROM_STATES = states('RUNNING');
  static override readonly TO_STATES = states('FAILED');

  override async beforeTransition(ctx: OrchestrationContext): Promise<void> {
    if (ctx.proposedState!.stateDetails.retriable === false) return;
    const policy = ctx.run.empiricalPolicy as RetryPolicy;
    const retries = policy.retries ?? 0;
    if (ctx.run.runCount > retries) return;
    const base = baseRetryDelay(policy.retryDelaySeconds, ctx.run.runCount);
    const delay = jitteredDelay(base, policy.retryJitterFactor ?? 0, ctx.random);
    const shown = Math.round(delay * 1000) / 1000;
    this.reject(
      awaitingRetry(ctx, delay),
      `Retrying: attempt ${ctx.run.runCount} of ${retries + 1} failed; next in ${shown} s`,
    );
  }
}

/** any → RUNNING (task runs): a run that ran before is named Retrying after AwaitingRetry, else Rerunning. */
export class RenameReruns extends OrchestrationRule {
  static override readonly FROM_STATES = ANY_STATE;
  static override readonly TO_STATES = states('RUNNING');

  override async beforeTransition(ctx: OrchestrationContext): Promise<void> {
    if (ctx.run.runCount <= 0) return;
    const proposed = ctx.proposedState!;
    if (proposed.name !== 'Running') return;
    this.rename(
      ctx.initialState?.name === 'AwaitingRetry' ? 'Retrying' : 'Rerunning',
      `run ${ctx.run.runCount + 1} of this run`,
    );
  }
}
