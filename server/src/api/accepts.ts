/**
 * A fast path for the validation in validation.ts. class-validator looks up and groups the metadata
 * of every class it meets on every call (scanning all registered classes for inheritance), builds an
 * error object per property and settles a promise per call; on the hot routes that cost more than the
 * orchestration itself. `accepts` walks a transformed DTO instance the way class-validator's
 * ValidationExecutor does under validateDto's options (whitelist, forbidNonWhitelisted,
 * forbidUnknownValues, no groups), calling the very same constraint functions, with the metadata
 * gathered once per class. It answers only "certainly valid": on false — an invalid value, or
 * anything it does not mirror (async constraints, promises) — class-validator runs as before and
 * reports the errors. DTO classes are decorated when their modules load, before the first request.
 */
/* eslint-disable @typescript-eslint/no-unsafe-function-type -- class-validator keys its metadata by constructor (Function) */
import { getMetadataStorage, ValidationTypes, type MetadataStorage } from 'class-validator';

type Metadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];

interface Check {
  metadata: Metadata;
  validate: (value: unknown, args: object) => unknown;
}

interface PropertyPlan {
  name: string;
  /** `@IsOptional()` and other conditions: when one is false, nothing else is checked. */
  conditions: Metadata[];
  /** `@IsDefined()` first, then the other constraints, in class-validator's order. */
  checks: Check[];
  nested: Metadata[];
}

/** null: the class uses something this fast path does not mirror. */
type Plan = { properties: PropertyPlan[]; known: Set<string> } | null;

const storage = getMetadataStorage();
const plans = new Map<Function, Map<string | undefined, Plan>>();

function checksOf(metadatas: Metadata[]): Check[] | null {
  const checks: Check[] = [];
  for (const metadata of metadatas) {
    for (const constraint of storage.getTargetValidatorConstraints(metadata.constraintCls)) {
      if (constraint.async) return null;
      const instance = constraint.instance;
      checks.push({ metadata, validate: (value, args) => instance.validate(value, args as never) });
    }
  }
  return checks;
}

function buildPlan(target: Function, schema: string | undefined): Plan {
  const metadatas = storage.getTargetValidationMetadatas(target, schema as string, false, false, undefined);
  const grouped = storage.groupByPropertyName(metadatas);
  const properties: PropertyPlan[] = [];
  for (const [name, list] of Object.entries(grouped)) {
    const others = list.filter((m) => m.type !== ValidationTypes.IS_DEFINED && m.type !== ValidationTypes.WHITELIST);
    if (others.some((m) => m.type === ValidationTypes.PROMISE_VALIDATION)) return null;
    const defined = checksOf(list.filter((m) => m.type === ValidationTypes.IS_DEFINED));
    const custom = checksOf(others.filter((m) => m.type === ValidationTypes.CUSTOM_VALIDATION));
    if (!defined || !custom) return null;
    properties.push({
      name,
      conditions: others.filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION),
      checks: [...defined, ...custom],
      nested: others.filter((m) => m.type === ValidationTypes.NESTED_VALIDATION),
    });
  }
  return { properties, known: new Set(Object.keys(grouped)) };
}

function planFor(target: Function, schema: string | undefined): Plan {
  let bySchema = plans.get(target);
  if (!bySchema) plans.set(target, (bySchema = new Map()));
  if (!bySchema.has(schema)) bySchema.set(schema, buildPlan(target, schema));
  return bySchema.get(schema)!;
}

function isCollection(value: unknown): value is unknown[] | Set<unknown> | Map<unknown, unknown> {
  return Array.isArray(value) || value instanceof Set || value instanceof Map;
}

function passes(check: Check, object: object, value: unknown): boolean {
  const { metadata } = check;
  if (metadata.validateIf && !metadata.validateIf(object, value)) return true;
  const args = {
    targetName: object.constructor?.name,
    property: metadata.propertyName,
    object,
    value,
    constraints: metadata.constraints,
  };
  const values = metadata.each && isCollection(value) ? [...value.values()] : [value];
  // A promise (an async constraint) is not "certainly valid": class-validator decides.
  return values.every((v) => check.validate(v, args) === true);
}

function nestedPasses(metadatas: Metadata[], value: unknown): boolean {
  if (value === undefined) return true;
  for (const metadata of metadatas) {
    if (isCollection(value)) {
      for (const item of value instanceof Set ? [...value] : value.values()) {
        if (!nestedPasses(metadatas, item)) return false;
      }
    } else if (value instanceof Object) {
      const schema = typeof metadata.target === 'string' ? metadata.target : metadata.target.name;
      if (!accepts(value, schema)) return false;
    } else {
      return false;
    }
  }
  return true;
}

/** True only when class-validator would report no error for `object` under validateDto's options. */
export function accepts(object: object, schema?: string): boolean {
  if (typeof object.constructor !== 'function') return false;
  const plan = planFor(object.constructor, schema);
  // forbidUnknownValues: a class without any validation metadata is an error.
  if (!plan || plan.known.size === 0) return false;
  // whitelist + forbidNonWhitelisted: a property without metadata is an error.
  for (const key of Object.keys(object)) if (!plan.known.has(key)) return false;
  const record = object as Record<string, unknown>;
  for (const property of plan.properties) {
    const value = record[property.name];
    if (!property.conditions.every((m) => m.constraints[0](object, value))) continue;
    for (const check of property.checks) if (!passes(check, object, value)) return false;
    if (!nestedPasses(property.nested, value)) return false;
  }
  return true;
}
