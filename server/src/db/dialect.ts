/**
 * Which database a URL names, and the column types that differ between SQLite and PostgreSQL.
 * Entities declare portable columns (`TimestampColumn`, `JsonColumn`, `UuidColumn`); `applyDialect()`
 * rewrites their types right before a DataSource is built, so one process can open either database.
 */
import { isAbsolute, resolve } from 'node:path';
import { Column, ColumnOptions, getMetadataArgsStorage, PrimaryColumn } from 'typeorm';
import type { ColumnMetadataArgs } from 'typeorm/metadata-args/ColumnMetadataArgs';

export type Dialect = 'sqlite' | 'postgres';

export function dialectOf(url: string): Dialect {
  return /^postgres(ql)?:\/\//i.test(url) ? 'postgres' : 'sqlite';
}

/** `sqlite:///abs/path.db`, `sqlite://relative.db`, `sqlite::memory:`, or a bare file path → a file path. */
export function sqlitePathOf(url: string): string {
  const path = url.replace(/^sqlite:(\/\/)?/i, '');
  if (path === ':memory:' || path === '') return ':memory:';
  return isAbsolute(path) ? path : resolve(path);
}

type PerDialect = Record<Dialect, ColumnOptions>;
const portableColumns: { args: ColumnMetadataArgs; perDialect: PerDialect }[] = [];

function portable(perDialect: PerDialect, common: ColumnOptions = {}, primary = false): PropertyDecorator {
  return (target, propertyName) => {
    const options = { ...common, ...perDialect.sqlite };
    (primary ? PrimaryColumn(options as Parameters<typeof PrimaryColumn>[0]) : Column(options))(target, propertyName);
    const columns = getMetadataArgsStorage().columns;
    const args = columns[columns.length - 1];
    if (!args || args.propertyName !== propertyName)
      throw new Error(`could not register column ${String(propertyName)}`);
    portableColumns.push({ args, perDialect });
  };
}

/** Rewrites every portable column for `dialect`; call before building a DataSource. */
export function applyDialect(dialect: Dialect): void {
  for (const { args, perDialect } of portableColumns) {
    const options = args.options as Record<string, unknown>;
    for (const key of [...Object.keys(perDialect.sqlite), ...Object.keys(perDialect.postgres)]) delete options[key];
    Object.assign(options, perDialect[dialect]);
  }
}

/** A timestamp with millisecond precision (the application sets every value). */
export const TimestampColumn = (options: ColumnOptions = {}): PropertyDecorator =>
  portable({ sqlite: { type: 'datetime' }, postgres: { type: 'timestamptz', precision: 3 } }, options);

/** A JSON document: `jsonb` on PostgreSQL, JSON text on SQLite. */
export const JsonColumn = (options: ColumnOptions = {}): PropertyDecorator =>
  portable({ sqlite: { type: 'simple-json' }, postgres: { type: 'jsonb' } }, options);

/** A UUID: `uuid` on PostgreSQL, `varchar(36)` on SQLite. */
export const UuidColumn = (options: ColumnOptions = {}): PropertyDecorator =>
  portable({ sqlite: { type: 'varchar', length: 36 }, postgres: { type: 'uuid' } }, options);

export const UuidPrimaryColumn = (): PropertyDecorator =>
  portable({ sqlite: { type: 'varchar', length: 36 }, postgres: { type: 'uuid' } }, {}, true);
