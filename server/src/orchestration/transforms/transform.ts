import type { OrchestrationContext } from '../context';
import type { StateRecord } from '../records';

/**
 * Global bookkeeping applied to every transition that writes a state, forced or not
 * (orchestration.md §6). A transform changes only the run row held by the context.
 */
export interface GlobalTransform {
  readonly name: string;
  apply(context: OrchestrationContext, state: StateRecord): void;
}
