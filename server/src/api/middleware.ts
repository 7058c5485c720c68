/**
 * Request guards that run before any route: JSON parsing with a size limit and a nesting bound, an API
 * key when one is configured, and a per-client rate limit.
 */
import { timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { RateLimitedError, UnauthorizedError } from '../schemas/errors';
import { assertJsonDepth } from './validation';

export function jsonBody(limitBytes: number): RequestHandler[] {
  return [
    express.json({ limit: limitBytes, strict: false, type: ['application/json', 'application/*+json'] }),
    (req: Request, _res: Response, next: NextFunction) => {
      if (req.body !== undefined) assertJsonDepth(req.body, 'body');
      next();
    },
  ];
}

/** Requires `Authorization: Bearer <key>` when the server has an API key (health stays open). */
export function apiKeyGuard(apiKey: string | undefined): RequestHandler {
  if (!apiKey) return (_req, _res, next) => next();
  const expected = Buffer.from(apiKey);
  return (req, _res, next) => {
    if (req.path === '/health') return next();
    const header = req.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return next(new UnauthorizedError());
    next();
  };
}

/** A fixed one-second window per client address; `perSecond` 0 turns it off. */
export function rateLimit(perSecond: number): RequestHandler {
  if (perSecond <= 0) return (_req, _res, next) => next();
  const windows = new Map<string, { second: number; count: number }>();
  return (req, _res, next) => {
    const second = Math.floor(Date.now() / 1000);
    const key = req.ip ?? 'unknown';
    let window = windows.get(key);
    if (!window || window.second !== second) {
      if (windows.size > 10_000) windows.clear();
      window = { second, count: 0 };
      windows.set(key, window);
    }
    if (++window.count > perSecond) return next(new RateLimitedError(1));
    next();
  };
}
