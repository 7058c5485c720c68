/**
 * TypeORM DataSource options for SQLite (the embedded default) and PostgreSQL. Used by the server, the
 * SDK's ephemeral mode, the TypeORM CLI (through the root ormconfig.ts) and the specs.
 */
import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { applyDialect, dialectOf, sqlitePathOf } from './dialect';
import { ENTITIES } from './entities';

export interface DatabaseOptions {
  /** `sqlite:///path/to/rigel.db` (or a bare path), or `postgres://user@host:5432/db`. */
  url: string;
  /** Apply pending migrations when opening (default true). */
  migrate?: boolean;
  /** SQLite: how long to wait for another process's write lock, in ms. */
  busyTimeoutMs?: number;
  /** PostgreSQL: connections in the pool. */
  poolSize?: number;
  logging?: boolean;
}

export function buildDataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  const dialect = dialectOf(options.url);
  applyDialect(dialect);
  const common = {
    entities: ENTITIES,
    migrations: [join(__dirname, 'migrations', dialect, '*.js')],
    migrationsTableName: 'rigel_migrations',
    synchronize: false as const,
    migrationsRun: false as const,
    logging: options.logging ?? false,
  };
  if (dialect === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: options.url,
      uuidExtension: 'pgcrypto',
      poolSize: options.poolSize ?? 20,
      extra: { connectionTimeoutMillis: 5000, idleTimeoutMillis: 30000 },
    };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: sqlitePathOf(options.url),
    enableWAL: true,
    timeout: options.busyTimeoutMs ?? 10000,
    statementCacheSize: 200,
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('cache_size = -65536');
      db.pragma('mmap_size = 268435456');
      db.pragma('temp_store = MEMORY');
    },
  };
}
