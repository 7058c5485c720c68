/**
 * The real database every storage spec runs against. One database per mocha process, emptied before
 * each test that asks for it, so specs never see each other's rows.
 */
import { Database, loadSettings } from '@rigel/server';

let shared: Promise<Database> | null = null;
let resetDone = false;

/** Every table, children first (the order rows are deleted in). */
export const SPEC_TABLES = [
  'flow_run_input',
  'worker',
  'deployment_schedule',
  'orchestration_decision',
  'task_run_state_cache',
  'log',
  'task_run_state',
  'flow_run_state',
  'task_run',
  'flow_run',
  'flow',
  'concurrency_limit',
  'result',
  'deployment',
  'work_queue',
  'work_pool',
  'deleted_object',
  'flow_run_rollup',
  'flow_run_rollup_flow',
  'flow_run_rollup_slot',
  'flow_run_rollup_stale',
];

export function testDatabaseUrl(): string {
  return loadSettings().databaseUrl;
}

export function isPostgres(): boolean {
  return process.env.RIGEL_TEST_DIALECT === 'postgres';
}

/** The spec database, opened (and on PostgreSQL, rebuilt from the migrations) once per process. */
export async function testDatabase(): Promise<Database> {
  shared ??= (async () => {
    const db = await Database.open({ url: testDatabaseUrl(), migrate: false });
    if (!resetDone) {
      await db.reset();
      resetDone = true;
    }
    return db;
  })();
  return shared;
}

/** Deletes every row (the schema stays). */
export async function emptyDatabase(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    if (db.dialect === 'postgres') {
      await tx.execute(`TRUNCATE ${SPEC_TABLES.map((t) => `"${t}"`).join(', ')} CASCADE`);
    } else {
      for (const table of SPEC_TABLES) await tx.execute(`DELETE FROM "${table}"`);
    }
  });
}

/** A fresh, empty spec database for the current test. */
export async function freshDatabase(): Promise<Database> {
  const db = await testDatabase();
  await emptyDatabase(db);
  return db;
}

/** Closes the shared database (mocha root hook, after all specs). */
export async function closeTestDatabase(): Promise<void> {
  if (!shared) return;
  const db = await shared;
  shared = null;
  await db.close();
}
