/** Small helpers for building statements: placeholders and dialect-specific SQL fragments. */
import type { Dialect } from '../db/dialect';

export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/** Escapes `%`, `_` and `\` for a LIKE pattern (used with ESCAPE '\'). */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Case-insensitive LIKE on both databases. */
export function ilike(dialect: Dialect, column: string): string {
  return dialect === 'postgres' ? `${column} ILIKE ? ESCAPE '\\'` : `${column} LIKE ? ESCAPE '\\'`;
}

/** A JSON array column containing `tag`. */
export function jsonArrayContains(dialect: Dialect, column: string): string {
  return dialect === 'postgres'
    ? `${column} @> jsonb_build_array(?::text)`
    : `EXISTS (SELECT 1 FROM json_each(${column}) WHERE json_each.value = ?)`;
}

/** A JSON array column containing any of `count` values. */
export function jsonArrayContainsAny(dialect: Dialect, column: string, count: number): string {
  return dialect === 'postgres'
    ? `jsonb_exists_any(${column}, ARRAY[${placeholders(count)}]::text[])`
    : `EXISTS (SELECT 1 FROM json_each(${column}) WHERE json_each.value IN (${placeholders(count)}))`;
}

export function jsonArrayIsEmpty(dialect: Dialect, column: string): string {
  return dialect === 'postgres' ? `jsonb_array_length(${column}) = 0` : `json_array_length(${column}) = 0`;
}
