/**
 * Duplicate transitions: a client that re-sends a proposal (its response was lost) must not move the
 * run twice. The proposal's `transitionId` equal to the current state's → REJECT with the current state.
 */
import type { OrchestrationContext } from '../context';
import { OrchestrationRule } from '../rule';

export class PreventDuplicateTransitions extends OrchestrationRule {
  override async beforeTransition(ctx: OrchestrationContext): Promise<void> {
    const current = ctx.initialState?.stateDetails.transitionId;
    const proposed = ctx.proposedState?.stateDetails.transitionId;
    if (current && proposed && current === proposed) {
      this.reject(null, 'This run has already made this state transition (same transitionId)');
    }
  }
}
