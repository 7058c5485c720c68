/**
 * Result serialization ("rigel-json"): JSON with tagged values, so Date, Map, Set, BigInt, Buffer,
 * undefined, NaN/±Infinity and Error round-trip; plain objects and arrays as themselves; class
 * instances as their own enumerable properties. Functions, symbols, promises and circular structures
 * cannot be persisted and raise ResultNotPersistableError naming the path.
 */
import { ResultNotPersistableError } from '../errors';

export const SERIALIZER = 'rigel-json';
const TAG = '$t';

type Tagged = { [TAG]: string; v?: unknown };

function tag(type: string, v?: unknown): Tagged {
  return v === undefined ? { [TAG]: type } : { [TAG]: type, v };
}

function encode(value: unknown, path: string, seen: Set<object>, sortKeys: boolean): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : tag('Number', String(value));
    case 'bigint':
      return tag('BigInt', value.toString());
    case 'undefined':
      return tag('undefined');
    case 'function':
    case 'symbol':
      throw new ResultNotPersistableError(`${path} is a ${typeof value}, which cannot be persisted`);
  }
  if (value === null) return null;
  const object = value as object;
  if (object instanceof Date) return tag('Date', Number.isNaN(object.getTime()) ? null : object.toISOString());
  if (Buffer.isBuffer(object)) return tag('Buffer', object.toString('base64'));
  if (object instanceof Uint8Array) return tag('Uint8Array', Buffer.from(object).toString('base64'));
  if (object instanceof Promise) throw new ResultNotPersistableError(`${path} is a Promise; await it before returning`);
  if (object instanceof WeakMap || object instanceof WeakSet) {
    throw new ResultNotPersistableError(`${path} is a ${object.constructor.name}, which cannot be persisted`);
  }
  if (seen.has(object))
    throw new ResultNotPersistableError(`${path} is a circular reference, which cannot be persisted`);
  seen.add(object);
  try {
    if (object instanceof Error) {
      return tag('Error', { name: object.name, message: object.message, stack: object.stack });
    }
    if (object instanceof Map) {
      return tag(
        'Map',
        [...object.entries()].map(([k, v], i) => [
          encode(k, `${path}<key ${i}>`, seen, sortKeys),
          encode(v, `${path}<${i}>`, seen, sortKeys),
        ]),
      );
    }
    if (object instanceof Set)
      return tag(
        'Set',
        [...object].map((v, i) => encode(v, `${path}<${i}>`, seen, sortKeys)),
      );
    if (Array.isArray(object)) return object.map((v, i) => encode(v, `${path}[${i}]`, seen, sortKeys));
    const keys = Object.keys(object);
    if (sortKeys) keys.sort();
    const out: Record<string, unknown> = {};
    for (const key of keys)
      out[key] = encode((object as Record<string, unknown>)[key], `${path}.${key}`, seen, sortKeys);
    // A user object that itself has the tag key is wrapped, so decoding never mistakes it for a tag.
    return TAG in out ? tag('Object', out) : out;
  } finally {
    seen.delete(object);
  }
}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (typeof record[TAG] === 'string') {
    const v = record.v;
    switch (record[TAG]) {
      case 'undefined':
        return undefined;
      case 'Number':
        return Number(v);
      case 'BigInt':
        return BigInt(v as string);
      case 'Date':
        return new Date(v === null ? NaN : (v as string));
      case 'Buffer':
        return Buffer.from(v as string, 'base64');
      case 'Uint8Array':
        return new Uint8Array(Buffer.from(v as string, 'base64'));
      case 'Map':
        return new Map((v as [unknown, unknown][]).map(([k, x]) => [decode(k), decode(x)]));
      case 'Set':
        return new Set((v as unknown[]).map(decode));
      case 'Error': {
        const e = v as { name: string; message: string; stack?: string };
        return Object.assign(new Error(e.message), { name: e.name, stack: e.stack });
      }
      case 'Object':
        return decodeObject(v as Record<string, unknown>);
    }
  }
  return decodeObject(record);
}

function decodeObject(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) out[key] = decode(record[key]);
  return out;
}

export function serialize(value: unknown): string {
  return JSON.stringify(encode(value, 'the result', new Set(), false));
}

/** Like serialize, with object keys sorted: equal values give equal text (for cache keys). */
export function stableSerialize(value: unknown): string {
  return JSON.stringify(encode(value, 'the value', new Set(), true));
}

export function deserialize(text: string): unknown {
  return decode(JSON.parse(text));
}

/** A JSON-friendly view of parameters for storing on a flow run (Dates as ISO strings, Maps as objects). */
export function toJsonParameters(parameters: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(parameters, (_key, value: unknown) => {
      if (typeof value === 'bigint') return value.toString();
      if (value instanceof Map) return Object.fromEntries(value);
      if (value instanceof Set) return [...value];
      if (typeof value === 'function' || typeof value === 'symbol') return undefined;
      return value;
    }) ?? '{}',
  ) as Record<string, unknown>;
}
