import {
  ConcurrencyLimitCreateDto,
  ConcurrencyLimitFilterDto,
  TagParamsDto,
} from '../../schemas/dto/concurrency-limit.dto';
import type { Services } from '../../services';
import { defineRoute, type AnyRoute } from '../route';

export function concurrencyLimitsRoutes({ concurrencyLimits }: Services): AnyRoute[] {
  const tag = 'Concurrency limits';
  const notFound = { 404: { description: 'No limit for this tag' } };
  return [
    defineRoute({
      method: 'post',
      path: '/concurrency-limits',
      summary: 'Create or update the concurrency limit of a task tag',
      tag,
      body: ConcurrencyLimitCreateDto,
      responses: {
        201: { description: 'Created', schema: 'ConcurrencyLimit' },
        200: { description: 'Updated', schema: 'ConcurrencyLimit' },
      },
      handler: async ({ body }) => {
        const { limit, created } = await concurrencyLimits.upsert(body);
        return { status: created ? 201 : 200, body: limit };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/concurrency-limits/filter',
      summary: 'List concurrency limits',
      tag,
      body: ConcurrencyLimitFilterDto,
      responses: { 200: { description: 'Limits', schema: 'ConcurrencyLimit', array: true } },
      handler: async ({ body }) => ({ status: 200, body: await concurrencyLimits.filter(body) }),
    }),
    defineRoute({
      method: 'get',
      path: '/concurrency-limits/tag/:tag',
      summary: 'Read the concurrency limit of a tag',
      tag,
      params: TagParamsDto,
      responses: { 200: { description: 'The limit', schema: 'ConcurrencyLimit' }, ...notFound },
      handler: async ({ params }) => ({ status: 200, body: await concurrencyLimits.readByTag(params.tag) }),
    }),
    defineRoute({
      method: 'post',
      path: '/concurrency-limits/tag/:tag/reset',
      summary: 'Free every slot of a tag (for runs that died holding one)',
      tag,
      params: TagParamsDto,
      responses: { 200: { description: 'The limit, with no active slots', schema: 'ConcurrencyLimit' }, ...notFound },
      handler: async ({ params }) => ({ status: 200, body: await concurrencyLimits.reset(params.tag) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/concurrency-limits/tag/:tag',
      summary: 'Delete the concurrency limit of a tag',
      tag,
      params: TagParamsDto,
      responses: { 204: { description: 'Deleted' }, ...notFound },
      handler: async ({ params }) => {
        await concurrencyLimits.delete(params.tag);
        return { status: 204 };
      },
    }),
  ];
}
