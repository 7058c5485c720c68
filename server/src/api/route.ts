/**
 * Declared routes: each route names its DTOs once, and that one declaration both validates requests
 * (body, query, params) and describes the route in the OpenAPI document. A handler receives validated
 * values and returns `{ status, body }`; errors are thrown and mapped in errors.ts.
 */
import type { ServerResponse } from 'node:http';
import type { ClassConstructor } from 'class-transformer';
import { Router, type Request, type Response } from 'express';
import { validateDto, validateDtoArray } from './validation';

export type HttpMethod = 'get' | 'post' | 'patch' | 'put' | 'delete';

/** What a response carries, for the OpenAPI document. */
export type ResponseShape = { description: string; schema?: string; array?: boolean };

export interface RouteDefinition<B, Q, P> {
  method: HttpMethod;
  /** Express path under /api, e.g. `/flow-runs/:id`. */
  path: string;
  summary: string;
  tag: string;
  body?: ClassConstructor<B & object> | { arrayOf: ClassConstructor<object>; maxItems: number };
  query?: ClassConstructor<Q & object>;
  params?: ClassConstructor<P & object>;
  responses: Record<number, ResponseShape>;
  handler: (input: { body: B; query: Q; params: P }) => Promise<{ status: number; body?: unknown }>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteDefinition<any, any, any>;

export function defineRoute<B = undefined, Q = undefined, P = undefined>(
  route: RouteDefinition<B, Q, P>,
): RouteDefinition<B, Q, P> {
  return route;
}

async function validatedBody(route: AnyRoute, body: unknown): Promise<unknown> {
  const spec = route.body;
  if (!spec) return undefined;
  if ('arrayOf' in spec) return validateDtoArray(spec.arrayOf, body, spec.maxItems);
  return validateDto(spec, body, 'body');
}

/** Validates a request's parts as `route` declares them and calls its handler. */
export async function answerRoute(
  route: AnyRoute,
  request: { params: object; query: unknown; body: unknown },
): Promise<{ status: number; body?: unknown }> {
  const params = route.params ? await validateDto(route.params, { ...request.params }, 'params') : undefined;
  const query = route.query ? await validateDto(route.query, { ...(request.query as object) }, 'query') : undefined;
  const body = await validatedBody(route, request.body);
  return route.handler({ body, query, params });
}

/**
 * A JSON answer to a write (POST/PATCH/PUT/DELETE). Conditional requests apply only to GET and HEAD,
 * so unlike `res.json` this skips the ETag (a hash of every body) and the freshness check.
 */
export function sendWriteResult(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Mounts declared routes on an Express router. */
export function mountRoutes(routes: readonly AnyRoute[]): Router {
  const router = Router();
  for (const route of routes) {
    router[route.method](route.path, async (req: Request, res: Response) => {
      const { status, body: responseBody } = await answerRoute(route, {
        params: req.params,
        query: req.query,
        body: req.body,
      });
      if (responseBody === undefined) res.status(status).end();
      else if (route.method === 'get') res.status(status).json(responseBody);
      else sendWriteResult(res, status, responseBody);
    });
  }
  return router;
}
