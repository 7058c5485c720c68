/**
 * Late runs: a SCHEDULED run whose time passed without it starting is renamed Late (still SCHEDULED,
 * with its scheduled time), so lists and charts can show it. Only the late-runs service proposes it.
 */
import type { OrchestrationContext } from '../context';
import { ANY_STATE, OrchestrationRule, states } from '../rule';

/** any → SCHEDULED named Late: only a SCHEDULED run not already Late may become Late; else REJECT(current). */
export class EnsureOnlyScheduledFlowsMarkedLate extends OrchestrationRule {
  static override readonly FROM_STATES = ANY_STATE;
  static override readonly TO_STATES = states('SCHEDULED');

  override async beforeTransition(ctx: OrchestrationContext): Promise<void> {
    if (ctx.proposedState?.name !== 'Late') return;
    const initial = ctx.initialState;
    if (initial?.type !== 'SCHEDULED' || initial.name === 'Late') {
      this.reject(null, `Only a scheduled run can become Late (this one is ${initial?.name ?? 'without a state'})`);
    }
  }
}
