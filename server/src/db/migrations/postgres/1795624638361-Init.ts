import { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1795624638361 implements MigrationInterface {
  name = 'Init1795624638361';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "concurrency_limit" ("id" uuid NOT NULL, "created" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "updated" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "tag" character varying(255) NOT NULL, "concurrencyLimit" integer NOT NULL, "activeSlots" jsonb NOT NULL, CONSTRAINT "PK_2597d8708056a22739c361368c7" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_concurrency_limit_tag" ON "concurrency_limit"  ("tag") `);
    await queryRunner.query(
      `CREATE TABLE "flow" ("id" uuid NOT NULL, "created" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "updated" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "name" character varying(255) NOT NULL, "tags" jsonb NOT NULL, CONSTRAINT "PK_6c2ad4a3e86394cd9bb7a80a228" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_flow_name" ON "flow"  ("name") `);
    await queryRunner.query(
      `CREATE TABLE "flow_run" ("id" uuid NOT NULL, "created" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "updated" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "name" character varying(255) NOT NULL, "tags" jsonb NOT NULL, "empiricalPolicy" jsonb NOT NULL, "stateId" uuid, "stateType" character varying(16), "stateName" character varying(64), "stateTimestamp" TIMESTAMP(3) WITH TIME ZONE, "runCount" integer NOT NULL DEFAULT '0', "expectedStartTime" TIMESTAMP(3) WITH TIME ZONE, "nextScheduledStartTime" TIMESTAMP(3) WITH TIME ZONE, "startTime" TIMESTAMP(3) WITH TIME ZONE, "endTime" TIMESTAMP(3) WITH TIME ZONE, "totalRunTime" double precision NOT NULL DEFAULT '0', "flowId" uuid NOT NULL, "flowVersion" character varying(255), "parameters" jsonb NOT NULL, "idempotencyKey" character varying(512), "parentTaskRunId" uuid, "deploymentId" uuid, "infrastructurePid" character varying(255), "heartbeatTime" TIMESTAMP(3) WITH TIME ZONE, "autoScheduled" boolean NOT NULL DEFAULT false, CONSTRAINT "PK_858b1dd0d1055c44261ae00d45b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_flow_run_parent_task_run" ON "flow_run"  ("parentTaskRunId") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_deployment" ON "flow_run"  ("deploymentId") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_end_time" ON "flow_run"  ("endTime") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_start_time" ON "flow_run"  ("startTime") `);
    await queryRunner.query(
      `CREATE INDEX "ix_flow_run_next_scheduled_start_time" ON "flow_run"  ("nextScheduledStartTime") `,
    );
    await queryRunner.query(`CREATE INDEX "ix_flow_run_expected_start_time" ON "flow_run"  ("expectedStartTime") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_state_type" ON "flow_run"  ("stateType") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_name" ON "flow_run"  ("name") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_updated" ON "flow_run"  ("updated") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_flow_run_idempotency" ON "flow_run"  ("flowId", "idempotencyKey") `,
    );
    await queryRunner.query(
      `CREATE TABLE "flow_run_state" ("id" uuid NOT NULL, "created" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "type" character varying(16) NOT NULL, "name" character varying(64) NOT NULL, "timestamp" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "message" text, "stateDetails" jsonb NOT NULL, "data" jsonb, "flowRunId" uuid NOT NULL, CONSTRAINT "PK_2f8f66c1e8b32124b6cf14e8c83" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_flow_run_state_timestamp" ON "flow_run_state"  ("flowRunId", "timestamp") `,
    );
    await queryRunner.query(
      `CREATE TABLE "log" ("id" uuid NOT NULL, "created" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "name" character varying(255) NOT NULL, "level" integer NOT NULL, "message" text NOT NULL, "timestamp" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "flowRunId" uuid, "taskRunId" uuid, CONSTRAINT "PK_350604cbdf991d5930d9e618fbd" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_log_created" ON "log"  ("created") `);
    await queryRunner.query(`CREATE INDEX "ix_log_task_run_timestamp" ON "log"  ("taskRunId", "timestamp") `);
    await queryRunner.query(`CREATE INDEX "ix_log_flow_run_timestamp" ON "log"  ("flowRunId", "timestamp") `);
    await queryRunner.query(
      `CREATE TABLE "task_run" ("id" uuid NOT NULL, "created" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "updated" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "name" character varying(255) NOT NULL, "tags" jsonb NOT NULL, "empiricalPolicy" jsonb NOT NULL, "stateId" uuid, "stateType" character varying(16), "stateName" character varying(64), "stateTimestamp" TIMESTAMP(3) WITH TIME ZONE, "runCount" integer NOT NULL DEFAULT '0', "expectedStartTime" TIMESTAMP(3) WITH TIME ZONE, "nextScheduledStartTime" TIMESTAMP(3) WITH TIME ZONE, "startTime" TIMESTAMP(3) WITH TIME ZONE, "endTime" TIMESTAMP(3) WITH TIME ZONE, "totalRunTime" double precision NOT NULL DEFAULT '0', "flowRunId" uuid, "taskKey" character varying(255) NOT NULL, "dynamicKey" character varying(255) NOT NULL, "cacheKey" character varying(2000), "cacheExpiration" TIMESTAMP(3) WITH TIME ZONE, "taskVersion" character varying(255), "taskInputs" jsonb NOT NULL, "flowRunRunCount" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_36326cc52f4708f36ae4e6158cc" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_task_run_updated" ON "task_run"  ("updated") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_task_run_key" ON "task_run"  ("flowRunId", "taskKey", "dynamicKey") `,
    );
    await queryRunner.query(
      `CREATE TABLE "orchestration_decision" ("id" uuid NOT NULL, "runKind" character varying(8) NOT NULL, "flowRunId" uuid, "taskRunId" uuid, "timestamp" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "rule" character varying(128) NOT NULL, "status" character varying(8) NOT NULL, "reason" text, "fromType" character varying(16), "fromName" character varying(64), "proposedType" character varying(16), "proposedName" character varying(64), "resultType" character varying(16), "resultName" character varying(64), "stateId" uuid, "delaySeconds" double precision, CONSTRAINT "PK_055e83a4b61b6a2b0c5fa77523a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_decision_task_run" ON "orchestration_decision"  ("taskRunId", "timestamp") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_decision_flow_run" ON "orchestration_decision"  ("flowRunId", "timestamp") `,
    );
    await queryRunner.query(
      `CREATE TABLE "task_run_state_cache" ("id" uuid NOT NULL, "created" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "cacheKey" character varying(2000) NOT NULL, "cacheExpiration" TIMESTAMP(3) WITH TIME ZONE, "taskRunStateId" uuid NOT NULL, CONSTRAINT "PK_6fab716a21fb40d477e0338b1b6" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_task_run_state_cache_key" ON "task_run_state_cache"  ("cacheKey", "created") `,
    );
    await queryRunner.query(
      `CREATE TABLE "task_run_state" ("id" uuid NOT NULL, "created" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "type" character varying(16) NOT NULL, "name" character varying(64) NOT NULL, "timestamp" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "message" text, "stateDetails" jsonb NOT NULL, "data" jsonb, "taskRunId" uuid NOT NULL, CONSTRAINT "PK_f0432a326eaab5d4907607d3c67" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_task_run_state_timestamp" ON "task_run_state"  ("taskRunId", "timestamp") `,
    );
    await queryRunner.query(
      `ALTER TABLE "flow_run" ADD CONSTRAINT "FK_9ac10a1588e9f70b1334a1c2abb" FOREIGN KEY ("flowId") REFERENCES "flow"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "flow_run_state" ADD CONSTRAINT "FK_9d8a6eca244389d890f85f7c49b" FOREIGN KEY ("flowRunId") REFERENCES "flow_run"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "log" ADD CONSTRAINT "FK_58b12a67b9503f329e86c851e8b" FOREIGN KEY ("flowRunId") REFERENCES "flow_run"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "task_run" ADD CONSTRAINT "FK_e3dd8093f7e1b2f4b6521e90f42" FOREIGN KEY ("flowRunId") REFERENCES "flow_run"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "orchestration_decision" ADD CONSTRAINT "FK_0686c8fee5b6b4d61710f35e664" FOREIGN KEY ("flowRunId") REFERENCES "flow_run"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "orchestration_decision" ADD CONSTRAINT "FK_5967d26050b4f775687fcf6e7de" FOREIGN KEY ("taskRunId") REFERENCES "task_run"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "task_run_state" ADD CONSTRAINT "FK_3e74cbfa8ca792b3456db38101d" FOREIGN KEY ("taskRunId") REFERENCES "task_run"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "task_run_state" DROP CONSTRAINT "FK_3e74cbfa8ca792b3456db38101d"`);
    await queryRunner.query(`ALTER TABLE "orchestration_decision" DROP CONSTRAINT "FK_5967d26050b4f775687fcf6e7de"`);
    await queryRunner.query(`ALTER TABLE "orchestration_decision" DROP CONSTRAINT "FK_0686c8fee5b6b4d61710f35e664"`);
    await queryRunner.query(`ALTER TABLE "task_run" DROP CONSTRAINT "FK_e3dd8093f7e1b2f4b6521e90f42"`);
    await queryRunner.query(`ALTER TABLE "log" DROP CONSTRAINT "FK_58b12a67b9503f329e86c851e8b"`);
    await queryRunner.query(`ALTER TABLE "flow_run_state" DROP CONSTRAINT "FK_9d8a6eca244389d890f85f7c49b"`);
    await queryRunner.query(`ALTER TABLE "flow_run" DROP CONSTRAINT "FK_9ac10a1588e9f70b1334a1c2abb"`);
    await queryRunner.query(`DROP INDEX "public"."uq_task_run_state_timestamp"`);
    await queryRunner.query(`DROP TABLE "task_run_state"`);
    await queryRunner.query(`DROP INDEX "public"."ix_task_run_state_cache_key"`);
    await queryRunner.query(`DROP TABLE "task_run_state_cache"`);
    await queryRunner.query(`DROP INDEX "public"."ix_decision_flow_run"`);
    await queryRunner.query(`DROP INDEX "public"."ix_decision_task_run"`);
    await queryRunner.query(`DROP TABLE "orchestration_decision"`);
    await queryRunner.query(`DROP INDEX "public"."uq_task_run_key"`);
    await queryRunner.query(`DROP INDEX "public"."ix_task_run_updated"`);
    await queryRunner.query(`DROP TABLE "task_run"`);
    await queryRunner.query(`DROP INDEX "public"."ix_log_flow_run_timestamp"`);
    await queryRunner.query(`DROP INDEX "public"."ix_log_task_run_timestamp"`);
    await queryRunner.query(`DROP INDEX "public"."ix_log_created"`);
    await queryRunner.query(`DROP TABLE "log"`);
    await queryRunner.query(`DROP INDEX "public"."uq_flow_run_state_timestamp"`);
    await queryRunner.query(`DROP TABLE "flow_run_state"`);
    await queryRunner.query(`DROP INDEX "public"."uq_flow_run_idempotency"`);
    await queryRunner.query(`DROP INDEX "public"."ix_flow_run_updated"`);
    await queryRunner.query(`DROP INDEX "public"."ix_flow_run_name"`);
    await queryRunner.query(`DROP INDEX "public"."ix_flow_run_state_type"`);
    await queryRunner.query(`DROP INDEX "public"."ix_flow_run_expected_start_time"`);
    await queryRunner.query(`DROP INDEX "public"."ix_flow_run_next_scheduled_start_time"`);
    await queryRunner.query(`DROP INDEX "public"."ix_flow_run_start_time"`);
    await queryRunner.query(`DROP INDEX "public"."ix_flow_run_end_time"`);
    await queryRunner.query(`DROP INDEX "public"."ix_flow_run_deployment"`);
    await queryRunner.query(`DROP INDEX "public"."ix_flow_run_parent_task_run"`);
    await queryRunner.query(`DROP TABLE "flow_run"`);
    await queryRunner.query(`DROP INDEX "public"."uq_flow_name"`);
    await queryRunner.query(`DROP TABLE "flow"`);
    await queryRunner.query(`DROP INDEX "public"."uq_concurrency_limit_tag"`);
    await queryRunner.query(`DROP TABLE "concurrency_limit"`);
  }
}
