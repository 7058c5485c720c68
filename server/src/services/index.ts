/**
 * The composition of the server's services around one database: the container routes, background
 * loops, the SDK's ephemeral client and the specs all use.
 */
import type { Database } from '../db/database';
import { systemClock, type Clock } from '../orchestration/clock';
import { loadSettings, type Settings } from '../settings';
import { ChangeNotifier } from './change-notifier';
import { ConcurrencyLimitsService } from './concurrency-limits.service';
import { DeploymentsService } from './deployments.service';
import { EventBus } from './events';
import { FlowRunInputsService } from './flow-run-inputs.service';
import { FlowRunHistoryService } from './flow-run-history';
import { FlowRunsService } from './flow-runs.service';
import { FlowsService } from './flows.service';
import { LogsService } from './logs.service';
import { ObjectEvents } from './object-events';
import { OrchestrationService } from './orchestration.service';
import { ResultsService } from './results.service';
import { RunsService } from './runs.service';
import { TaskRunsService } from './task-runs.service';
import { WorkPoolsService } from './work-pools.service';

export interface Services {
  db: Database;
  settings: Settings;
  clock: Clock;
  events: EventBus;
  orchestration: OrchestrationService;
  flows: FlowsService;
  runs: RunsService;
  flowRuns: FlowRunsService;
  /** The run-history chart, partly from its roll-up. */
  flowRunHistory: FlowRunHistoryService;
  taskRuns: TaskRunsService;
  logs: LogsService;
  concurrencyLimits: ConcurrencyLimitsService;
  results: ResultsService;
  workPools: WorkPoolsService;
  deployments: DeploymentsService;
  /** Live events of deployments, work pools, queues, workers and concurrency limits. */
  objects: ObjectEvents;
  flowRunInputs: FlowRunInputsService;
}

export interface ServiceOptions {
  settings?: Settings;
  clock?: Clock;
  random?: () => number;
  events?: EventBus;
}

export function createServices(db: Database, options: ServiceOptions = {}): Services {
  const settings = options.settings ?? loadSettings();
  const clock = options.clock ?? systemClock;
  const events = options.events ?? new EventBus(clock);
  // PostgreSQL: other server processes hear about this process's commits at once (LISTEN/NOTIFY).
  ChangeNotifier.attach(db, events);
  const orchestration = new OrchestrationService({
    db,
    events,
    clock,
    random: options.random,
    settings: { taskConcurrencyWaitSeconds: settings.taskConcurrencyWaitSeconds },
  });
  const runs = new RunsService(db, orchestration, clock);
  const flowRuns = new FlowRunsService(db, runs, orchestration, clock, settings.parametersLimitBytes);
  const objects = new ObjectEvents(db, events, clock);
  const workPools = new WorkPoolsService(db, runs, clock, objects);
  const deployments = new DeploymentsService(db, flowRuns, workPools, clock, objects);
  const concurrencyLimits = new ConcurrencyLimitsService(db, clock, objects);
  objects.setReader(async (resource, ids) => {
    switch (resource) {
      case 'deployment':
        return deployments.byIds(ids);
      case 'work-pool':
        return workPools.poolsByIds(ids);
      case 'work-queue':
        return workPools.queuesByIds(ids);
      case 'worker':
        return workPools.workersByIds(ids);
      case 'concurrency-limit':
        return concurrencyLimits.byIds(ids);
    }
  });
  // Slots taken and released by task runs: coalesced, read and published after the commit.
  orchestration.store.onConcurrencySlotsChanged = (id) => objects.touch('concurrency-limit', id);
  return {
    db,
    settings,
    clock,
    events,
    orchestration,
    runs,
    flows: new FlowsService(db, clock),
    flowRuns,
    flowRunHistory: new FlowRunHistoryService(db, clock),
    workPools,
    deployments,
    objects,
    flowRunInputs: new FlowRunInputsService(db, runs, orchestration, clock),
    taskRuns: new TaskRunsService(db, runs, orchestration, clock),
    logs: new LogsService(db, events, clock),
    concurrencyLimits,
    results: new ResultsService(db, clock),
  };
}
