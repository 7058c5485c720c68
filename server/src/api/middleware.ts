/**
 * Request guards that run before any route: JSON parsing with a size limit and a nesting bound, an API
 * key when one is configured, and a per-client rate limit. The guards' logic lives in `RequestGuards`,
 * shared by the Express middleware here and by the fast lane (fast-lane.ts), so both count against one
 * rate-limit window and accept the same keys.
 */
import { timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { RateLimitedError, UnauthorizedError, type RigelError } from '../schemas/errors';
import { assertJsonDepth } from './validation';

export class RequestGuards {
  private readonly expectedKey: Buffer | null;
  private readonly windows = new Map<string, { second: number; count: number }>();

  /** `rateLimitPerSecond` 0 turns the rate limit off; no `apiKey`, no key check. */
  constructor(
    private readonly rateLimitPerSecond: number,
    apiKey: string | undefined,
  ) {
    this.expectedKey = apiKey ? Buffer.from(apiKey) : null;
  }

  /**
   * Why the request may not go on (rate limit first, then the API key), or null. A fixed one-second
   * window per client address; `Authorization: Bearer <key>` when the server has a key (health stays open).
   */
  refusal(clientAddress: string | undefined, path: string, authorization: string | undefined): RigelError | null {
    if (this.rateLimitPerSecond > 0 && !this.withinRate(clientAddress ?? 'unknown')) return new RateLimitedError(1);
    if (this.expectedKey && path !== '/health') {
      const header = authorization ?? '';
      const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
      if (given.length !== this.expectedKey.length || !timingSafeEqual(given, this.expectedKey)) {
        return new UnauthorizedError();
      }
    }
    return null;
  }

  private withinRate(key: string): boolean {
    const second = Math.floor(Date.now() / 1000);
    let window = this.windows.get(key);
    if (!window || window.second !== second) {
      if (this.windows.size > 10_000) this.windows.clear();
      window = { second, count: 0 };
      this.windows.set(key, window);
    }
    return ++window.count <= this.rateLimitPerSecond;
  }

  /** The guards as Express middleware (paths relative to the /api mount). */
  middleware(): RequestHandler {
    return (req, _res, next) => next(this.refusal(req.ip, req.path, req.headers.authorization) ?? undefined);
  }
}

/** The media types parsed as JSON (express.json's `type`). */
export const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'];

export function jsonBody(limitBytes: number): RequestHandler[] {
  return [
    express.json({ limit: limitBytes, strict: false, type: JSON_MEDIA_TYPES }),
    (req: Request, _res: Response, next: NextFunction) => {
      if (req.body !== undefined) assertJsonDepth(req.body, 'body');
      next();
    },
  ];
}
