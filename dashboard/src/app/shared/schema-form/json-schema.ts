/**
 * JSON schema → form fields, form values → typed JSON, and a browser-side check of the common schema
 * keywords (type, required, enum, minimum/maximum, lengths, pattern, additionalProperties). The server
 * checks the full schema again (ajv) and its 422 field errors are shown on the same fields.
 */
export type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  title?: string;
  description?: string;
  default?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  items?: Schema;
  additionalProperties?: boolean | Schema;
  allOf?: Schema[];
  $ref?: string;
  definitions?: Record<string, Schema>;
  $defs?: Record<string, Schema>;
};

export type FieldKind = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'object' | 'json';

export interface FormField {
  /** Dotted path inside the value: `request.topN`. */
  path: string;
  name: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  schema: Schema;
  description?: string;
  children: FormField[];
}

export interface FieldError {
  field: string;
  message: string;
}

/** Follows local `$ref`s (`#/definitions/X`, `#/$defs/X`) and single-entry `allOf`s. */
export function resolve(schema: Schema, root: Schema, depth = 0): Schema {
  if (depth > 20) return schema;
  if (schema.$ref?.startsWith('#/')) {
    const target = schema.$ref
      .slice(2)
      .split('/')
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], root);
    if (target) return resolve({ ...(target as Schema), ...without(schema, '$ref') }, root, depth + 1);
  }
  if (schema.allOf?.length === 1) return resolve({ ...schema.allOf[0], ...without(schema, 'allOf') }, root, depth + 1);
  return schema;
}

function without(schema: Schema, key: keyof Schema): Schema {
  const copy = { ...schema };
  delete copy[key];
  return copy;
}

function typesOf(schema: Schema): string[] {
  return Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
}

function kindOf(schema: Schema): FieldKind {
  if (schema.enum?.length) return 'enum';
  const types = typesOf(schema).filter((t) => t !== 'null');
  if (types.length !== 1) return 'json';
  const [type] = types;
  if (type === 'object' && schema.properties && Object.keys(schema.properties).length) return 'object';
  if (type === 'string' || type === 'number' || type === 'integer' || type === 'boolean') return type;
  return 'json';
}

/** The fields of an object schema (nested objects with properties become groups of fields). */
export function fieldsOf(schema: Schema, root: Schema = schema, prefix = '', depth = 0): FormField[] {
  const resolved = resolve(schema, root);
  const required = new Set(resolved.required ?? []);
  return Object.entries(resolved.properties ?? {}).map(([name, raw]) => {
    const s = resolve(raw, root);
    const path = prefix ? `${prefix}.${name}` : name;
    const kind = depth >= 4 && kindOf(s) === 'object' ? 'json' : kindOf(s);
    return {
      path,
      name,
      label: s.title && s.title !== name ? `${s.title} (${name})` : name,
      kind,
      required: required.has(name),
      schema: s,
      description: s.description,
      children: kind === 'object' ? fieldsOf(s, root, path, depth + 1) : [],
    };
  });
}

/** Raw control values (strings for text inputs, booleans for checkboxes) from a value object. */
export function rawValues(
  fields: FormField[],
  value: Record<string, unknown>,
  out = new Map<string, string | boolean>(),
) {
  for (const f of fields) {
    const v = value[f.name] !== undefined ? value[f.name] : f.schema.default;
    if (f.kind === 'object') rawValues(f.children, (v as Record<string, unknown>) ?? {}, out);
    else if (f.kind === 'boolean') out.set(f.path, v === true);
    else if (f.kind === 'json') out.set(f.path, v === undefined ? '' : JSON.stringify(v, null, 2));
    else out.set(f.path, v === undefined || v === null ? '' : String(v));
  }
  return out;
}

/** Typed value from raw control values; empty optional controls are left out. */
export function buildValue(fields: FormField[], raw: ReadonlyMap<string, string | boolean>, errors: FieldError[]) {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.kind === 'object') {
      const child = buildValue(f.children, raw, errors);
      if (Object.keys(child).length || f.required) out[f.name] = child;
      continue;
    }
    const r = raw.get(f.path);
    if (f.kind === 'boolean') {
      out[f.name] = r === true;
      continue;
    }
    const text = typeof r === 'string' ? r.trim() : '';
    if (text === '') continue;
    if (f.kind === 'number' || f.kind === 'integer') {
      const n = Number(text);
      if (Number.isNaN(n)) errors.push({ field: f.path, message: 'must be a number' });
      else out[f.name] = n;
    } else if (f.kind === 'json') {
      try {
        out[f.name] = JSON.parse(text);
      } catch {
        errors.push({ field: f.path, message: 'must be valid JSON (e.g. "text", 42, [1, 2] or {"a": 1})' });
      }
    } else if (f.kind === 'enum') {
      out[f.name] = f.schema.enum!.find((option) => String(option) === text) ?? text;
    } else out[f.name] = text;
  }
  return out;
}

function typeMatches(type: string, v: unknown): boolean {
  switch (type) {
    case 'null':
      return v === null;
    case 'array':
      return Array.isArray(v);
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'integer':
      return Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    default:
      return typeof v === type;
  }
}

/** Checks `value` against the common keywords of `schema`; errors name the field by its path. */
export function validate(schema: Schema, value: unknown, root: Schema = schema, path = ''): FieldError[] {
  const s = resolve(schema, root);
  const at = (message: string): FieldError => ({ field: path, message });
  const types = typesOf(s);
  if (types.length && !types.some((t) => typeMatches(t, value))) return [at(`must be ${types.join(' or ')}`)];
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    return [at(`must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`)];
  }
  const errors: FieldError[] = [];
  if (typeof value === 'number') {
    if (s.minimum !== undefined && value < s.minimum) errors.push(at(`must be >= ${s.minimum}`));
    if (s.maximum !== undefined && value > s.maximum) errors.push(at(`must be <= ${s.maximum}`));
    if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum)
      errors.push(at(`must be > ${s.exclusiveMinimum}`));
    if (s.exclusiveMaximum !== undefined && value >= s.exclusiveMaximum)
      errors.push(at(`must be < ${s.exclusiveMaximum}`));
  }
  if (typeof value === 'string') {
    if (s.minLength !== undefined && value.length < s.minLength)
      errors.push(at(`must have at least ${s.minLength} characters`));
    if (s.maxLength !== undefined && value.length > s.maxLength)
      errors.push(at(`must have at most ${s.maxLength} characters`));
    if (s.pattern && !safeRegExp(s.pattern)?.test(value)) errors.push(at(`must match ${s.pattern}`));
  }
  if (Array.isArray(value) && s.items) {
    value.forEach((item, i) => errors.push(...validate(s.items!, item, root, `${path}.${i}`.replace(/^\./, ''))));
  }
  if (typeMatches('object', value)) {
    const object = value as Record<string, unknown>;
    const join = (key: string) => (path ? `${path}.${key}` : key);
    for (const key of s.required ?? [])
      if (object[key] === undefined) errors.push({ field: join(key), message: 'is required' });
    for (const [key, v] of Object.entries(object)) {
      const property = s.properties?.[key];
      if (property) errors.push(...validate(property, v, root, join(key)));
      else if (s.additionalProperties === false) errors.push({ field: join(key), message: 'is not an allowed field' });
    }
  }
  return errors;
}

function safeRegExp(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return null;
  }
}
