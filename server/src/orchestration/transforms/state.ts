/**
 * The state that gets written: built from the surviving proposal with a fresh id, a timestamp that is
 * unique and increasing per run, and the run ids filled into `stateDetails`; then denormalised onto
 * the run row so lists never join the state tables.
 */
import { uuid7 } from '../../db/ids';
import type { OrchestrationContext } from '../context';
import type { ProposedState, StateRecord } from '../records';
import type { GlobalTransform } from './transform';

export function buildValidatedState(ctx: OrchestrationContext, proposed: ProposedState): StateRecord {
  let timestamp = ctx.now();
  const previous = ctx.initialState?.timestamp;
  // Unique (runId, timestamp): a transition in the same millisecond as the last one moves 1 ms later.
  if (previous && timestamp.getTime() <= previous.getTime()) timestamp = new Date(previous.getTime() + 1);
  // Object.assign, not a spread: V8 gives each object built by spreading and then adding fields a
  // hidden class of its own (slow, and ~200 bytes kept with every state a client holds).
  const stateDetails: StateRecord['stateDetails'] = Object.assign({}, proposed.stateDetails);
  if (ctx.kind === 'flow') {
    stateDetails.flowRunId = ctx.run.id;
  } else {
    stateDetails.taskRunId = ctx.run.id;
    if (ctx.run.flowRunId) stateDetails.flowRunId = ctx.run.flowRunId;
  }
  // "Now" is the transition's instant, not the timestamp bumped for uniqueness: a run scheduled for now
  // must not be told to wait for the bump.
  if (proposed.type === 'SCHEDULED' && !stateDetails.scheduledTime)
    stateDetails.scheduledTime = ctx.now().toISOString();
  return {
    id: uuid7(timestamp.getTime()),
    type: proposed.type,
    name: proposed.name,
    timestamp,
    message: proposed.message,
    stateDetails,
    data: proposed.data ?? null,
  };
}

/**
 * The run's next `updated`: `candidate`, or 1 ms after `previous` if that is not later. `updated` is
 * unique and increasing per run, so (run, updated) names one version (live events de-duplicate on it).
 */
export function nextUpdated(previous: Date | null | undefined, candidate: Date): Date {
  return previous && candidate.getTime() <= previous.getTime() ? new Date(previous.getTime() + 1) : candidate;
}

export const SetRunState: GlobalTransform = {
  name: 'SetRunState',
  apply(ctx, state) {
    // A run without a state is being created in this transaction: no earlier version was ever visible.
    ctx.run.updated = ctx.run.stateId ? nextUpdated(ctx.run.updated, state.timestamp) : state.timestamp;
    ctx.run.stateId = state.id;
    ctx.run.stateType = state.type;
    ctx.run.stateName = state.name;
    ctx.run.stateTimestamp = state.timestamp;
  },
};
