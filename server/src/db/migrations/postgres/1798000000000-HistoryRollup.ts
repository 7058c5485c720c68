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
 *   than an hour after its expected start (markStaleHistory); the row triggers below add the slot of a
 *   run in a terminal state that is deleted (also by a cascade), and of a run inserted in a terminal
 *   state more than an hour after its expected start (an import). There is no UPDATE trigger: even an
 *   AFTER trigger whose WHEN is false costs every transition's UPDATE 7–17 µs of database CPU
 *   (measured; the larger the WHEN clause, the more). The hour must stay below the
 *   server's settling time (SETTLE_MS). Each writing transaction adds a slot once (`xid`):
 *   transactions never wait for each other here, and the roll-up consumes exactly the rows committed
 *   when it looks.
 */
const TERMINAL = `('COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED')`;
const slotOf = (row: string) =>
  `CAST(FLOOR(EXTRACT(EPOCH FROM ${row}."expectedStartTime") * 1000 / 1800000) * 1800000 AS bigint)`;
const lateFor = (row: string) => `${row}."expectedStartTime" < ${row}."updated" - interval '1 hour'`;

export class HistoryRollup1798000000000 implements MigrationInterface {
  name = 'HistoryRollup1798000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "flow_run_rollup" ("slot" bigint NOT NULL, "stateType" varchar NOT NULL, "stateName" varchar NOT NULL,
       "countRuns" integer NOT NULL, "sumRunTime" double precision NOT NULL, "sumLateness" double precision NOT NULL,
       CONSTRAINT "pk_flow_run_rollup" PRIMARY KEY ("slot", "stateType", "stateName"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "flow_run_rollup_slot" ("slot" bigint NOT NULL, "computed" timestamptz(3) NOT NULL,
       CONSTRAINT "pk_flow_run_rollup_slot" PRIMARY KEY ("slot"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "flow_run_rollup_stale" ("slot" bigint NOT NULL, "xid" bigint NOT NULL,
       CONSTRAINT "pk_flow_run_rollup_stale" PRIMARY KEY ("slot", "xid"))`,
    );
    const mark = (row: string) =>
      `INSERT INTO "flow_run_rollup_stale" ("slot", "xid") VALUES (${slotOf(row)}, txid_current()) ON CONFLICT DO NOTHING;`;
    await queryRunner.query(
      `CREATE OR REPLACE FUNCTION "flow_run_rollup_mark"() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'DELETE' THEN
           IF OLD."expectedStartTime" IS NOT NULL THEN ${mark('OLD')} END IF;
         ELSIF NEW."expectedStartTime" IS NOT NULL THEN
           ${mark('NEW')}
         END IF;
         RETURN NULL;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "flow_run_rollup_insert" AFTER INSERT ON "flow_run" FOR EACH ROW
       WHEN (NEW."stateType" IN ${TERMINAL} AND ${lateFor('NEW')})
       EXECUTE FUNCTION "flow_run_rollup_mark"()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "flow_run_rollup_delete" AFTER DELETE ON "flow_run" FOR EACH ROW
       WHEN (OLD."stateType" IN ${TERMINAL})
       EXECUTE FUNCTION "flow_run_rollup_mark"()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const trigger of ['flow_run_rollup_delete', 'flow_run_rollup_insert']) {
      await queryRunner.query(`DROP TRIGGER "${trigger}" ON "flow_run"`);
    }
    await queryRunner.query(`DROP FUNCTION "flow_run_rollup_mark"()`);
    await queryRunner.query(`DROP TABLE "flow_run_rollup_stale"`);
    await queryRunner.query(`DROP TABLE "flow_run_rollup_slot"`);
    await queryRunner.query(`DROP TABLE "flow_run_rollup"`);
  }
}
