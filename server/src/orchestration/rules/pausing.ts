/**
 * Pausing and resuming flow runs. A running flow may pause (waiting in its process) or suspend (its
 * process exits; a deployment run is rescheduled on resume). Each pause has a key, so a flow that
 * replays its code after a resume does not pause again at the same point; a pause past its timeout
 * can no longer resume.
 */
import { randomUUID } from 'node:crypto';
import { isTerminal } from '../../schemas/states';
import type { OrchestrationContext } from '../context';
import { ALL_STATES, ANY_STATE, OrchestrationRule, states } from '../rule';

function pauseKeys(ctx: OrchestrationContext): string[] {
  const keys = ctx.run.empiricalPolicy.pauseKeys;
  return Array.isArray(keys) ? (keys as string[]) : [];
}

/**
 * any → PAUSED: only a RUNNING run may pause (REJECT otherwise); a pause key already used → REJECT;
 * suspending (pauseReschedule) needs a deployment and is not for subflows (ABORT). The key is recorded.
 */
export class HandlePausingFlows extends OrchestrationRule {
  static override readonly FROM_STATES = ANY_STATE;
  static override readonly TO_STATES = states('PAUSED');
  private original?: Record<string, unknown>;

  override async beforeTransition(ctx: OrchestrationContext): Promise<void> {
    const initial = ctx.initialState;
    const proposed = ctx.proposedState!;
    if (!initial) return this.abort('A run without a state cannot pause');
    if (initial.type !== 'RUNNING')
      return this.reject(null, `Only a running flow run can pause (this one is ${initial.name})`);
    const key = proposed.stateDetails.pauseKey ?? randomUUID();
    if (pauseKeys(ctx).includes(key)) return this.reject(null, `This pause (key "${key}") has already happened`);
    if (proposed.stateDetails.pauseReschedule) {
      if (ctx.run.parentTaskRunId)
        return this.abort('A subflow cannot suspend (pause with reschedule); pause it instead');
      if (!ctx.run.deploymentId)
        return this.abort('Only a deployment run can suspend: its process exits and a worker resumes it later');
    }
    proposed.stateDetails.pauseKey = key;
    this.original = ctx.run.empiricalPolicy;
    ctx.run.empiricalPolicy = { ...ctx.run.empiricalPolicy, pauseKeys: [...pauseKeys(ctx), key], resuming: false };
  }

  override async cleanup(ctx: OrchestrationContext): Promise<void> {
    if (this.original) ctx.run.empiricalPolicy = this.original;
  }
}

/**
 * PAUSED → any: only to RUNNING, SCHEDULED or a final state (REJECT otherwise); past the pause timeout →
 * REJECT into Failed ("paused and never resumed"); rescheduling a suspended run needs a deployment.
 */
export class HandleResumingPausedFlows extends OrchestrationRule {
  static override readonly FROM_STATES = states('PAUSED');
  static override readonly TO_STATES = ALL_STATES;
  private original?: Record<string, unknown>;

  override async beforeTransition(ctx: OrchestrationContext): Promise<void> {
    const initial = ctx.initialState!;
    const proposed = ctx.proposedState!;
    if (!['RUNNING', 'SCHEDULED'].includes(proposed.type) && !isTerminal(proposed.type)) {
      return this.reject(null, `A paused run can only resume (RUNNING, SCHEDULED) or end; not become ${proposed.type}`);
    }
    const verb = initial.name === 'Suspended' ? 'suspended' : 'paused';
    const timeout = initial.stateDetails.pauseTimeout;
    if (timeout && new Date(timeout).getTime() < ctx.now().getTime() && !isTerminal(proposed.type)) {
      return this.reject(
        {
          type: 'FAILED',
          name: 'Failed',
          message: `The flow run was ${verb} and never resumed`,
          stateDetails: {},
          data: null,
        },
        `The ${verb} run timed out at ${timeout} and can no longer resume`,
      );
    }
    if (proposed.type === 'SCHEDULED' && !ctx.run.deploymentId) {
      return this.reject(null, 'A paused run without a deployment cannot be rescheduled; resume it (RUNNING)');
    }
    if (proposed.type === 'RUNNING' || proposed.type === 'SCHEDULED') {
      this.original = ctx.run.empiricalPolicy;
      ctx.run.empiricalPolicy = { ...ctx.run.empiricalPolicy, resuming: true };
    }
  }

  override async cleanup(ctx: OrchestrationContext): Promise<void> {
    if (this.original) ctx.run.empiricalPolicy = this.original;
  }
}
