import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The run-history roll-up by flow and deployment, so that `POST /flow-runs/history` filtered by flow
 * or deployment (the flow and deployment pages' charts) reads rolled-up slots instead of every run of
 * its window (services/flow-run-history.ts).
 *
 * `flow_run_rollup_flow` holds, per 30-minute slot, flow, deployment (NULL: runs without one) and
 * terminal state, the count, summed run time and summed lateness; `flow_run_rollup` is now summed from
 * it. Both are rolled up, marked stale (`flow_run_rollup_stale`, per slot) and dropped together: the
 * slots listed in `flow_run_rollup_slot` are rolled up in both. No trigger and no hot-path write is
 * added. A deleted deployment sets its runs' `deploymentId` to NULL without marking anything: readers
 * count the rows of a deployment only while it exists, which is exact (a run names a deployment only
 * while it exists). No primary key: readers sum, and the refresh deletes a slot's rows before rolling
 * it up again. The roll-up so far is emptied so that both tables are filled together.
 */
export class HistoryRollupByFlow1799000000000 implements MigrationInterface {
  name = 'HistoryRollupByFlow1799000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "flow_run_rollup_flow" ("slot" bigint NOT NULL, "flowId" uuid NOT NULL, "deploymentId" uuid,
       "stateType" varchar NOT NULL, "stateName" varchar NOT NULL, "countRuns" integer NOT NULL,
       "sumRunTime" double precision NOT NULL, "sumLateness" double precision NOT NULL)`,
    );
    await queryRunner.query(`CREATE INDEX "ix_flow_run_rollup_flow_slot" ON "flow_run_rollup_flow" ("slot")`);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_rollup_flow_flow" ON "flow_run_rollup_flow" ("flowId", "slot")`);
    await queryRunner.query(
      `CREATE INDEX "ix_flow_run_rollup_flow_deployment" ON "flow_run_rollup_flow" ("deploymentId", "slot")
       WHERE "deploymentId" IS NOT NULL`,
    );
    await queryRunner.query(`DELETE FROM "flow_run_rollup"`);
    await queryRunner.query(`DELETE FROM "flow_run_rollup_slot"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "flow_run_rollup_flow"`);
  }
}
