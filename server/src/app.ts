/**
 * createRequestListener(services): what the HTTP server calls for every request — the fast lane for the
 * SDK's per-task routes (fast-lane.ts), and for everything else the Express application: the REST API
 * under /api, the OpenAPI document and interactive docs, and the dashboard (or a landing page until it
 * is built).
 */
import { existsSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { join } from 'node:path';
import express, { type Express } from 'express';
import swaggerUi from 'swagger-ui-express';
import { errorHandler } from './api/errors';
import { createFastLane } from './api/fast-lane';
import { jsonBody, RequestGuards } from './api/middleware';
import { buildOpenApiDocument } from './api/openapi';
import { mountRoutes, type AnyRoute } from './api/route';
import { allRoutes } from './api/routes';
import { RIGEL_VERSION } from './api/routes/health.routes';
import { RigelError } from './schemas/errors';
import type { Services } from './services';

export interface AppOptions {
  /** Where the built dashboard lives (index.html); defaults to the workspace's dashboard build. */
  dashboardDir?: string;
  log?: (message: string, error?: unknown) => void;
}

const DEFAULT_DASHBOARD_DIR = join(__dirname, '..', '..', 'dashboard', 'dist', 'browser');

function landingPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Rigel</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2937}
a{color:#4f46e5}code{background:#f3f4f6;padding:.1rem .3rem;border-radius:4px}</style></head>
<body><h1>Rigel ${RIGEL_VERSION}</h1><p>The API is running at <code>/api</code>.</p>
<ul><li><a href="/docs">Interactive API docs</a></li><li><a href="/api/openapi.json">OpenAPI document</a></li>
<li><a href="/api/health">Health</a></li></ul>
<p>The dashboard appears here once it is built (<code>npm run build</code>).</p></body></html>`;
}

/**
 * The routes the SDK calls for every task run (create and start, propose a state, both batched), every
 * flow run's state proposals and the log batches: answered by the fast lane when the request is plain.
 */
export const HOT_ROUTES: ReadonlySet<string> = new Set([
  'post /task-runs',
  'post /task-runs/batch',
  'post /task-runs/:id/set-state',
  'post /flow-runs/:id/set-state',
  'post /logs',
]);

export function createRequestListener(services: Services, options: AppOptions = {}): RequestListener {
  const log = options.log ?? ((message, error) => console.error(`[rigel] ${message}`, error ?? ''));
  const guards = new RequestGuards(services.settings.rateLimitPerSecond, services.settings.apiKey);
  const routes = allRoutes(services);
  const app = createApp(services, routes, guards, log, options);
  const hot = routes.filter((route) => HOT_ROUTES.has(`${route.method} ${route.path}`));
  const fastLane = createFastLane(hot, guards, services.settings.bodyLimitBytes, log);
  return (req, res) => {
    if (!fastLane(req, res)) app(req, res);
  };
}

function createApp(
  services: Services,
  routes: AnyRoute[],
  guards: RequestGuards,
  log: (message: string, error: unknown) => void,
  options: AppOptions,
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);

  const openapi = buildOpenApiDocument(routes, RIGEL_VERSION);

  const api = express.Router();
  api.use(guards.middleware());
  api.use(jsonBody(services.settings.bodyLimitBytes));
  api.get('/openapi.json', (_req, res) => void res.json(openapi));
  api.use(mountRoutes(routes));
  api.use((req, _res, next) => next(new RigelError('NOT_FOUND', `No route ${req.method} /api${req.path}; see /docs`)));
  app.use('/api', api);

  app.use('/docs', swaggerUi.serve, swaggerUi.setup(openapi as swaggerUi.JsonObject, { customSiteTitle: 'Rigel API' }));

  const dashboardDir = options.dashboardDir ?? DEFAULT_DASHBOARD_DIR;
  if (existsSync(join(dashboardDir, 'index.html'))) {
    app.use(express.static(dashboardDir, { index: 'index.html', maxAge: '1h' }));
    app.get('/{*splat}', (_req, res) => res.sendFile(join(dashboardDir, 'index.html')));
  } else {
    app.get('/', (_req, res) => void res.type('html').send(landingPage()));
  }

  app.use(errorHandler(log));
  return app;
}
