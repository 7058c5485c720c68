/**
 * The TypeORM DataSource for the TypeORM CLI (migrations). The database comes from RIGEL_DATABASE_URL
 * (default: the SQLite file in RIGEL_HOME), exactly as the server and the specs resolve it:
 *
 *   npm run build && npx typeorm migration:generate -d dist/ormconfig.js server/src/db/migrations/sqlite/Name
 *   RIGEL_DATABASE_URL=postgres://127.0.0.1/rigel npx typeorm migration:generate -d dist/ormconfig.js server/src/db/migrations/postgres/Name
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '@rigel/server/db/data-source';
import { loadSettings } from '@rigel/server/settings';

export default new DataSource(buildDataSourceOptions({ url: loadSettings().databaseUrl }));
