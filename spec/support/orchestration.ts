/**
 * Drives the orchestration engine directly (no HTTP) on the spec database with a fake clock: create
 * flows and runs through the services and propose states through OrchestrationService, exactly as
 * the API does.
 */
import type { Database } from '@rigel/server';
import { FakeClock } from '@rigel/server/orchestration/clock';
import { createServices, type Services } from '@rigel/server/services';
import type { TransitionOptions, TransitionOutcome } from '@rigel/server/services/orchestration.service';
import type { ApiRun } from '@rigel/server/services/serializers';
import type { RunKind, StateProposal } from '@rigel/server';
import type { FlowRunCreateDto } from '@rigel/server/schemas/dto/flow-run.dto';
import type { TaskRunCreateDto } from '@rigel/server/schemas/dto/task-run.dto';
import { loadSettings } from '@rigel/server';
import { freshDatabase } from './database';

export interface Harness {
  db: Database;
  clock: FakeClock;
  services: Services;
  flowId: string;
  createFlowRun(input?: Partial<FlowRunCreateDto>): Promise<ApiRun>;
  createTaskRun(input?: Partial<TaskRunCreateDto>): Promise<ApiRun>;
  propose(kind: RunKind, runId: string, state: StateProposal, options?: TransitionOptions): Promise<TransitionOutcome>;
  /** A run of `kind` moved through `types` in order (each proposal forced, so any path can be set up). */
  runIn(kind: RunKind, ...types: StateProposal[]): Promise<ApiRun>;
  read(kind: RunKind, id: string): Promise<ApiRun>;
}

let taskCounter = 0;

export async function harness(
  options: { random?: () => number; taskConcurrencyWaitSeconds?: number } = {},
): Promise<Harness> {
  const db = await freshDatabase();
  const clock = new FakeClock('2030-01-01T00:00:00.000Z');
  const settings = { ...loadSettings(), taskConcurrencyWaitSeconds: options.taskConcurrencyWaitSeconds ?? 1 };
  const services = createServices(db, { clock: clock.now, settings, random: options.random ?? (() => 0.5) });
  const { flow } = await services.flows.create({ name: 'spec-flow' });
  const h: Harness = {
    db,
    clock,
    services,
    flowId: flow.id,
    async createFlowRun(input = {}) {
      return (await services.flowRuns.create({ flowId: flow.id, ...input } as FlowRunCreateDto)).run;
    },
    async createTaskRun(input = {}) {
      let flowRunId = input.flowRunId;
      if (!flowRunId && !('flowRunId' in input)) {
        const flowRun = await h.createFlowRun();
        await h.propose('flow', flowRun.id, { type: 'RUNNING' });
        flowRunId = flowRun.id;
      }
      const dto = { taskKey: 'spec-task', dynamicKey: String(++taskCounter), ...input, flowRunId } as TaskRunCreateDto;
      return (await services.taskRuns.create(dto)).run;
    },
    propose(kind, runId, state, transition = {}) {
      return services.orchestration.setState(kind, runId, state, transition);
    },
    async runIn(kind, ...states) {
      const run = kind === 'flow' ? await h.createFlowRun() : await h.createTaskRun();
      for (const state of states) await h.propose(kind, run.id, state, { force: true });
      return h.read(kind, run.id);
    },
    read(kind, id) {
      return services.runs.read(kind, id);
    },
  };
  return h;
}
