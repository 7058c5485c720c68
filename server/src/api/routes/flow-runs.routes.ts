import { IdParamsDto } from '../../schemas/dto/common.dto';
import { FlowRunCountDto, FlowRunFilterDto, FlowRunHistoryDto } from '../../schemas/dto/filters.dto';
import { FlowRunCreateDto, FlowRunUpdateDto } from '../../schemas/dto/flow-run.dto';
import { FlowRunInputCreateDto, FlowRunInputParamsDto, FlowRunResumeDto } from '../../schemas/dto/flow-run-input.dto';
import { SetStateDto } from '../../schemas/dto/state.dto';
import type { Services } from '../../services';
import { defineRoute, type AnyRoute } from '../route';

export function flowRunsRoutes({ runs, flowRuns, flowRunHistory, flowRunInputs }: Services): AnyRoute[] {
  const tag = 'Flow runs';
  const notFound = { 404: { description: 'No such flow run' } };
  return [
    defineRoute({
      method: 'post',
      path: '/flow-runs',
      summary: 'Create a flow run (idempotent on flowId + idempotencyKey); its first state is orchestrated',
      tag,
      body: FlowRunCreateDto,
      responses: {
        201: { description: 'Created', schema: 'FlowRun' },
        200: { description: 'A run with this idempotency key already existed', schema: 'FlowRun' },
        404: { description: 'No such flow' },
      },
      handler: async ({ body }) => {
        const { run, created, orchestrationResult } = await flowRuns.create(body);
        return { status: created ? 201 : 200, body: orchestrationResult ? { ...run, orchestrationResult } : run };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/flow-runs/filter',
      summary: 'List flow runs',
      tag,
      body: FlowRunFilterDto,
      responses: { 200: { description: 'Flow runs', schema: 'FlowRun', array: true } },
      handler: async ({ body }) => ({ status: 200, body: await runs.filter('flow', body) }),
    }),
    defineRoute({
      method: 'post',
      path: '/flow-runs/count',
      summary: 'Count flow runs',
      tag,
      body: FlowRunCountDto,
      responses: {
        200: { description: 'The number of matching flow runs (at most `limit`, when given)', schema: 'Count' },
      },
      handler: async ({ body }) => ({ status: 200, body: await runs.count('flow', body) }),
    }),
    defineRoute({
      method: 'post',
      path: '/flow-runs/history',
      summary: 'Flow-run counts per time interval and state (by expected start time)',
      tag,
      body: FlowRunHistoryDto,
      responses: { 200: { description: 'History buckets', schema: 'HistoryBucket', array: true } },
      handler: async ({ body }) => ({ status: 200, body: await flowRunHistory.history(body) }),
    }),
    defineRoute({
      method: 'get',
      path: '/flow-runs/:id',
      summary: 'Read a flow run',
      tag,
      params: IdParamsDto,
      responses: { 200: { description: 'The flow run', schema: 'FlowRun' }, ...notFound },
      handler: async ({ params }) => ({ status: 200, body: await runs.read('flow', params.id) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/flow-runs/:id',
      summary: 'Update a flow run (name, tags, parameters, policy, process id); never its state',
      tag,
      params: IdParamsDto,
      body: FlowRunUpdateDto,
      responses: { 200: { description: 'The updated flow run', schema: 'FlowRun' }, ...notFound },
      handler: async ({ params, body }) => ({ status: 200, body: await flowRuns.update(params.id, body) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/flow-runs/:id',
      summary: 'Delete a flow run with its task runs, states and logs',
      tag,
      params: IdParamsDto,
      responses: { 204: { description: 'Deleted' }, ...notFound },
      handler: async ({ params }) => {
        await runs.delete('flow', params.id);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/flow-runs/:id/set-state',
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
        const { result, written } = await runs.setState('flow', params.id, body);
        return { status: written ? 201 : 200, body: result };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/flow-runs/:id/heartbeat',
      summary:
        'Record that the process running this flow run is alive; answers with its current state (e.g. CANCELLING)',
      tag,
      params: IdParamsDto,
      responses: {
        200: { description: 'Recorded; the current state type and name', schema: 'Heartbeat' },
        ...notFound,
      },
      handler: async ({ params }) => ({ status: 200, body: await flowRuns.heartbeat(params.id) }),
    }),
    defineRoute({
      method: 'post',
      path: '/flow-runs/:id/resume',
      summary: 'Resume a paused flow run (with its input, when it waits for input)',
      tag,
      params: IdParamsDto,
      body: FlowRunResumeDto,
      responses: {
        201: {
          description:
            'A state was written: the resumed one, or the substitute the rules chose (Failed after a timed-out pause)',
          schema: 'OrchestrationResult',
        },
        200: {
          description: 'Nothing was written (the rules answered with the current state)',
          schema: 'OrchestrationResult',
        },
        409: { description: 'The run is not paused' },
        ...notFound,
      },
      handler: async ({ params, body }) => {
        const { result, written } = await flowRunInputs.resume(params.id, body.runInput);
        return { status: written ? 201 : 200, body: result };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/flow-runs/:id/input',
      summary: 'Store a keyed JSON value for a flow run (pause input schemas and answers)',
      tag,
      params: IdParamsDto,
      body: FlowRunInputCreateDto,
      responses: {
        201: { description: 'Stored', schema: 'FlowRunInput' },
        409: { description: 'The key exists' },
        ...notFound,
      },
      handler: async ({ params, body }) => ({
        status: 201,
        body: await flowRunInputs.create(params.id, body.key, body.value),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/flow-runs/:id/input/:key',
      summary: 'Read a keyed value of a flow run',
      tag,
      params: FlowRunInputParamsDto,
      responses: {
        200: { description: 'The value', schema: 'FlowRunInput' },
        404: { description: 'No such run or key' },
      },
      handler: async ({ params }) => ({ status: 200, body: await flowRunInputs.read(params.id, params.key) }),
    }),
    defineRoute({
      method: 'get',
      path: '/flow-runs/:id/decisions',
      summary: 'The orchestration decisions recorded for this flow run (rule, outcome, reason)',
      tag,
      params: IdParamsDto,
      responses: {
        200: { description: 'Decisions, oldest first', schema: 'OrchestrationDecision', array: true },
        ...notFound,
      },
      handler: async ({ params }) => ({ status: 200, body: await runs.decisions('flow', params.id) }),
    }),
    defineRoute({
      method: 'get',
      path: '/flow-runs/:id/graph',
      summary: 'The task runs of a flow run with timings, states and upstream dependencies',
      tag,
      params: IdParamsDto,
      responses: { 200: { description: 'The graph', schema: 'FlowRunGraph' }, ...notFound },
      handler: async ({ params }) => ({ status: 200, body: await flowRuns.graph(params.id) }),
    }),
  ];
}
