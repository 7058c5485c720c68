import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The run-history roll-up that answers `POST /flow-runs/history` over long windows without reading
 * every run of the window (services/flow-run-history.ts explains how it is read and kept exact).
 *
 * - `flow_run_rollup`: per 30-minute slot of expected start time (`slot`: its start, in epoch
 *   milliseconds) and state, the count, summed run time and summed lateness of the runs in a terminal
 *   state (their run time and lateness no longer depend on the clock).
 * - `flow_run_rollup_slot`: the slots that are rolled up (a slot without terminal runs has no rows above).
 * - `flow_run_rollup_stale`: slots whose rolled-up rows may be out of date. The orchestration engine
 *   adds the slot of a transition that changes a run in a terminal state, or that finishes a run more
 *   than an hour after its expected start (markStaleHistory); the triggers below add the slot of a run
 *   in a terminal state that is deleted (also by a cascade), and of a run inserted in a terminal state
 *   more than an hour after its expected start (an import). There is no UPDATE trigger: any trigger on
 *   the columns a transition sets costs its UPDATE about 10 µs (measured; even with `WHEN 0`). The
 *   hour must stay below the server's settling time (SETTLE_MS).
 */
const TERMINAL = `('COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED')`;
const slotOf = (row: string) =>
  `(CAST(ROUND((julianday(${row}."expectedStartTime") - 2440587.5) * 86400000.0) AS INTEGER) / 1800000 * 1800000)`;
const lateFor = (row: string) => `julianday(${row}."expectedStartTime") < julianday(${row}."updated") - 1.0 / 24`;

export class HistoryRollup1798000000000 implements MigrationInterface {
  name = 'HistoryRollup1798000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "flow_run_rollup" ("slot" integer NOT NULL, "stateType" varchar NOT NULL, "stateName" varchar NOT NULL,
       "countRuns" integer NOT NULL, "sumRunTime" double precision NOT NULL, "sumLateness" double precision NOT NULL,
       PRIMARY KEY ("slot", "stateType", "stateName")) WITHOUT ROWID`,
    );
    await queryRunner.query(
      `CREATE TABLE "flow_run_rollup_slot" ("slot" integer PRIMARY KEY NOT NULL, "computed" datetime NOT NULL)`,
    );
    await queryRunner.query(`CREATE TABLE "flow_run_rollup_stale" ("slot" integer PRIMARY KEY NOT NULL)`);
    const mark = (row: string) => `INSERT OR IGNORE INTO "flow_run_rollup_stale" ("slot") VALUES (${slotOf(row)})`;
    await queryRunner.query(
      `CREATE TRIGGER "flow_run_rollup_insert" AFTER INSERT ON "flow_run"
       WHEN new."stateType" IN ${TERMINAL} AND ${lateFor('new')} BEGIN
         ${mark('new')};
       END`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "flow_run_rollup_delete" AFTER DELETE ON "flow_run" WHEN old."stateType" IN ${TERMINAL} BEGIN
         ${mark('old')};
       END`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const trigger of ['flow_run_rollup_delete', 'flow_run_rollup_insert']) {
      await queryRunner.query(`DROP TRIGGER "${trigger}"`);
    }
    await queryRunner.query(`DROP TABLE "flow_run_rollup_stale"`);
    await queryRunner.query(`DROP TABLE "flow_run_rollup_slot"`);
    await queryRunner.query(`DROP TABLE "flow_run_rollup"`);
  }
}
