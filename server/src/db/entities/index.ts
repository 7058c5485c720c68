import { ConcurrencyLimitEntity } from './concurrency-limit.entity';
import { FlowRunStateEntity } from './flow-run-state.entity';
import { FlowRunEntity } from './flow-run.entity';
import { FlowEntity } from './flow.entity';
import { LogEntity } from './log.entity';
import { OrchestrationDecisionEntity } from './orchestration-decision.entity';
import { ResultEntity } from './result.entity';
import { TaskRunStateCacheEntity } from './task-run-state-cache.entity';
import { TaskRunStateEntity } from './task-run-state.entity';
import { TaskRunEntity } from './task-run.entity';

export {
  ConcurrencyLimitEntity,
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
];
