/**
 * The only place that maps error codes to HTTP statuses. Body-parser failures, database outages and
 * constraint violations become the same `{ error: { code, message, details } }` body; an unexpected
 * error is a 500 with a generic message (and is logged), never a stack trace.
 */
import type { NextFunction, Request, Response } from 'express';
import { isForeignKeyViolation, isUniqueViolation } from '../db/errors';
import {
  ConflictError,
  PayloadTooLargeError,
  RateLimitedError,
  RigelError,
  ValidationFailedError,
  type ErrorCode,
} from '../schemas/errors';

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 422,
  OBJECT_NOT_FOUND: 404,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  DATABASE_UNAVAILABLE: 503,
  INTERNAL: 500,
};

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
  message?: string;
}

/** Turns any thrown value into a RigelError (and the HTTP status for it). */
export function toRigelError(error: unknown): { status: number; error: RigelError } {
  if (error instanceof RigelError) return { status: STATUS_BY_CODE[error.code], error };
  // The router could not percent-decode a path parameter (`/flows/name/%ZZ`).
  if (error instanceof URIError) return { status: 400, error: ValidationFailedError.field('path', error.message) };
  const parser = error as BodyParserError;
  switch (parser?.type) {
    case 'entity.too.large':
      return { status: 413, error: new PayloadTooLargeError(parser.limit ?? 0) };
    case 'entity.parse.failed':
      return {
        status: 400,
        error: ValidationFailedError.field('body', `is not valid JSON (${parser.message ?? 'parse error'})`),
      };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, error: ValidationFailedError.field('body', parser.message ?? 'unsupported encoding') };
    case 'request.aborted':
      return { status: 400, error: ValidationFailedError.field('body', 'the request was aborted') };
  }
  if (isUniqueViolation(error))
    return { status: 409, error: new ConflictError('An object with the same unique key already exists') };
  if (isForeignKeyViolation(error)) {
    return {
      status: 409,
      error: new ConflictError('The request refers to an object that does not exist (or is still referenced)'),
    };
  }
  return { status: 500, error: new RigelError('INTERNAL', 'Internal server error') };
}

/** The answer to a failed request: status, extra headers and the `{ error }` body; logs unexpected errors. */
export function errorAnswer(
  error: unknown,
  log: (message: string, error: unknown) => void,
): { status: number; headers: Record<string, string>; body: object } {
  const { status, error: rigelError } = toRigelError(error);
  if (status >= 500 && status !== 503) log('unexpected error while handling a request', error);
  const headers: Record<string, string> = {};
  if (rigelError instanceof RateLimitedError) headers['Retry-After'] = String(rigelError.retryAfterSeconds);
  if (status === 503) headers['Retry-After'] = '2';
  return { status, headers, body: rigelError.toBody() };
}

export function errorHandler(log: (message: string, error: unknown) => void) {
  return (error: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(error);
    const { status, headers, body } = errorAnswer(error, log);
    res.set(headers).status(status).json(body);
  };
}
