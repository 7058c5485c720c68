import { IdParamsDto } from '../../schemas/dto/common.dto';
import { TaskRunCountDto, TaskRunFilterDto } from '../../schemas/dto/filters.dto';
import { SetStateDto } from '../../schemas/dto/state.dto';
import { MAX_TASK_RUN_BATCH, TaskRunBatchOperationDto, TaskRunCreateDto } from '../../schemas/dto/task-run.dto';
import { ValidationFailedError } from '../../schemas/errors';
import { toRigelError } from '../errors';
import { validateDto } from '../validation';
import type { Services } from '../../services';
import { defineRoute, type AnyRoute } from '../route';

export function taskRunsRoutes({ runs, taskRuns }: Services): AnyRoute[] {
  const tag = 'Task runs';
  const notFound = { 404: { description: 'No such task run' } };

  /** One batch operation, answered like its own request would be (status and body). */
  async function operate(operation: TaskRunBatchOperationDto): Promise<{ status: number; body: unknown }> {
    try {
      if (operation.op === 'create') {
        const dto = await validateDto(TaskRunCreateDto, operation.body, 'body');
        const { run, created, orchestrationResult } = await taskRuns.create(dto);
        return { status: created ? 201 : 200, body: orchestrationResult ? { ...run, orchestrationResult } : run };
      }
      if (!operation.id) throw ValidationFailedError.field('id', 'is required for set-state');
      const dto = await validateDto(SetStateDto, operation.body, 'body');
      const { result, written } = await runs.setState('task', operation.id, dto);
      return { status: written ? 201 : 200, body: result };
    } catch (error) {
      const { status, error: rigelError } = toRigelError(error);
      return { status, body: rigelError.toBody() };
    }
  }

  return [
    defineRoute({
      method: 'post',
      path: '/task-runs/batch',
      summary: `Create task runs and propose their states in one request (at most ${MAX_TASK_RUN_BATCH} operations, each answered on its own)`,
      tag,
      body: { arrayOf: TaskRunBatchOperationDto, maxItems: MAX_TASK_RUN_BATCH },
      responses: {
        200: { description: 'One { status, body } per operation, in order', schema: 'BatchResult', array: true },
      },
      handler: async ({ body }) => ({
        status: 200,
        body: await Promise.all((body as TaskRunBatchOperationDto[]).map((operation) => operate(operation))),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/task-runs',
      summary: 'Create a task run (idempotent on flowRunId + taskKey + dynamicKey); its first state is orchestrated',
      tag,
      body: TaskRunCreateDto,
      responses: {
        201: { description: 'Created', schema: 'TaskRun' },
        200: { description: 'The task run already existed', schema: 'TaskRun' },
        404: { description: 'No such flow run' },
      },
      handler: async ({ body }) => {
        const { run, created, orchestrationResult } = await taskRuns.create(body);
        return { status: created ? 201 : 200, body: orchestrationResult ? { ...run, orchestrationResult } : run };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/task-runs/filter',
      summary: 'List task runs',
      tag,
      body: TaskRunFilterDto,
      responses: { 200: { description: 'Task runs', schema: 'TaskRun', array: true } },
      handler: async ({ body }) => ({ status: 200, body: await runs.filter('task', body) }),
    }),
    defineRoute({
      method: 'post',
      path: '/task-runs/count',
      summary: 'Count task runs',
      tag,
      body: TaskRunCountDto,
      responses: {
        200: { description: 'The number of matching task runs (at most `limit`, when given)', schema: 'Count' },
      },
      handler: async ({ body }) => ({ status: 200, body: await runs.count('task', body) }),
    }),
    defineRoute({
      method: 'get',
      path: '/task-runs/:id',
      summary: 'Read a task run',
      tag,
      params: IdParamsDto,
      responses: { 200: { description: 'The task run', schema: 'TaskRun' }, ...notFound },
      handler: async ({ params }) => ({ status: 200, body: await runs.read('task', params.id) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/task-runs/:id',
      summary: 'Delete a task run with its states',
      tag,
      params: IdParamsDto,
      responses: { 204: { description: 'Deleted' }, ...notFound },
      handler: async ({ params }) => {
        await runs.delete('task', params.id);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/task-runs/:id/set-state',
      summary: 'Propose a state; the orchestration rules answer ACCEPT, REJECT, WAIT or ABORT',
      tag,
      params: IdParamsDto,
      body: SetStateDto,
      responses: {
        201: { description: 'A state was written', schema: 'OrchestrationResult' },
        200: {
          description: 'Nothing was written (WAIT, ABORT, or REJECT with the current state)',
          schema: 'OrchestrationResult',
        },
        ...notFound,
      },
      handler: async ({ params, body }) => {
        const { result, written } = await runs.setState('task', params.id, body);
        return { status: written ? 201 : 200, body: result };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/task-runs/:id/decisions',
      summary: 'The orchestration decisions recorded for this task run (rule, outcome, reason)',
      tag,
      params: IdParamsDto,
      responses: {
        200: { description: 'Decisions, oldest first', schema: 'OrchestrationDecision', array: true },
        ...notFound,
      },
      handler: async ({ params }) => ({ status: 200, body: await runs.decisions('task', params.id) }),
    }),
  ];
}
