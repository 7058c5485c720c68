import { IdParamsDto } from '../../schemas/dto/common.dto';
import { FlowFilterDto, FlowFiltersDto } from '../../schemas/dto/filters.dto';
import { FlowCreateDto, FlowNameParamsDto } from '../../schemas/dto/flow.dto';
import type { Services } from '../../services';
import { defineRoute, type AnyRoute } from '../route';

export function flowsRoutes({ flows }: Services): AnyRoute[] {
  const tag = 'Flows';
  return [
    defineRoute({
      method: 'post',
      path: '/flows',
      summary: 'Get or create a flow by name',
      tag,
      body: FlowCreateDto,
      responses: {
        201: { description: 'Created', schema: 'Flow' },
        200: { description: 'Already existed', schema: 'Flow' },
      },
      handler: async ({ body }) => {
        const { flow, created } = await flows.create(body);
        return { status: created ? 201 : 200, body: flow };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/flows/name/:name',
      summary: 'Read a flow by name',
      tag,
      params: FlowNameParamsDto,
      responses: { 200: { description: 'The flow', schema: 'Flow' }, 404: { description: 'No such flow' } },
      handler: async ({ params }) => ({ status: 200, body: await flows.readByName(params.name) }),
    }),
    defineRoute({
      method: 'post',
      path: '/flows/filter',
      summary: 'List flows',
      tag,
      body: FlowFilterDto,
      responses: { 200: { description: 'Flows', schema: 'Flow', array: true } },
      handler: async ({ body }) => ({ status: 200, body: await flows.filter(body) }),
    }),
    defineRoute({
      method: 'post',
      path: '/flows/count',
      summary: 'Count flows',
      tag,
      body: FlowFiltersDto,
      responses: { 200: { description: 'The number of matching flows', schema: 'Count' } },
      handler: async ({ body }) => ({ status: 200, body: await flows.count(body) }),
    }),
    defineRoute({
      method: 'get',
      path: '/flows/:id',
      summary: 'Read a flow',
      tag,
      params: IdParamsDto,
      responses: { 200: { description: 'The flow', schema: 'Flow' }, 404: { description: 'No such flow' } },
      handler: async ({ params }) => ({ status: 200, body: await flows.read(params.id) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/flows/:id',
      summary: 'Delete a flow with all its runs',
      tag,
      params: IdParamsDto,
      responses: { 204: { description: 'Deleted' }, 404: { description: 'No such flow' } },
      handler: async ({ params }) => {
        await flows.delete(params.id);
        return { status: 204 };
      },
    }),
  ];
}
