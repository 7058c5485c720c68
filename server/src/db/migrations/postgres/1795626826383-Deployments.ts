import { MigrationInterface, QueryRunner } from 'typeorm';

export class Deployments1795626826383 implements MigrationInterface {
  name = 'Deployments1795626826383';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "deployment" ("id" uuid NOT NULL, "created" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "updated" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "name" character varying(255) NOT NULL, "flowId" uuid NOT NULL, "version" character varying(255), "description" text, "tags" jsonb NOT NULL, "entrypoint" character varying(1024) NOT NULL, "path" character varying(1024), "parameters" jsonb NOT NULL, "parameterSchema" jsonb NOT NULL, "enforceParameterSchema" boolean NOT NULL DEFAULT true, "workPoolName" character varying(255), "workQueueName" character varying(255), "workQueueId" uuid, "paused" boolean NOT NULL DEFAULT false, "concurrencyLimit" integer, "collisionStrategy" character varying(16) NOT NULL DEFAULT 'ENQUEUE', "activeSlots" jsonb NOT NULL, "jobVariables" jsonb NOT NULL, "lastPolled" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "PK_ee1f952fc81f37c6fea69c2e248" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_deployment_updated" ON "deployment"  ("updated") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_deployment_flow_name" ON "deployment"  ("flowId", "name") `);
    await queryRunner.query(
      `CREATE TABLE "deployment_schedule" ("id" uuid NOT NULL, "created" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "updated" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "deploymentId" uuid NOT NULL, "schedule" jsonb NOT NULL, "active" boolean NOT NULL DEFAULT true, "parameters" jsonb NOT NULL, "maxScheduledRuns" integer, CONSTRAINT "PK_9e6a77d62a3e8ee21ef5ada35a5" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_deployment_schedule_deployment" ON "deployment_schedule"  ("deploymentId") `,
    );
    await queryRunner.query(
      `CREATE TABLE "flow_run_input" ("id" uuid NOT NULL, "created" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "flowRunId" uuid NOT NULL, "key" character varying(255) NOT NULL, "value" text NOT NULL, CONSTRAINT "PK_e72d763f16f68c2695d672fa7a2" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_flow_run_input_key" ON "flow_run_input"  ("flowRunId", "key") `);
    await queryRunner.query(
      `CREATE TABLE "work_pool" ("id" uuid NOT NULL, "created" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "updated" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "name" character varying(255) NOT NULL, "description" text, "type" character varying(64) NOT NULL DEFAULT 'process', "paused" boolean NOT NULL DEFAULT false, "concurrencyLimit" integer, "defaultQueueId" uuid, "baseJobTemplate" jsonb NOT NULL, CONSTRAINT "PK_b1566c61030af2397833c044cd4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_work_pool_name" ON "work_pool"  ("name") `);
    await queryRunner.query(
      `CREATE TABLE "work_queue" ("id" uuid NOT NULL, "created" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "updated" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "workPoolId" uuid NOT NULL, "name" character varying(255) NOT NULL, "description" text, "priority" integer NOT NULL DEFAULT '1', "concurrencyLimit" integer, "paused" boolean NOT NULL DEFAULT false, "lastPolled" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "PK_bafeca76d9e54840c25b41f072f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_work_queue_pool_name" ON "work_queue"  ("workPoolId", "name") `);
    await queryRunner.query(
      `CREATE TABLE "worker" ("id" uuid NOT NULL, "created" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "updated" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "workPoolId" uuid NOT NULL, "name" character varying(255) NOT NULL, "lastHeartbeatTime" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "heartbeatIntervalSeconds" integer, CONSTRAINT "PK_dc8175fa0e34ce7a39e4ec73b94" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_worker_pool_name" ON "worker"  ("workPoolId", "name") `);
    await queryRunner.query(`ALTER TABLE "flow_run" ADD "deploymentVersion" character varying(255)`);
    await queryRunner.query(`ALTER TABLE "flow_run" ADD "workQueueId" uuid`);
    await queryRunner.query(`ALTER TABLE "flow_run" ADD "workQueueName" character varying(255)`);
    await queryRunner.query(`ALTER TABLE "flow_run" ADD "workPoolName" character varying(255)`);
    await queryRunner.query(`ALTER TABLE "flow_run" ADD "jobVariables" jsonb`);
    await queryRunner.query(
      `CREATE INDEX "ix_flow_run_queue_scheduled" ON "flow_run"  ("workQueueId", "nextScheduledStartTime") `,
    );
    await queryRunner.query(
      `ALTER TABLE "deployment" ADD CONSTRAINT "FK_2b7dfb209512e88aa5a0d7343cb" FOREIGN KEY ("flowId") REFERENCES "flow"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "deployment_schedule" ADD CONSTRAINT "FK_664871dceb102a1aa16eb919c44" FOREIGN KEY ("deploymentId") REFERENCES "deployment"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "flow_run" ADD CONSTRAINT "FK_9053ac8418dab2447a72fa37f1e" FOREIGN KEY ("deploymentId") REFERENCES "deployment"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "flow_run_input" ADD CONSTRAINT "FK_8b258eb41b1b696ec9adc677fa6" FOREIGN KEY ("flowRunId") REFERENCES "flow_run"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "work_queue" ADD CONSTRAINT "FK_ec4886f63d642a159abd8ebe792" FOREIGN KEY ("workPoolId") REFERENCES "work_pool"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "worker" ADD CONSTRAINT "FK_b808ca329695f35ebb4fcc171c9" FOREIGN KEY ("workPoolId") REFERENCES "work_pool"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "worker" DROP CONSTRAINT "FK_b808ca329695f35ebb4fcc171c9"`);
    await queryRunner.query(`ALTER TABLE "work_queue" DROP CONSTRAINT "FK_ec4886f63d642a159abd8ebe792"`);
    await queryRunner.query(`ALTER TABLE "flow_run_input" DROP CONSTRAINT "FK_8b258eb41b1b696ec9adc677fa6"`);
    await queryRunner.query(`ALTER TABLE "flow_run" DROP CONSTRAINT "FK_9053ac8418dab2447a72fa37f1e"`);
    await queryRunner.query(`ALTER TABLE "deployment_schedule" DROP CONSTRAINT "FK_664871dceb102a1aa16eb919c44"`);
    await queryRunner.query(`ALTER TABLE "deployment" DROP CONSTRAINT "FK_2b7dfb209512e88aa5a0d7343cb"`);
    await queryRunner.query(`DROP INDEX "public"."ix_flow_run_queue_scheduled"`);
    await queryRunner.query(`ALTER TABLE "flow_run" DROP COLUMN "jobVariables"`);
    await queryRunner.query(`ALTER TABLE "flow_run" DROP COLUMN "workPoolName"`);
    await queryRunner.query(`ALTER TABLE "flow_run" DROP COLUMN "workQueueName"`);
    await queryRunner.query(`ALTER TABLE "flow_run" DROP COLUMN "workQueueId"`);
    await queryRunner.query(`ALTER TABLE "flow_run" DROP COLUMN "deploymentVersion"`);
    await queryRunner.query(`DROP INDEX "public"."uq_worker_pool_name"`);
    await queryRunner.query(`DROP TABLE "worker"`);
    await queryRunner.query(`DROP INDEX "public"."uq_work_queue_pool_name"`);
    await queryRunner.query(`DROP TABLE "work_queue"`);
    await queryRunner.query(`DROP INDEX "public"."uq_work_pool_name"`);
    await queryRunner.query(`DROP TABLE "work_pool"`);
    await queryRunner.query(`DROP INDEX "public"."uq_flow_run_input_key"`);
    await queryRunner.query(`DROP TABLE "flow_run_input"`);
    await queryRunner.query(`DROP INDEX "public"."ix_deployment_schedule_deployment"`);
    await queryRunner.query(`DROP TABLE "deployment_schedule"`);
    await queryRunner.query(`DROP INDEX "public"."uq_deployment_flow_name"`);
    await queryRunner.query(`DROP INDEX "public"."ix_deployment_updated"`);
    await queryRunner.query(`DROP TABLE "deployment"`);
  }
}
