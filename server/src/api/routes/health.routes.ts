import type { Services } from '../../services';
import { defineRoute, type AnyRoute } from '../route';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const RIGEL_VERSION: string = (require('../../../package.json') as { version: string }).version;

export function healthRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/health',
      summary: 'Whether the server and its database answer',
      tag: 'Health',
      responses: {
        200: { description: 'Healthy', schema: 'Health' },
        503: { description: 'The database is unavailable' },
      },
      handler: async () => {
        await services.db.query('SELECT 1 AS ok');
        return { status: 200, body: { status: 'ok', database: services.db.dialect } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/version',
      summary: 'The server version',
      tag: 'Health',
      responses: { 200: { description: 'Version', schema: 'Version' } },
      handler: async () => ({ status: 200, body: { version: RIGEL_VERSION, api: 'v1' } }),
    }),
  ];
}
