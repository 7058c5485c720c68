/**
 * The state model shared by the server, the SDK and the dashboard (orchestration.md §2).
 * A leaf module: no imports from Express, TypeORM, Node built-ins or Angular.
 */

export const STATE_TYPES = [
  'SCHEDULED',
  'PENDING',
  'RUNNING',
  'PAUSED',
  'CANCELLING',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'CRASHED',
] as const;

export type StateType = (typeof STATE_TYPES)[number];

export const TERMINAL_STATE_TYPES: readonly StateType[] = ['COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED'];

/** States in which a run holds resources (a concurrency slot, a worker): leaving them releases the slot. */
export const ACTIVE_STATE_TYPES: readonly StateType[] = ['PENDING', 'RUNNING', 'PAUSED', 'CANCELLING'];

export function isTerminal(type: StateType | null | undefined): boolean {
  return type != null && (TERMINAL_STATE_TYPES as readonly string[]).includes(type);
}

export function isStateType(value: unknown): value is StateType {
  return typeof value === 'string' && (STATE_TYPES as readonly string[]).includes(value);
}

const DEFAULT_NAMES = new Map<string, string>(STATE_TYPES.map((t) => [t, t.charAt(0) + t.slice(1).toLowerCase()]));

/** "RUNNING" → "Running": the default name of a state of that type (one shared string per type). */
export function defaultStateName(type: StateType): string {
  return DEFAULT_NAMES.get(type) ?? type.charAt(0) + type.slice(1).toLowerCase();
}

export type RunKind = 'flow' | 'task';

/** Fields of `stateDetails`; times are ISO-8601 strings on the wire and in storage. */
export interface StateDetails {
  flowRunId?: string;
  taskRunId?: string;
  childFlowRunId?: string;
  scheduledTime?: string;
  cacheKey?: string;
  cacheExpiration?: string;
  refreshCache?: boolean;
  retriable?: boolean;
  pauseTimeout?: string;
  pauseReschedule?: boolean;
  pauseKey?: string;
  runInputKeyset?: Record<string, string>;
  transitionId?: string;
  /** Set by HandleFlowTerminalStateTransitions when a finished run is started again. */
  retryType?: 'in_process' | 'reschedule' | 'rerun' | null;
  /** On a Cached state: the task run whose result was reused. */
  cachedFromTaskRunId?: string;
}

/** A state as the API returns it. */
export interface State {
  id: string;
  type: StateType;
  name: string;
  timestamp: string;
  message: string | null;
  stateDetails: StateDetails;
  /** A reference to the persisted result (or a small inline value), opaque to the server. */
  data: unknown;
}

/** A state as a client proposes it. */
export interface StateProposal {
  type: StateType;
  name?: string;
  message?: string | null;
  stateDetails?: StateDetails;
  data?: unknown;
}

export const ORCHESTRATION_STATUSES = ['ACCEPT', 'REJECT', 'WAIT', 'ABORT'] as const;
export type OrchestrationStatus = (typeof ORCHESTRATION_STATUSES)[number];

export type OrchestrationDetails =
  | { type: 'accept'; reason?: string }
  | { type: 'reject'; reason: string }
  | { type: 'wait'; delaySeconds: number; reason: string }
  | { type: 'abort'; reason: string };

export interface OrchestrationResult {
  status: OrchestrationStatus;
  state: State | null;
  details: OrchestrationDetails;
}

/** One recorded orchestration decision (GET /api/flow-runs/:id/decisions). */
export interface OrchestrationDecision {
  id: string;
  runKind: RunKind;
  runId: string;
  timestamp: string;
  rule: string;
  status: OrchestrationStatus;
  reason: string | null;
  fromType: StateType | null;
  fromName: string | null;
  proposedType: StateType | null;
  proposedName: string | null;
  resultType: StateType | null;
  resultName: string | null;
  stateId: string | null;
  delaySeconds: number | null;
}
