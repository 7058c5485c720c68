import { ConcurrencyLimitEntity } from './concurrency-limit.entity';
import { DeletedObjectEntity } from './deleted-object.entity';
import { DeploymentScheduleEntity } from './deployment-schedule.entity';
import { DeploymentEntity } from './deployment.entity';
import { FlowRunInputEntity } from './flow-run-input.entity';
import { FlowRunStateEntity } from './flow-run-state.entity';
import { FlowRunEntity } from './flow-run.entity';
import { FlowEntity } from './flow.entity';
import { LogEntity } from './log.entity';
import { OrchestrationDecisionEntity } from './orchestration-decision.entity';
import { ResultEntity } from './result.entity';
import { TaskRunStateCacheEntity } from './task-run-state-cache.entity';
import { TaskRunStateEntity } from './task-run-state.entity';
import { TaskRunEntity } from './task-run.entity';
import { WorkPoolEntity } from './work-pool.entity';
import { WorkQueueEntity } from './work-queue.entity';
import { WorkerEntity } from './worker.entity';

export {
  ConcurrencyLimitEntity,
  DeletedObjectEntity,
  DeploymentEntity,
  DeploymentScheduleEntity,
  FlowRunInputEntity,
  WorkPoolEntity,
  WorkQueueEntity,
  WorkerEntity,
  FlowEntity,
  FlowRunEntity,
  FlowRunStateEntity,
  LogEntity,
  OrchestrationDecisionEntity,
  ResultEntity,
  TaskRunEntity,
  TaskRunStateCacheEntity,
  TaskRunStateEntity,
};

export const ENTITIES = [
  FlowEntity,
  FlowRunEntity,
  TaskRunEntity,
  FlowRunStateEntity,
  TaskRunStateEntity,
  TaskRunStateCacheEntity,
  OrchestrationDecisionEntity,
  LogEntity,
  ConcurrencyLimitEntity,
  ResultEntity,
  DeploymentEntity,
  DeploymentScheduleEntity,
  WorkPoolEntity,
  WorkQueueEntity,
  WorkerEntity,
  FlowRunInputEntity,
  DeletedObjectEntity,
];
