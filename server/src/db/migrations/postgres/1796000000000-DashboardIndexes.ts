import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the dashboard's lists over millions of flow runs (bench S6): each list filter the
 * dashboard offers (state type, state name, flow, deployment) is followed by the default sort
 * (expected start time, newest first), so a filtered page reads its rows in index order and stops.
 * PostgreSQL reads an ASC index backwards as DESC NULLS FIRST, which does not serve the API's
 * `… DESC NULLS LAST, id DESC` sorts: these indexes are built in that order.
 */
export class DashboardIndexes1796000000000 implements MigrationInterface {
  name = 'DashboardIndexes1796000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const desc = (column: string) => `"${column}" DESC NULLS LAST, "id" DESC`;
    await queryRunner.query(`DROP INDEX "public"."ix_flow_run_state_type"`);
    await queryRunner.query(`DROP INDEX "public"."ix_flow_run_deployment"`);
    await queryRunner.query(`DROP INDEX "public"."ix_flow_run_start_time"`);
    await queryRunner.query(`DROP INDEX "public"."ix_flow_run_end_time"`);
    await queryRunner.query(
      `CREATE INDEX "ix_flow_run_state_type" ON "flow_run" ("stateType", ${desc('expectedStartTime')})`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_flow_run_state_name" ON "flow_run" ("stateName", ${desc('expectedStartTime')})`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_flow_run_deployment" ON "flow_run" ("deploymentId", ${desc('expectedStartTime')})`,
    );
    await queryRunner.query(`CREATE INDEX "ix_flow_run_flow" ON "flow_run" ("flowId", ${desc('expectedStartTime')})`);
    await queryRunner.query(
      `CREATE INDEX "ix_flow_run_expected_start_time_desc" ON "flow_run" (${desc('expectedStartTime')})`,
    );
    await queryRunner.query(`CREATE INDEX "ix_flow_run_start_time" ON "flow_run" (${desc('startTime')})`);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_end_time" ON "flow_run" (${desc('endTime')})`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const name of [
      'ix_flow_run_end_time',
      'ix_flow_run_start_time',
      'ix_flow_run_expected_start_time_desc',
      'ix_flow_run_flow',
      'ix_flow_run_deployment',
      'ix_flow_run_state_name',
      'ix_flow_run_state_type',
    ]) {
      await queryRunner.query(`DROP INDEX "public"."${name}"`);
    }
    await queryRunner.query(`CREATE INDEX "ix_flow_run_end_time" ON "flow_run" ("endTime") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_start_time" ON "flow_run" ("startTime") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_deployment" ON "flow_run" ("deploymentId") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_state_type" ON "flow_run" ("stateType") `);
  }
}
