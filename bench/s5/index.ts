/**
 * S5 (performance.md): the scheduler fills the future runs of 1,000 deployments with cron schedules.
 * Measures one full pass on a fresh database (≤ 5 s on SQLite, ≤ 10 s on PostgreSQL) and, on
 * PostgreSQL, two schedulers (two connections, as two API processes would have) passing at the same
 * time. Correctness: every expected run exists exactly once (no duplicate idempotency keys).
 */
import { Database } from '@rigel/server';
import { createServices } from '@rigel/server/services';
import { SchedulerService } from '@rigel/server/services/scheduler';

export interface S5Options {
  url: string;
  deployments: number;
  /** Run two schedulers at once (PostgreSQL) and check they make no duplicates. */
  twoSchedulers: boolean;
  log: (line: string) => void;
}

export interface S5Result {
  deployments: number;
  runsCreated: number;
  seconds: number;
  duplicates: number;
  secondPassCreated: number;
  leaders: number;
}

const CRONS = ['*/15 * * * *', '0 * * * *', '30 */2 * * *', '0 9 * * 1-5', '*/5 * * * *'];

async function seed(db: Database, count: number, log: (line: string) => void): Promise<void> {
  const services = createServices(db);
  const { flow } = await services.flows.create({ name: 's5-flow' });
  const started = Date.now();
  for (let i = 0; i < count; i++) {
    await services.deployments.create({
      name: `d${i}`,
      flowId: flow.id,
      entrypoint: 'flows.ts:Bench.run',
      schedules: [{ schedule: { cron: CRONS[i % CRONS.length]!, timezone: i % 2 ? 'Europe/Berlin' : 'UTC' } }],
    });
  }
  log(`  seeded ${count} deployments in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export async function runS5(options: S5Options): Promise<S5Result> {
  const db = await Database.open({ url: options.url });
  await db.reset();
  await seed(db, options.deployments, options.log);
  const services = createServices(db);
  const scheduler = new SchedulerService(db, services.orchestration, services.clock, 60, undefined, () => undefined);
  let second: { db: Database; scheduler: SchedulerService } | null = null;
  if (options.twoSchedulers) {
    const db2 = await Database.open({ url: options.url, migrate: false });
    const s2 = createServices(db2);
    second = {
      db: db2,
      scheduler: new SchedulerService(db2, s2.orchestration, s2.clock, 60, undefined, () => undefined),
    };
  }
  const now = new Date();
  const started = performance.now();
  const passes = await Promise.all([scheduler.runOnce(now), ...(second ? [second.scheduler.runOnce(now)] : [])]);
  const seconds = (performance.now() - started) / 1000;
  const runsCreated = passes.reduce((sum, p) => sum + p.created, 0);
  const again = await scheduler.runOnce(now);
  const dup = await db.query<{ n: unknown }>(
    `SELECT COUNT(*) AS n FROM (SELECT "idempotencyKey" FROM "flow_run" WHERE "autoScheduled" = ? GROUP BY "idempotencyKey" HAVING COUNT(*) > 1) d`,
    [db.codec.encode('boolean', true)],
  );
  const result: S5Result = {
    deployments: options.deployments,
    runsCreated,
    seconds,
    duplicates: Number(dup[0]?.n ?? 0),
    secondPassCreated: again.created,
    leaders: passes.filter((p) => p.leader).length,
  };
  await scheduler.stop();
  if (second) {
    await second.scheduler.stop();
    await second.db.close();
  }
  await db.close();
  return result;
}
