/**
 * Claims: a run becomes PENDING when a worker or process claims it. A second claim of the same run
 * must fail, or a run could execute twice.
 */
import type { OrchestrationContext } from '../context';
import { OrchestrationRule, states } from '../rule';

/**
 * PENDING, CANCELLING, RUNNING, CANCELLED → PENDING: ABORT (a second worker cannot claim a run that is
 * claimed, running or cancelled). PENDING → PENDING with a different state name is a progress update
 * by the claimant and is allowed.
 */
export class PreventPendingTransitions extends OrchestrationRule {
  static override readonly FROM_STATES = states('PENDING', 'CANCELLING', 'RUNNING', 'CANCELLED');
  static override readonly TO_STATES = states('PENDING');

  override async beforeTransition(ctx: OrchestrationContext): Promise<void> {
    const initial = ctx.initialState!;
    if (initial.type === 'PENDING' && ctx.proposedState!.name !== initial.name) return;
    this.abort(`This run is already ${initial.name} (${initial.type}) and cannot be claimed again (PENDING)`);
  }
}
