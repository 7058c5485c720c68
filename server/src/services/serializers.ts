/**
 * API shapes of runs and states: Dates become ISO strings, and the derived fields the lists and charts
 * read (estimatedRunTime, estimatedStartTimeDelta) are computed against the server's clock.
 */
import type { RunRecord, StateRecord } from '../orchestration/records';
import type { RunKind, State } from '../schemas/states';

export type ApiRun = Record<string, unknown> & { id: string; state: State | null };

export function stateToApi(state: StateRecord | null): State | null {
  if (!state) return null;
  return {
    id: state.id,
    type: state.type,
    name: state.name,
    timestamp: state.timestamp.toISOString(),
    message: state.message,
    stateDetails: state.stateDetails,
    data: state.data ?? null,
  };
}

function iso(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}

/** Seconds spent running, including the current attempt while RUNNING. */
export function estimatedRunTime(run: RunRecord, now: Date): number {
  if (run.stateType === 'RUNNING' && run.stateTimestamp) {
    return run.totalRunTime + Math.max(0, now.getTime() - run.stateTimestamp.getTime()) / 1000;
  }
  return run.totalRunTime;
}

/** Lateness in seconds: start − expected start, or now − expected start for a run that should have started. */
export function estimatedStartTimeDelta(run: RunRecord, now: Date): number {
  if (!run.expectedStartTime) return 0;
  const expected = run.expectedStartTime.getTime();
  if (run.startTime) return Math.max(0, (run.startTime.getTime() - expected) / 1000);
  if (run.stateType === 'SCHEDULED' || run.stateType === 'PENDING' || run.stateType === null) {
    return Math.max(0, (now.getTime() - expected) / 1000);
  }
  return 0;
}

const DATE_FIELDS = new Set([
  'created',
  'updated',
  'stateTimestamp',
  'expectedStartTime',
  'nextScheduledStartTime',
  'startTime',
  'endTime',
  'heartbeatTime',
  'cacheExpiration',
]);

export function runToApi(kind: RunKind, run: RunRecord, state: StateRecord | null, now: Date): ApiRun {
  const out: Record<string, unknown> = { kind };
  for (const [key, value] of Object.entries(run)) {
    out[key] = DATE_FIELDS.has(key) ? iso(value as Date | null) : value;
  }
  out.state = stateToApi(state);
  out.estimatedRunTime = estimatedRunTime(run, now);
  out.estimatedStartTimeDelta = estimatedStartTimeDelta(run, now);
  return out as ApiRun;
}
