import { MigrationInterface, QueryRunner } from 'typeorm';

export class LiveObjects1795640000000 implements MigrationInterface {
  name = 'LiveObjects1795640000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "deleted_object" ("id" varchar(36) PRIMARY KEY NOT NULL, "deleted" datetime NOT NULL, "resource" varchar(32) NOT NULL, "objectId" varchar(36) NOT NULL, "payload" text NOT NULL)`,
    );
    await queryRunner.query(`CREATE INDEX "ix_deleted_object_deleted" ON "deleted_object" ("deleted") `);
    await queryRunner.query(`CREATE INDEX "ix_concurrency_limit_updated" ON "concurrency_limit" ("updated") `);
    await queryRunner.query(`CREATE INDEX "ix_work_pool_updated" ON "work_pool" ("updated") `);
    await queryRunner.query(`CREATE INDEX "ix_work_queue_updated" ON "work_queue" ("updated") `);
    await queryRunner.query(`CREATE INDEX "ix_worker_updated" ON "worker" ("updated") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_worker_updated"`);
    await queryRunner.query(`DROP INDEX "ix_work_queue_updated"`);
    await queryRunner.query(`DROP INDEX "ix_work_pool_updated"`);
    await queryRunner.query(`DROP INDEX "ix_concurrency_limit_updated"`);
    await queryRunner.query(`DROP INDEX "ix_deleted_object_deleted"`);
    await queryRunner.query(`DROP TABLE "deleted_object"`);
  }
}
