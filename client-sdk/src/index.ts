/**
 * @rigel/sdk: write ordinary TypeScript, mark methods with @Flow() and @Task(), and every call becomes
 * an orchestrated, recorded run — on a Rigel server (RIGEL_API_URL) or, with no server, in ephemeral
 * mode on the local database.
 */
import 'reflect-metadata';

export { Flow, Task, flow, task } from './decorators/decorators';
export {
  submit,
  map,
  withOptions,
  type TaskFunction,
  type FlowFunction,
  type MaybeFuture,
} from './decorators/invokers';
export { TaskFuture, allowFailure, unmapped, wait, asCompleted } from './engine/futures';
export { getRunContext, tags, type RunContextView } from './engine/context';
export { CachePolicy, INPUTS, TASK_SOURCE, FLOW_PARAMETERS, RUN_ID, NONE } from './engine/caching';
export { completed, failed, cancelled } from './engine/states';
export { pauseFlowRun, suspendFlowRun, type PauseOptions } from './engine/pause';
export { configure, shutdown, setConcurrencyLimit } from './engine/runtime';
export { serialize, deserialize } from './engine/serialization';
export {
  exponentialBackoff,
  type FlowOptions,
  type TaskOptions,
  type Hook,
  type HookContext,
} from './metadata/options';
export { registeredFlows, registeredTasks, type FlowDefinition, type TaskDefinition } from './metadata/registry';
export type { RunLogger } from './logging/run-logger';
export { getRunLogger } from './logging/get-run-logger';
export { deploy, serve, type DeployOptions, type ServeOptions, type ScheduleInput } from './deploy/deploy';
export { HttpClient } from './client/http-client';
export { InProcessClient } from './client/in-process-client';
export type { OrchestrationClient, FlowRun, TaskRun } from './client/types';
export * from './errors';
export { ObjectNotFoundError, ValidationFailedError, type State, type StateType } from '@rigel/server/contract';
