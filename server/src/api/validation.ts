/**
 * Request validation with class-validator DTOs: unknown keys are rejected, nested errors are reported
 * with their dotted path (`flowRuns.state.type.any`), and query strings are converted to the DTO's
 * types. Also bounds the nesting depth of JSON bodies before anything walks them recursively, and refuses
 * what could not be stored as sent: strings with NUL or unpaired surrogates, and the object keys
 * `__proto__`/`constructor` (class-transformer drops them, or fails on them, in free-form JSON).
 */
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { ValidationFailedError, type FieldError } from '../schemas/errors';
import { accepts } from './accepts';

export type RequestPart = 'body' | 'query' | 'params';

export const MAX_JSON_DEPTH = 64;

function flatten(errors: ValidationError[], prefix: string, out: FieldError[]): FieldError[] {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) {
      const constraints = error.constraints;
      // class-validator starts most messages with the property ("name must be…"); others get the path.
      const messages = Object.values(constraints).map((m) =>
        m.startsWith(error.property) ? (prefix ? `${prefix}.${m}` : m) : `${field}: ${m}`,
      );
      out.push({ field, message: messages.join('; '), constraints });
    }
    if (error.children?.length) flatten(error.children, field, out);
  }
  return out;
}

/** The depth of a parsed JSON value, walked without recursion. */
export function jsonDepth(value: unknown, limit = Number.MAX_SAFE_INTEGER): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) max = depth;
    if (max > limit) return max;
    for (const child of Object.values(node as object)) stack.push([child, depth + 1]);
  }
  return max;
}

export function assertJsonDepth(value: unknown, part: RequestPart, limit = MAX_JSON_DEPTH): void {
  if (jsonDepth(value, limit) > limit) {
    throw ValidationFailedError.field(part, `is nested more than ${limit} levels deep`);
  }
}

/** Why `text` cannot be stored as given: PostgreSQL refuses U+0000, and both databases store UTF-8, where a
 * lone surrogate silently becomes U+FFFD. */
function unstorable(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (/\p{Cs}/u.test(text)) return 'must be valid Unicode (it contains an unpaired UTF-16 surrogate)';
  return null;
}

const RESERVED_KEYS = new Set(['__proto__', 'constructor']);

/** Throws naming the first string or object key in `value` that cannot be stored as given. */
export function assertStorable(value: unknown, part: RequestPart): void {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (typeof node === 'string') {
      const problem = unstorable(node);
      if (problem) throw ValidationFailedError.field(path || part, problem);
    }
    if (node === null || typeof node !== 'object') continue;
    for (const [key, child] of Object.entries(node as object)) {
      const problem = unstorable(key);
      if (problem) throw ValidationFailedError.field(path || part, `keys ${problem}`);
      const childPath = path ? `${path}.${key}` : key;
      if (RESERVED_KEYS.has(key))
        throw ValidationFailedError.field(childPath, 'is a reserved key and cannot be stored');
      stack.push([child, childPath]);
    }
  }
}

/** Transforms and validates `input` as `dto`; throws ValidationFailedError naming every bad field. */
export async function validateDto<T extends object>(
  dto: ClassConstructor<T>,
  input: unknown,
  part: RequestPart,
): Promise<T> {
  if (input === undefined && part === 'body') input = {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw ValidationFailedError.field(part, 'must be a JSON object');
  }
  assertStorable(input, part);
  const instance = plainToInstance(dto, input, { enableImplicitConversion: part !== 'body' });
  if (accepts(instance)) return instance;
  const errors = await validate(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) {
    const details = flatten(errors, '', []);
    const where = part === 'body' ? 'request body' : part === 'query' ? 'query string' : 'path';
    throw new ValidationFailedError(`Invalid ${where}: ${details.map((d) => d.message).join('; ')}`, details);
  }
  return instance;
}

/** Validates an array body item by item; field paths are `[i].field`. */
export async function validateDtoArray<T extends object>(
  dto: ClassConstructor<T>,
  input: unknown,
  maxItems: number,
): Promise<T[]> {
  if (!Array.isArray(input)) throw ValidationFailedError.field('body', 'must be a JSON array');
  if (input.length > maxItems) throw ValidationFailedError.field('body', `must have at most ${maxItems} items`);
  const out: T[] = [];
  const details: FieldError[] = [];
  for (let i = 0; i < input.length; i++) {
    try {
      out.push(await validateDto(dto, input[i], 'body'));
    } catch (error) {
      if (!(error instanceof ValidationFailedError)) throw error;
      for (const d of error.details ?? []) {
        // class-validator messages start with the field's name; single-field errors do not.
        const message = d.message.startsWith(d.field) ? d.message : `${d.field}: ${d.message}`;
        details.push({ ...d, field: `[${i}].${d.field}`, message: `[${i}].${message}` });
      }
    }
  }
  if (details.length > 0) {
    throw new ValidationFailedError(
      `Invalid request body: ${details
        .slice(0, 10)
        .map((d) => d.message)
        .join('; ')}`,
      details,
    );
  }
  return out;
}
