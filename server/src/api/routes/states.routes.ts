import { IdParamsDto } from '../../schemas/dto/common.dto';
import { FlowRunStatesQueryDto, TaskRunStatesQueryDto } from '../../schemas/dto/states-query.dto';
import type { Services } from '../../services';
import { defineRoute, type AnyRoute } from '../route';

export function statesRoutes({ runs }: Services): AnyRoute[] {
  const tag = 'States';
  return [
    defineRoute({
      method: 'get',
      path: '/flow-run-states',
      summary: 'The state history of a flow run, oldest first',
      tag,
      query: FlowRunStatesQueryDto,
      responses: {
        200: { description: 'States', schema: 'State', array: true },
        404: { description: 'No such flow run' },
      },
      handler: async ({ query }) => ({ status: 200, body: await runs.states('flow', query.flowRunId) }),
    }),
    defineRoute({
      method: 'get',
      path: '/flow-run-states/:id',
      summary: 'Read one flow-run state',
      tag,
      params: IdParamsDto,
      responses: { 200: { description: 'The state', schema: 'State' }, 404: { description: 'No such state' } },
      handler: async ({ params }) => ({ status: 200, body: await runs.state('flow', params.id) }),
    }),
    defineRoute({
      method: 'get',
      path: '/task-run-states',
      summary: 'The state history of a task run, oldest first',
      tag,
      query: TaskRunStatesQueryDto,
      responses: {
        200: { description: 'States', schema: 'State', array: true },
        404: { description: 'No such task run' },
      },
      handler: async ({ query }) => ({ status: 200, body: await runs.states('task', query.taskRunId) }),
    }),
    defineRoute({
      method: 'get',
      path: '/task-run-states/:id',
      summary: 'Read one task-run state',
      tag,
      params: IdParamsDto,
      responses: { 200: { description: 'The state', schema: 'State' }, 404: { description: 'No such state' } },
      handler: async ({ params }) => ({ status: 200, body: await runs.state('task', params.id) }),
    }),
  ];
}
