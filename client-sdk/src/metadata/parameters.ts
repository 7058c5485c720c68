/**
 * Flow parameters: names from the method, types from `design:paramtypes` (read once, at decoration).
 * DTO classes are transformed and validated with class-transformer + class-validator; primitives are
 * coerced where that is unambiguous ("5" → 5 for a number); enums, interfaces and unions (which reach
 * runtime as Object) pass through unvalidated.
 */
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validate, type ValidationError } from 'class-validator';

export type ParameterKind = 'string' | 'number' | 'boolean' | 'date' | 'bigint' | 'array' | 'dto' | 'opaque';

export interface ParameterSpec {
  name: string;
  kind: ParameterKind;
  /** The DTO class, for kind 'dto'. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type?: new (...args: any[]) => object;
  /** Whether the class has class-validator constraints (then unknown properties are refused). */
  validated?: boolean;
  /** Whether the parameter has a default value in the source (then it may be left out). */
  hasDefault?: boolean;
}

export interface ParameterProblem {
  field: string;
  message: string;
}

const OPAQUE = new Set<unknown>([Object, Function, Promise, Map, Set, Symbol, undefined, null]);

function kindOf(type: unknown): ParameterKind {
  if (type === String) return 'string';
  if (type === Number) return 'number';
  if (type === Boolean) return 'boolean';
  if (type === Date) return 'date';
  if (type === BigInt) return 'bigint';
  if (type === Array) return 'array';
  if (OPAQUE.has(type) || typeof type !== 'function') return 'opaque';
  if (type === Buffer || (type as { prototype?: unknown }).prototype instanceof Uint8Array) return 'opaque';
  return 'dto';
}

export function describeParameters(
  names: string[],
  types: unknown[] | undefined,
  defaults: ReadonlySet<string> = new Set(),
): ParameterSpec[] {
  return names.map((name, i) => {
    const type = types?.[i];
    const kind = kindOf(type);
    const hasDefault = defaults.has(name);
    if (kind !== 'dto') return { name, kind, hasDefault };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const dto = type as new (...args: any[]) => object;
    const validated = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).length > 0;
    return { name, kind, type: dto, validated, hasDefault };
  });
}

function flatten(errors: ValidationError[], prefix: string, out: ParameterProblem[]): void {
  for (const error of errors) {
    const field = `${prefix}.${error.property}`;
    if (error.constraints) out.push({ field, message: Object.values(error.constraints).join('; ') });
    if (error.children?.length) flatten(error.children, field, out);
  }
}

function coercePrimitive(spec: ParameterSpec, value: unknown): { value: unknown } | { problem: string } {
  switch (spec.kind) {
    case 'number': {
      if (typeof value === 'number') return { value };
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      return Number.isFinite(n) ? { value: n } : { problem: `must be a number (got ${JSON.stringify(value)})` };
    }
    case 'string':
      if (typeof value === 'string') return { value };
      if (typeof value === 'number' || typeof value === 'boolean') return { value: String(value) };
      return { problem: `must be a string (got ${typeof value})` };
    case 'boolean':
      if (typeof value === 'boolean') return { value };
      if (value === 'true' || value === 'false') return { value: value === 'true' };
      return { problem: `must be true or false (got ${JSON.stringify(value)})` };
    case 'date': {
      if (value instanceof Date && !Number.isNaN(value.getTime())) return { value };
      const d = typeof value === 'string' || typeof value === 'number' ? new Date(value) : new Date(NaN);
      return Number.isNaN(d.getTime())
        ? { problem: `must be a date (ISO-8601, got ${JSON.stringify(value)})` }
        : { value: d };
    }
    case 'bigint':
      try {
        return { value: typeof value === 'bigint' ? value : BigInt(value as string) };
      } catch {
        return { problem: `must be an integer (got ${JSON.stringify(value)})` };
      }
    case 'array':
      return Array.isArray(value) ? { value } : { problem: `must be an array (got ${typeof value})` };
    default:
      return { value };
  }
}

/** Coerces and validates `values` (by parameter name); returns the values to call with and every problem. */
export async function coerceParameters(
  specs: ParameterSpec[],
  values: unknown[],
): Promise<{ values: unknown[]; problems: ParameterProblem[] }> {
  const out = [...values];
  const problems: ParameterProblem[] = [];
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    const value = values[i];
    if (value === undefined || value === null) {
      // A validated DTO with no default is required: name it rather than let the body fail reading it.
      if (spec.kind === 'dto' && spec.validated && !spec.hasDefault) {
        problems.push({ field: spec.name, message: `is required (${spec.type!.name})` });
      }
      continue;
    }
    if (spec.kind === 'opaque') continue;
    if (spec.kind !== 'dto') {
      const result = coercePrimitive(spec, value);
      if ('problem' in result) problems.push({ field: spec.name, message: result.problem });
      else out[i] = result.value;
      continue;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ field: spec.name, message: `must be an object (${spec.type!.name})` });
      continue;
    }
    const instance = value instanceof spec.type! ? value : plainToInstance(spec.type!, value);
    out[i] = instance;
    if (!spec.validated) continue;
    const errors = await validate(instance, {
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: false,
    });
    flatten(errors, spec.name, problems);
  }
  return { values: out, problems };
}
