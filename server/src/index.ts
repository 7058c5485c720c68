/** @rigel/server: the public surface used by the SDK (ephemeral mode), the CLI and the specs. */
import 'reflect-metadata';

export * from './schemas/states';
export * from './schemas/errors';
export * from './schemas/paths';
export { loadSettings, type Settings } from './settings';
export { Database, type Tx, type Queryable } from './db/database';
export type { DatabaseOptions } from './db/data-source';
export { dialectOf, type Dialect } from './db/dialect';
export { uuid7 } from './db/ids';
