import { ResultCreateDto, ResultKeyParamsDto } from '../../schemas/dto/result.dto';
import type { Services } from '../../services';
import { defineRoute, type AnyRoute } from '../route';

export function resultsRoutes({ results }: Services): AnyRoute[] {
  const tag = 'Results';
  return [
    defineRoute({
      method: 'put',
      path: '/results/:key',
      summary: 'Store a serialized result under a key (write-once; a repeated write returns the stored one)',
      tag,
      params: ResultKeyParamsDto,
      body: ResultCreateDto,
      responses: {
        201: { description: 'Stored', schema: 'ResultInfo' },
        200: { description: 'Already stored', schema: 'ResultInfo' },
      },
      handler: async ({ params, body }) => {
        const { result, created } = await results.put(params.key, body);
        return { status: created ? 201 : 200, body: result };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/results/:key',
      summary: 'Read a stored result',
      tag,
      params: ResultKeyParamsDto,
      responses: { 200: { description: 'The result', schema: 'Result' }, 404: { description: 'No such result' } },
      handler: async ({ params }) => ({ status: 200, body: await results.get(params.key) }),
    }),
  ];
}
