/**
 * Cancellation: a run being cancelled (CANCELLING) may only become CANCELLED — its infrastructure is
 * being stopped; a run with no process to stop (scheduled and never started, or suspended) goes
 * straight to Cancelled.
 */
import type { OrchestrationContext } from '../context';
import { ALL_STATES, OrchestrationRule, states } from '../rule';

/** CANCELLING → anything but CANCELLED: REJECT with the current state. */
export class EnforceCancellingToCancelledTransition extends OrchestrationRule {
  static override readonly FROM_STATES = states('CANCELLING');
  static override readonly TO_STATES = new Set([...ALL_STATES].filter((t) => t !== 'CANCELLED'));

  override async beforeTransition(_ctx: OrchestrationContext): Promise<void> {
    this.reject(null, 'The run is being cancelled; it can only become Cancelled');
  }
}

/**
 * SCHEDULED, PAUSED → CANCELLING: no process to stop (no `infrastructurePid`, or a suspended run) →
 * REJECT into Cancelled.
 */
export class BypassCancellingFlowRunsWithNoInfra extends OrchestrationRule {
  static override readonly FROM_STATES = states('SCHEDULED', 'PAUSED');
  static override readonly TO_STATES = states('CANCELLING');

  override async beforeTransition(ctx: OrchestrationContext): Promise<void> {
    const initial = ctx.initialState!;
    const suspended =
      initial.type === 'PAUSED' && (initial.name === 'Suspended' || initial.stateDetails.pauseReschedule === true);
    if (!suspended && ctx.run.infrastructurePid) return;
    const message = ctx.proposedState?.message ?? null;
    this.reject(
      { type: 'CANCELLED', name: 'Cancelled', message, stateDetails: {}, data: null },
      suspended
        ? 'The suspended run has no process to stop; it is cancelled directly'
        : 'The run has no process running it; it is cancelled directly',
    );
  }
}
