/**
 * Typed errors with stable string codes. The HTTP mapping lives only in api/errors.ts; the SDK's HTTP
 * client rebuilds the subclass from `code`, so callers can catch `ObjectNotFoundError` in both modes.
 */

export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'OBJECT_NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'DATABASE_UNAVAILABLE'
  | 'NOT_FOUND'
  | 'INTERNAL';

export interface FieldError {
  /** Dotted path of the offending field, e.g. `flowRuns.state.type.any` or `body` for the whole body. */
  field: string;
  message: string;
  constraints?: Record<string, string>;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: FieldError[] };
}

export class RigelError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldError[],
  ) {
    super(message);
    this.name = new.target.name;
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

export class ValidationFailedError extends RigelError {
  constructor(message: string, details: FieldError[] = []) {
    super('VALIDATION_FAILED', message, details);
  }

  /** One bad field, with the message naming it. */
  static field(field: string, message: string): ValidationFailedError {
    return new ValidationFailedError(`${field}: ${message}`, [{ field, message }]);
  }
}

export class ObjectNotFoundError extends RigelError {
  constructor(
    readonly objectType: string,
    readonly objectId: string,
  ) {
    super('OBJECT_NOT_FOUND', `${objectType} ${objectId} was not found`);
  }
}

export class ConflictError extends RigelError {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

export class PayloadTooLargeError extends RigelError {
  constructor(limitBytes: number, field = 'body') {
    super(
      'PAYLOAD_TOO_LARGE',
      `${field === 'body' ? 'The request body' : field} is larger than the limit of ${limitBytes} bytes`,
      [{ field, message: `must be at most ${limitBytes} bytes` }],
    );
  }
}

export class DatabaseUnavailableError extends RigelError {
  constructor(reason: string) {
    super('DATABASE_UNAVAILABLE', `The database is unavailable: ${reason}. Retry shortly.`);
  }
}

export class UnauthorizedError extends RigelError {
  constructor(message = 'A valid API key is required (Authorization: Bearer <key>)') {
    super('UNAUTHORIZED', message);
  }
}

export class RateLimitedError extends RigelError {
  constructor(readonly retryAfterSeconds: number) {
    super('RATE_LIMITED', `Too many requests; retry after ${retryAfterSeconds} s`);
  }
}

const BY_CODE: Partial<Record<ErrorCode, (message: string, details?: FieldError[]) => RigelError>> = {
  VALIDATION_FAILED: (m, d) => new ValidationFailedError(m, d),
  CONFLICT: (m) => new ConflictError(m),
  DATABASE_UNAVAILABLE: (m) => Object.assign(new DatabaseUnavailableError(''), { message: m }),
};

/** Rebuilds a typed error from an API error body (used by the SDK's HTTP client). */
export function errorFromBody(body: ErrorBody): RigelError {
  const { code, message, details } = body.error;
  if (code === 'OBJECT_NOT_FOUND') {
    const match = /^(\S+(?: \S+)*?) (\S+) was not found$/.exec(message);
    return new ObjectNotFoundError(match?.[1] ?? 'Object', match?.[2] ?? '');
  }
  const build = BY_CODE[code];
  return build ? build(message, details) : new RigelError(code, message, details);
}
