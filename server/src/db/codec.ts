/**
 * Converting values between JavaScript and each database, for the raw statements of the hot path.
 * Column kinds come from the TypeORM entity metadata, read once per entity and cached.
 */
import type { EntityMetadata } from 'typeorm';
import type { Dialect } from './dialect';

type ColumnKind = 'timestamp' | 'json' | 'boolean' | 'number' | 'plain';

export interface EntityCodec {
  table: string;
  columns: string[];
  kinds: Map<string, ColumnKind>;
}

function kindOf(type: unknown): ColumnKind {
  if (type === 'datetime' || type === 'timestamptz') return 'timestamp';
  if (type === 'simple-json' || type === 'jsonb') return 'json';
  if (type === 'boolean') return 'boolean';
  if (type === 'integer' || type === 'double precision') return 'number';
  return 'plain';
}

export function entityCodec(metadata: EntityMetadata): EntityCodec {
  const kinds = new Map<string, ColumnKind>();
  for (const column of metadata.columns) kinds.set(column.databaseName, kindOf(column.type));
  return { table: metadata.tableName, columns: [...kinds.keys()], kinds };
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

function pad3(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`;
}

/** 'YYYY-MM-DD HH:MM:SS.SSS' in UTC: the text form TypeORM uses for SQLite datetimes (sorts as text). */
export function sqliteTimestamp(date: Date): string {
  const year = date.getUTCFullYear();
  // The hot path formats by hand (toISOString + replace + slice costs several times more); years
  // outside 1000–9999, and invalid dates, take the general form.
  if (!(year >= 1000 && year <= 9999)) return date.toISOString().replace('T', ' ').slice(0, 23);
  return `${year}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())} ${pad2(date.getUTCHours())}:${pad2(
    date.getUTCMinutes(),
  )}:${pad2(date.getUTCSeconds())}.${pad3(date.getUTCMilliseconds())}`;
}

export class Codec {
  constructor(readonly dialect: Dialect) {}

  encodeTimestamp(value: Date | null | undefined): unknown {
    if (value == null) return null;
    return this.dialect === 'sqlite' ? sqliteTimestamp(value) : value;
  }

  decodeTimestamp(value: unknown): Date | null {
    if (value == null) return null;
    if (value instanceof Date) return value;
    const text = String(value);
    return new Date(text.includes('T') ? text : `${text.replace(' ', 'T')}Z`);
  }

  encode(kind: ColumnKind | undefined, value: unknown): unknown {
    if (value === undefined) return null;
    switch (kind) {
      case 'timestamp':
        return this.encodeTimestamp(value as Date | null);
      case 'json':
        return value === null ? null : JSON.stringify(value);
      case 'boolean':
        return this.dialect === 'sqlite' && value !== null ? (value ? 1 : 0) : value;
      default:
        return value;
    }
  }

  decode(kind: ColumnKind | undefined, value: unknown): unknown {
    if (value === null || value === undefined) return null;
    switch (kind) {
      case 'timestamp':
        return this.decodeTimestamp(value);
      case 'json':
        return typeof value === 'string' ? JSON.parse(value) : value;
      case 'boolean':
        return value === true || value === 1;
      case 'number':
        return typeof value === 'number' ? value : Number(value);
      default:
        return value;
    }
  }

  decodeRow<T>(codec: EntityCodec, row: Record<string, unknown>): T {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(row)) out[key] = this.decode(codec.kinds.get(key), row[key]);
    return out as T;
  }
}
