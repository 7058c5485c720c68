/**
 * The light entry of @rigel/server: the contract (states, errors, paths) and settings, without the
 * database or HTTP stacks — what the SDK needs at run time in every process (a flow process talking
 * HTTP never loads TypeORM or Express).
 */
export * from './schemas/states';
export * from './schemas/errors';
export * from './schemas/paths';
export { loadSettings, SETTING_ENV_KEYS, type Settings } from './settings';
export { uuid7 } from './db/ids';
