/**
 * The API's shapes as the dashboard reads them (api.md). State types and decisions come from the
 * server's contract file (an undecorated leaf module), so the two cannot drift apart.
 */
import type { OrchestrationDecision, OrchestrationResult, State, StateType } from '@rigel/server/schemas/states';

export type { OrchestrationDecision, OrchestrationResult, State, StateType };

interface RunCommon {
  id: string;
  created: string;
  updated: string;
  name: string;
  tags: string[];
  state: State | null;
  stateType: StateType | null;
  stateName: string | null;
  runCount: number;
  expectedStartTime: string | null;
  nextScheduledStartTime: string | null;
  startTime: string | null;
  endTime: string | null;
  totalRunTime: number;
  estimatedRunTime: number;
  estimatedStartTimeDelta: number;
  empiricalPolicy: Record<string, unknown>;
}

export interface FlowRun extends RunCommon {
  flowId: string;
  parameters: Record<string, unknown>;
  parentTaskRunId: string | null;
  deploymentId: string | null;
  workQueueName?: string | null;
  workPoolName?: string | null;
  infrastructurePid: string | null;
}

export interface TaskRun extends RunCommon {
  flowRunId: string | null;
  taskKey: string;
  dynamicKey: string;
  cacheKey: string | null;
  taskInputs: Record<string, unknown>;
}

export interface Flow {
  id: string;
  created: string;
  updated: string;
  name: string;
  tags: string[];
}

export interface DeploymentSchedule {
  id: string;
  deploymentId: string;
  schedule: { cron?: string; interval?: number; rrule?: string; timezone?: string; anchorDate?: string };
  active: boolean;
}

export interface Deployment {
  id: string;
  name: string;
  flowId: string;
  description?: string | null;
  version: string | null;
  entrypoint: string;
  tags: string[];
  paused: boolean;
  parameters: Record<string, unknown>;
  parameterSchema: Record<string, unknown>;
  enforceParameterSchema: boolean;
  workPoolName: string | null;
  workQueueName: string | null;
  concurrencyLimit: number | null;
  collisionStrategy: string;
  schedules: DeploymentSchedule[];
  created?: string;
  updated?: string;
}

export interface WorkPool {
  id: string;
  name: string;
  type: string;
  description?: string | null;
  paused: boolean;
  status: 'READY' | 'NOT_READY' | 'PAUSED';
  concurrencyLimit?: number | null;
}

export interface WorkQueue {
  id: string;
  name: string;
  priority: number;
  paused: boolean;
  concurrencyLimit: number | null;
  description?: string | null;
}

export interface Worker {
  id: string;
  name: string;
  lastHeartbeatTime: string;
  status: 'ONLINE' | 'OFFLINE';
}

export interface ConcurrencyLimit {
  id: string;
  tag: string;
  concurrencyLimit: number;
  activeSlots: string[];
  created: string;
  updated: string;
}

export interface LogLine {
  id: string;
  name: string;
  level: number;
  message: string;
  timestamp: string;
  flowRunId: string | null;
  taskRunId: string | null;
}

export interface HistoryBucket {
  intervalStart: string;
  intervalEnd: string;
  states: { stateType: StateType; stateName: string; countRuns: number; sumEstimatedLateness: number }[];
}

export interface GraphNode {
  id: string;
  name: string;
  taskKey: string;
  state: { type: StateType; name: string } | null;
  startTime: string | null;
  endTime: string | null;
  expectedStartTime: string | null;
  upstreamDependencies: string[];
  childFlowRunId: string | null;
}

export interface FlowRunGraph {
  flowRunId: string;
  taskRuns: GraphNode[];
}

/** What set-state/resume answer with, plus whether a state was written. */
export type SetStateAnswer = OrchestrationResult;
