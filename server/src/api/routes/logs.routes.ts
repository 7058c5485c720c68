import { LogCreateDto, LogFilterDto, MAX_LOG_BATCH } from '../../schemas/dto/log.dto';
import type { Services } from '../../services';
import { defineRoute, type AnyRoute } from '../route';

export function logsRoutes({ logs }: Services): AnyRoute[] {
  const tag = 'Logs';
  return [
    defineRoute({
      method: 'post',
      path: '/logs',
      summary: `Store a batch of log lines (at most ${MAX_LOG_BATCH})`,
      tag,
      body: { arrayOf: LogCreateDto, maxItems: MAX_LOG_BATCH },
      responses: {
        201: { description: 'Stored', schema: 'Created' },
        404: { description: 'A flow run named by a line does not exist' },
      },
      handler: async ({ body }) => ({ status: 201, body: { created: await logs.create(body as LogCreateDto[]) } }),
    }),
    defineRoute({
      method: 'post',
      path: '/logs/filter',
      summary: 'List log lines',
      tag,
      body: LogFilterDto,
      responses: { 200: { description: 'Log lines', schema: 'Log', array: true } },
      handler: async ({ body }) => ({ status: 200, body: await logs.filter(body) }),
    }),
  ];
}
