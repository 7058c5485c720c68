/** The API shapes the SDK reads and writes (the server's contract, as seen by a client). */
import type { OrchestrationResult, State, StateProposal, StateType } from '@rigel/server';

interface RunBase {
  id: string;
  created: string;
  updated: string;
  name: string;
  tags: string[];
  empiricalPolicy: Record<string, unknown>;
  stateType: StateType | null;
  stateName: string | null;
  state: State | null;
  runCount: number;
  startTime: string | null;
  endTime: string | null;
  totalRunTime: number;
}

export interface FlowRun extends RunBase {
  flowId: string;
  flowVersion: string | null;
  parameters: Record<string, unknown>;
  parentTaskRunId: string | null;
  deploymentId: string | null;
}

export interface TaskRun extends RunBase {
  flowRunId: string | null;
  taskKey: string;
  dynamicKey: string;
  cacheKey: string | null;
}

export interface CreatedRun<T> {
  run: T;
  created: boolean;
  /** The outcome of proposing the first state (absent when an existing run was returned). */
  orchestrationResult?: OrchestrationResult;
}

export interface FlowRunCreate {
  flowId: string;
  name?: string;
  flowVersion?: string;
  parameters?: Record<string, unknown>;
  tags?: string[];
  idempotencyKey?: string;
  parentTaskRunId?: string;
  infrastructurePid?: string;
  state?: StateProposal;
  empiricalPolicy?: { retries?: number; retryDelaySeconds?: number };
}

export interface FlowRunUpdate {
  name?: string;
  empiricalPolicy?: { retries?: number; retryDelaySeconds?: number };
}

export interface TaskRunCreate {
  flowRunId?: string;
  taskKey: string;
  dynamicKey: string;
  name?: string;
  tags?: string[];
  cacheKey?: string;
  cacheExpiration?: string;
  taskVersion?: string;
  taskInputs?: Record<string, unknown>;
  empiricalPolicy?: { retries?: number; retryDelaySeconds?: number | number[]; retryJitterFactor?: number };
  state?: StateProposal;
}

export interface LogLine {
  /** Chosen by the HTTP client before the first attempt, so a re-sent batch is stored once. */
  id?: string;
  name: string;
  level: number;
  message: string;
  timestamp: string;
  flowRunId?: string;
  taskRunId?: string;
}

export interface RunStateSummary {
  stateType: StateType | null;
  stateName: string | null;
}

export interface DeploymentInfo {
  id: string;
  name: string;
  flowId: string;
  entrypoint: string;
  path: string | null;
  parameters: Record<string, unknown>;
  workPoolName: string | null;
  schedules: { id: string; schedule: Record<string, unknown>; active: boolean }[];
}

export interface DeploymentInput {
  name: string;
  flowId: string;
  entrypoint: string;
  path?: string;
  version?: string;
  description?: string;
  tags?: string[];
  parameters?: Record<string, unknown>;
  parameterSchema?: Record<string, unknown>;
  workPoolName?: string;
  workQueueName?: string;
  paused?: boolean;
  concurrencyLimit?: number;
  collisionStrategy?: 'ENQUEUE' | 'CANCEL_NEW';
  schedules?: { schedule: Record<string, unknown>; active?: boolean; parameters?: Record<string, unknown> }[];
}

export interface StoredResult {
  serializer: string;
  data: string;
}

/**
 * One interface, two transports: HTTP to a Rigel server, or in-process calls on the local database
 * (ephemeral mode). The run engine only ever talks to this.
 */
export interface OrchestrationClient {
  readonly mode: 'remote' | 'ephemeral';
  /** Where runs go, for messages (an API URL or a database path). */
  readonly target: string;
  getOrCreateFlow(name: string): Promise<{ id: string; name: string }>;
  createFlowRun(input: FlowRunCreate): Promise<CreatedRun<FlowRun>>;
  readFlowRun(id: string): Promise<FlowRun>;
  setFlowRunState(id: string, state: StateProposal, force?: boolean): Promise<OrchestrationResult>;
  createTaskRun(input: TaskRunCreate): Promise<CreatedRun<TaskRun>>;
  readTaskRun(id: string): Promise<TaskRun>;
  setTaskRunState(id: string, state: StateProposal, force?: boolean): Promise<OrchestrationResult>;
  /** Records that the run's process is alive; answers with the run's current state (e.g. CANCELLING). */
  heartbeat(flowRunId: string): Promise<RunStateSummary>;
  /** Stores a keyed JSON value for a flow run (a pause's input schema); a key is written once. */
  setFlowRunInput(flowRunId: string, key: string, value: unknown): Promise<void>;
  /** Reads a keyed value of a flow run; null when there is none. */
  readFlowRunInput(flowRunId: string, key: string): Promise<unknown | null>;
  /** Changes fields of a flow run that are not its state (e.g. the retry policy of a deployment run). */
  updateFlowRun(id: string, update: FlowRunUpdate): Promise<FlowRun>;
  /** A deployment (to run one of its flow runs). */
  readDeployment(id: string): Promise<DeploymentInfo>;
  /** Creates or updates a deployment (by flow and name); creates its work pool when it does not exist. */
  deploy(input: DeploymentInput): Promise<DeploymentInfo>;
  sendLogs(lines: LogLine[]): Promise<void>;
  putResult(key: string, result: StoredResult): Promise<void>;
  /** Creates or changes the concurrency limit of a task tag. */
  setConcurrencyLimit(tag: string, concurrencyLimit: number): Promise<void>;
  getResult(key: string): Promise<StoredResult>;
  close(): Promise<void>;
}
