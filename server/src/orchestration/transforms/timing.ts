/**
 * Timing bookkeeping on the run row: start and end times, time spent running, attempts, and the
 * expected and next scheduled start times that the lateness and schedule views read.
 */
import { isTerminal } from '../../schemas/states';
import type { GlobalTransform } from './transform';

/** `startTime` is set on the first RUNNING and then kept. */
export const SetStartTime: GlobalTransform = {
  name: 'SetStartTime',
  apply(ctx, state) {
    if (state.type === 'RUNNING' && !ctx.run.startTime) ctx.run.startTime = state.timestamp;
  },
};

/** `endTime` is set on entering a final state and cleared when the run leaves it. */
export const SetEndTime: GlobalTransform = {
  name: 'SetEndTime',
  apply(ctx, state) {
    if (isTerminal(state.type)) ctx.run.endTime = state.timestamp;
    else if (isTerminal(ctx.initialStateType)) ctx.run.endTime = null;
  },
};

/** Leaving RUNNING adds the time since the RUNNING state began to `totalRunTime` (seconds). */
export const IncrementRunTime: GlobalTransform = {
  name: 'IncrementRunTime',
  apply(ctx, state) {
    const initial = ctx.initialState;
    if (initial?.type !== 'RUNNING') return;
    ctx.run.totalRunTime += Math.max(0, state.timestamp.getTime() - initial.timestamp.getTime()) / 1000;
  },
};

/** Entering RUNNING counts an attempt (not RUNNING → RUNNING, and for flows not resuming from a pause). */
export const IncrementRunCount: GlobalTransform = {
  name: 'IncrementRunCount',
  apply(ctx, state) {
    if (state.type !== 'RUNNING' || ctx.initialStateType === 'RUNNING') return;
    if (ctx.kind === 'flow' && ctx.initialStateType === 'PAUSED') return;
    ctx.run.runCount += 1;
  },
};

/** `expectedStartTime` is set once: the scheduled time, else the first state's timestamp. */
export const SetExpectedStartTime: GlobalTransform = {
  name: 'SetExpectedStartTime',
  apply(ctx, state) {
    if (ctx.run.expectedStartTime) return;
    const scheduled = state.type === 'SCHEDULED' ? state.stateDetails.scheduledTime : undefined;
    ctx.run.expectedStartTime = scheduled ? new Date(scheduled) : state.timestamp;
  },
};

/** `nextScheduledStartTime` is the scheduled time while SCHEDULED, else null. */
export const SetNextScheduledStartTime: GlobalTransform = {
  name: 'SetNextScheduledStartTime',
  apply(ctx, state) {
    const scheduled = state.type === 'SCHEDULED' ? state.stateDetails.scheduledTime : undefined;
    ctx.run.nextScheduledStartTime = scheduled ? new Date(scheduled) : null;
  },
};
