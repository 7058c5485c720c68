import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the dashboard's lists over millions of flow runs (bench S6): each list filter the
 * dashboard offers (state type, state name, flow, deployment) is followed by the default sort
 * (expected start time, newest first; SQLite reads an ASC index backwards as DESC NULLS LAST), so a
 * filtered page reads its rows in index order and stops.
 */
export class DashboardIndexes1796000000000 implements MigrationInterface {
  name = 'DashboardIndexes1796000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_flow_run_state_type"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_deployment"`);
    await queryRunner.query(
      `CREATE INDEX "ix_flow_run_state_type" ON "flow_run" ("stateType", "expectedStartTime", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_flow_run_state_name" ON "flow_run" ("stateName", "expectedStartTime", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_flow_run_deployment" ON "flow_run" ("deploymentId", "expectedStartTime", "id") `,
    );
    await queryRunner.query(`CREATE INDEX "ix_flow_run_flow" ON "flow_run" ("flowId", "expectedStartTime", "id") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const name of [
      'ix_flow_run_flow',
      'ix_flow_run_deployment',
      'ix_flow_run_state_name',
      'ix_flow_run_state_type',
    ]) {
      await queryRunner.query(`DROP INDEX "${name}"`);
    }
    await queryRunner.query(`CREATE INDEX "ix_flow_run_deployment" ON "flow_run" ("deploymentId") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_state_type" ON "flow_run" ("stateType") `);
  }
}
