/** Scheduled start: a run carries its scheduled time into PENDING and may not start before it. */
import type { OrchestrationContext } from '../context';
import { OrchestrationRule, states } from '../rule';

/** SCHEDULED → PENDING: carry `scheduledTime` forward so WaitForScheduledTime still sees it. */
export class CopyScheduledTime extends OrchestrationRule {
  static override readonly FROM_STATES = states('SCHEDULED');
  static override readonly TO_STATES = states('PENDING');

  override async beforeTransition(ctx: OrchestrationContext): Promise<void> {
    const scheduledTime = ctx.initialState?.stateDetails.scheduledTime;
    if (scheduledTime && ctx.proposedState) ctx.proposedState.stateDetails.scheduledTime = scheduledTime;
  }
}

/**
 * SCHEDULED|PENDING → RUNNING: a run may not start before its scheduled time.
 * Outcome: WAIT with the remaining whole seconds; nothing is written and the client re-proposes.
 */
export class WaitForScheduledTime extends OrchestrationRule {
  static override readonly FROM_STATES = states('SCHEDULED', 'PENDING');
  static override readonly TO_STATES = states('RUNNING');

  override async beforeTransition(ctx: OrchestrationContext): Promise<void> {
    const scheduledTime = ctx.initialState?.stateDetails.scheduledTime;
    if (!scheduledTime) return;
    const delaySeconds = Math.ceil((new Date(scheduledTime).getTime() - ctx.now().getTime()) / 1000);
    if (delaySeconds > 0) this.delay(delaySeconds, `Scheduled to start at ${scheduledTime}`);
  }
}
