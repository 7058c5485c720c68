/**
 * The in-memory shapes the orchestration engine works on: a locked run row, its states, and a
 * proposed state. Times are Dates here; they become ISO strings only at the API edge.
 */
import type { StateDetails, StateType } from '../schemas/states';

export interface RunRecord {
  id: string;
  created: Date;
  updated: Date;
  name: string;
  tags: string[];
  empiricalPolicy: Record<string, unknown>;
  stateId: string | null;
  stateType: StateType | null;
  stateName: string | null;
  stateTimestamp: Date | null;
  runCount: number;
  expectedStartTime: Date | null;
  nextScheduledStartTime: Date | null;
  startTime: Date | null;
  endTime: Date | null;
  /** Seconds spent RUNNING. */
  totalRunTime: number;
  // flow runs
  flowId?: string;
  flowVersion?: string | null;
  parameters?: Record<string, unknown>;
  idempotencyKey?: string | null;
  parentTaskRunId?: string | null;
  deploymentId?: string | null;
  infrastructurePid?: string | null;
  heartbeatTime?: Date | null;
  autoScheduled?: boolean;
  // task runs
  flowRunId?: string | null;
  taskKey?: string;
  dynamicKey?: string;
  cacheKey?: string | null;
  cacheExpiration?: Date | null;
  taskVersion?: string | null;
  taskInputs?: Record<string, unknown>;
  flowRunRunCount?: number;
}

/** What the task rules read of a task run's enclosing flow run (read without its other columns). */
export type FlowRunSummary = Pick<RunRecord, 'id' | 'stateType' | 'stateName' | 'runCount'>;

export interface StateRecord {
  id: string;
  type: StateType;
  name: string;
  timestamp: Date;
  message: string | null;
  stateDetails: StateDetails;
  data: unknown;
}

/** A state under consideration: what the client proposed, or what a rule substituted. */
export interface ProposedState {
  type: StateType;
  name: string;
  message: string | null;
  stateDetails: StateDetails;
  data: unknown;
}

/** A result is persisted when the state carries a reference to it (not `{ type: 'unpersisted' }`). */
export function hasPersistedResult(state: { data: unknown } | null | undefined): boolean {
  const data = state?.data as { type?: unknown } | null | undefined;
  return data != null && data.type !== 'unpersisted';
}
