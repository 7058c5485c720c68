/**
 * Terminal-state guards: a finished run may not be marked Crashed, Paused or Cancelling; a run that
 * completed with a persisted result keeps it; leaving a final state otherwise resets what a new
 * attempt needs (the task's run count, the flow's pause keys).
 */
import { isTerminal } from '../../schemas/states';
import type { OrchestrationContext } from '../context';
import { hasPersistedResult } from '../records';
import { OrchestrationRule, states, TERMINAL_STATES } from '../rule';

const NOT_AFTER_FINAL = new Set(['CANCELLING', 'PAUSED', 'CRASHED']);

/** The checks flow and task runs share when they leave a final state. */
abstract class TerminalGuard extends OrchestrationRule {
  static override readonly FROM_STATES = TERMINAL_STATES;

  /** Returns false when the guard already decided the transition. */
  protected guardFinalState(ctx: OrchestrationContext): boolean {
    const initial = ctx.initialState!;
    const proposed = ctx.proposedState!;
    if (NOT_AFTER_FINAL.has(proposed.type)) {
      this.abort(`The run is already ${initial.name} (${initial.type}); it cannot become ${proposed.type}`);
      return false;
    }
    if (initial.type === 'COMPLETED' && hasPersistedResult(initial)) {
      this.reject(null, 'This run is already completed and its result is persisted');
      return false;
    }
    return true;
  }
}

/**
 * terminal → any (flow runs). To CANCELLING/PAUSED/CRASHED → ABORT; from COMPLETED with a persisted
 * result → REJECT(current); to SCHEDULED without a deployment → ABORT; otherwise a manual retry:
 * pause keys are reset and `retryType` is set (restored on cleanup).
 */
export class HandleFlowTerminalStateTransitions extends TerminalGuard {
  private originalPolicy?: Record<string, unknown>;

  override async beforeTransition(ctx: OrchestrationContext): Promise<void> {
    if (!this.guardFinalState(ctx)) return;
    const proposed = ctx.proposedState!;
    if (proposed.type === 'SCHEDULED' && !ctx.run.deploymentId) {
      this.abort('Cannot reschedule a run without a deployment');
      return;
    }
    if (!isTerminal(proposed.type)) {
      this.originalPolicy = ctx.run.empiricalPolicy;
      ctx.run.empiricalPolicy = { ...ctx.run.empiricalPolicy, pauseKeys: [], resuming: false, retryType: 'rerun' };
    }
  }

  override async cleanup(ctx: OrchestrationContext): Promise<void> {
    if (this.originalPolicy) ctx.run.empiricalPolicy = this.originalPolicy;
  }
}

/**
 * terminal → any (task runs). As for flows; leaving a final state for a non-final one resets
 * `runCount` (so retries count again), and a re-run because the flow run retries is named Retrying.
 */
export class HandleTaskTerminalStateTransitions extends TerminalGuard {
  private originalRunCount?: number;

  override async beforeTransition(ctx: OrchestrationContext): Promise<void> {
    if (!this.guardFinalState(ctx)) return;
    const proposed = ctx.proposedState!;
    if (!isTerminal(proposed.type)) {
      this.originalRunCount = ctx.run.runCount;
      ctx.run.runCount = 0;
    }
    if (proposed.type === 'RUNNING') {
      const flowRun = await ctx.flowRun();
      if (flowRun && (ctx.run.flowRunRunCount ?? 0) < flowRun.runCount) {
        this.rename('Retrying', 'the enclosing flow run is retrying');
      }
    }
  }

  override async cleanup(ctx: OrchestrationContext): Promise<void> {
    if (this.originalRunCount !== undefined) ctx.run.runCount = this.originalRunCount;
  }
}

/**
 * COMPLETED → COMPLETED under `force` (minimal flow policy): replacing a completed state that holds a
 * persisted result by one without a result would lose the result → REJECT(current).
 */
export class PreventResultDataLoss extends OrchestrationRule {
  static override readonly FROM_STATES = states('COMPLETED');
  static override readonly TO_STATES = states('COMPLETED');

  override async beforeTransition(ctx: OrchestrationContext): Promise<void> {
    if (hasPersistedResult(ctx.initialState) && !hasPersistedResult(ctx.proposedState)) {
      this.reject(null, 'This run has a persisted result; a completed state without a result would lose it');
    }
  }
}
