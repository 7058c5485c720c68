import { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1795624637760 implements MigrationInterface {
  name = 'Init1795624637760';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "concurrency_limit" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "tag" varchar(255) NOT NULL, "concurrencyLimit" integer NOT NULL, "activeSlots" text NOT NULL)`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_concurrency_limit_tag" ON "concurrency_limit" ("tag") `);
    await queryRunner.query(
      `CREATE TABLE "flow" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "name" varchar(255) NOT NULL, "tags" text NOT NULL)`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_flow_name" ON "flow" ("name") `);
    await queryRunner.query(
      `CREATE TABLE "flow_run" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "name" varchar(255) NOT NULL, "tags" text NOT NULL, "empiricalPolicy" text NOT NULL, "stateId" varchar(36), "stateType" varchar(16), "stateName" varchar(64), "stateTimestamp" datetime, "runCount" integer NOT NULL DEFAULT (0), "expectedStartTime" datetime, "nextScheduledStartTime" datetime, "startTime" datetime, "endTime" datetime, "totalRunTime" double precision NOT NULL DEFAULT (0), "flowId" varchar(36) NOT NULL, "flowVersion" varchar(255), "parameters" text NOT NULL, "idempotencyKey" varchar(512), "parentTaskRunId" varchar(36), "deploymentId" varchar(36), "infrastructurePid" varchar(255), "heartbeatTime" datetime, "autoScheduled" boolean NOT NULL DEFAULT (0))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_flow_run_parent_task_run" ON "flow_run" ("parentTaskRunId") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_deployment" ON "flow_run" ("deploymentId") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_end_time" ON "flow_run" ("endTime") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_start_time" ON "flow_run" ("startTime") `);
    await queryRunner.query(
      `CREATE INDEX "ix_flow_run_next_scheduled_start_time" ON "flow_run" ("nextScheduledStartTime") `,
    );
    await queryRunner.query(`CREATE INDEX "ix_flow_run_expected_start_time" ON "flow_run" ("expectedStartTime") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_state_type" ON "flow_run" ("stateType") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_name" ON "flow_run" ("name") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_updated" ON "flow_run" ("updated") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_flow_run_idempotency" ON "flow_run" ("flowId", "idempotencyKey") `,
    );
    await queryRunner.query(
      `CREATE TABLE "flow_run_state" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "type" varchar(16) NOT NULL, "name" varchar(64) NOT NULL, "timestamp" datetime NOT NULL, "message" text, "stateDetails" text NOT NULL, "data" text, "flowRunId" varchar(36) NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_flow_run_state_timestamp" ON "flow_run_state" ("flowRunId", "timestamp") `,
    );
    await queryRunner.query(
      `CREATE TABLE "log" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "name" varchar(255) NOT NULL, "level" integer NOT NULL, "message" text NOT NULL, "timestamp" datetime NOT NULL, "flowRunId" varchar(36), "taskRunId" varchar(36))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_log_created" ON "log" ("created") `);
    await queryRunner.query(`CREATE INDEX "ix_log_task_run_timestamp" ON "log" ("taskRunId", "timestamp") `);
    await queryRunner.query(`CREATE INDEX "ix_log_flow_run_timestamp" ON "log" ("flowRunId", "timestamp") `);
    await queryRunner.query(
      `CREATE TABLE "task_run" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "name" varchar(255) NOT NULL, "tags" text NOT NULL, "empiricalPolicy" text NOT NULL, "stateId" varchar(36), "stateType" varchar(16), "stateName" varchar(64), "stateTimestamp" datetime, "runCount" integer NOT NULL DEFAULT (0), "expectedStartTime" datetime, "nextScheduledStartTime" datetime, "startTime" datetime, "endTime" datetime, "totalRunTime" double precision NOT NULL DEFAULT (0), "flowRunId" varchar(36), "taskKey" varchar(255) NOT NULL, "dynamicKey" varchar(255) NOT NULL, "cacheKey" varchar(2000), "cacheExpiration" datetime, "taskVersion" varchar(255), "taskInputs" text NOT NULL, "flowRunRunCount" integer NOT NULL DEFAULT (0))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_task_run_updated" ON "task_run" ("updated") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_task_run_key" ON "task_run" ("flowRunId", "taskKey", "dynamicKey") `,
    );
    await queryRunner.query(
      `CREATE TABLE "orchestration_decision" ("id" varchar(36) PRIMARY KEY NOT NULL, "runKind" varchar(8) NOT NULL, "flowRunId" varchar(36), "taskRunId" varchar(36), "timestamp" datetime NOT NULL, "rule" varchar(128) NOT NULL, "status" varchar(8) NOT NULL, "reason" text, "fromType" varchar(16), "fromName" varchar(64), "proposedType" varchar(16), "proposedName" varchar(64), "resultType" varchar(16), "resultName" varchar(64), "stateId" varchar(36), "delaySeconds" double precision)`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_decision_task_run" ON "orchestration_decision" ("taskRunId", "timestamp") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_decision_flow_run" ON "orchestration_decision" ("flowRunId", "timestamp") `,
    );
    await queryRunner.query(
      `CREATE TABLE "task_run_state_cache" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "cacheKey" varchar(2000) NOT NULL, "cacheExpiration" datetime, "taskRunStateId" varchar(36) NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_task_run_state_cache_key" ON "task_run_state_cache" ("cacheKey", "created") `,
    );
    await queryRunner.query(
      `CREATE TABLE "task_run_state" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "type" varchar(16) NOT NULL, "name" varchar(64) NOT NULL, "timestamp" datetime NOT NULL, "message" text, "stateDetails" text NOT NULL, "data" text, "taskRunId" varchar(36) NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_task_run_state_timestamp" ON "task_run_state" ("taskRunId", "timestamp") `,
    );
    await queryRunner.query(`DROP INDEX "ix_flow_run_parent_task_run"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_deployment"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_end_time"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_start_time"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_next_scheduled_start_time"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_expected_start_time"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_state_type"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_name"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_updated"`);
    await queryRunner.query(`DROP INDEX "uq_flow_run_idempotency"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_flow_run" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "name" varchar(255) NOT NULL, "tags" text NOT NULL, "empiricalPolicy" text NOT NULL, "stateId" varchar(36), "stateType" varchar(16), "stateName" varchar(64), "stateTimestamp" datetime, "runCount" integer NOT NULL DEFAULT (0), "expectedStartTime" datetime, "nextScheduledStartTime" datetime, "startTime" datetime, "endTime" datetime, "totalRunTime" double precision NOT NULL DEFAULT (0), "flowId" varchar(36) NOT NULL, "flowVersion" varchar(255), "parameters" text NOT NULL, "idempotencyKey" varchar(512), "parentTaskRunId" varchar(36), "deploymentId" varchar(36), "infrastructurePid" varchar(255), "heartbeatTime" datetime, "autoScheduled" boolean NOT NULL DEFAULT (0), CONSTRAINT "FK_9ac10a1588e9f70b1334a1c2abb" FOREIGN KEY ("flowId") REFERENCES "flow" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_flow_run"("id", "created", "updated", "name", "tags", "empiricalPolicy", "stateId", "stateType", "stateName", "stateTimestamp", "runCount", "expectedStartTime", "nextScheduledStartTime", "startTime", "endTime", "totalRunTime", "flowId", "flowVersion", "parameters", "idempotencyKey", "parentTaskRunId", "deploymentId", "infrastructurePid", "heartbeatTime", "autoScheduled") SELECT "id", "created", "updated", "name", "tags", "empiricalPolicy", "stateId", "stateType", "stateName", "stateTimestamp", "runCount", "expectedStartTime", "nextScheduledStartTime", "startTime", "endTime", "totalRunTime", "flowId", "flowVersion", "parameters", "idempotencyKey", "parentTaskRunId", "deploymentId", "infrastructurePid", "heartbeatTime", "autoScheduled" FROM "flow_run"`,
    );
    await queryRunner.query(`DROP TABLE "flow_run"`);
    await queryRunner.query(`ALTER TABLE "temporary_flow_run" RENAME TO "flow_run"`);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_parent_task_run" ON "flow_run" ("parentTaskRunId") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_deployment" ON "flow_run" ("deploymentId") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_end_time" ON "flow_run" ("endTime") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_start_time" ON "flow_run" ("startTime") `);
    await queryRunner.query(
      `CREATE INDEX "ix_flow_run_next_scheduled_start_time" ON "flow_run" ("nextScheduledStartTime") `,
    );
    await queryRunner.query(`CREATE INDEX "ix_flow_run_expected_start_time" ON "flow_run" ("expectedStartTime") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_state_type" ON "flow_run" ("stateType") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_name" ON "flow_run" ("name") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_updated" ON "flow_run" ("updated") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_flow_run_idempotency" ON "flow_run" ("flowId", "idempotencyKey") `,
    );
    await queryRunner.query(`DROP INDEX "uq_flow_run_state_timestamp"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_flow_run_state" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "type" varchar(16) NOT NULL, "name" varchar(64) NOT NULL, "timestamp" datetime NOT NULL, "message" text, "stateDetails" text NOT NULL, "data" text, "flowRunId" varchar(36) NOT NULL, CONSTRAINT "FK_9d8a6eca244389d890f85f7c49b" FOREIGN KEY ("flowRunId") REFERENCES "flow_run" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_flow_run_state"("id", "created", "type", "name", "timestamp", "message", "stateDetails", "data", "flowRunId") SELECT "id", "created", "type", "name", "timestamp", "message", "stateDetails", "data", "flowRunId" FROM "flow_run_state"`,
    );
    await queryRunner.query(`DROP TABLE "flow_run_state"`);
    await queryRunner.query(`ALTER TABLE "temporary_flow_run_state" RENAME TO "flow_run_state"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_flow_run_state_timestamp" ON "flow_run_state" ("flowRunId", "timestamp") `,
    );
    await queryRunner.query(`DROP INDEX "ix_log_created"`);
    await queryRunner.query(`DROP INDEX "ix_log_task_run_timestamp"`);
    await queryRunner.query(`DROP INDEX "ix_log_flow_run_timestamp"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_log" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "name" varchar(255) NOT NULL, "level" integer NOT NULL, "message" text NOT NULL, "timestamp" datetime NOT NULL, "flowRunId" varchar(36), "taskRunId" varchar(36), CONSTRAINT "FK_58b12a67b9503f329e86c851e8b" FOREIGN KEY ("flowRunId") REFERENCES "flow_run" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_log"("id", "created", "name", "level", "message", "timestamp", "flowRunId", "taskRunId") SELECT "id", "created", "name", "level", "message", "timestamp", "flowRunId", "taskRunId" FROM "log"`,
    );
    await queryRunner.query(`DROP TABLE "log"`);
    await queryRunner.query(`ALTER TABLE "temporary_log" RENAME TO "log"`);
    await queryRunner.query(`CREATE INDEX "ix_log_created" ON "log" ("created") `);
    await queryRunner.query(`CREATE INDEX "ix_log_task_run_timestamp" ON "log" ("taskRunId", "timestamp") `);
    await queryRunner.query(`CREATE INDEX "ix_log_flow_run_timestamp" ON "log" ("flowRunId", "timestamp") `);
    await queryRunner.query(`DROP INDEX "ix_task_run_updated"`);
    await queryRunner.query(`DROP INDEX "uq_task_run_key"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_task_run" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "name" varchar(255) NOT NULL, "tags" text NOT NULL, "empiricalPolicy" text NOT NULL, "stateId" varchar(36), "stateType" varchar(16), "stateName" varchar(64), "stateTimestamp" datetime, "runCount" integer NOT NULL DEFAULT (0), "expectedStartTime" datetime, "nextScheduledStartTime" datetime, "startTime" datetime, "endTime" datetime, "totalRunTime" double precision NOT NULL DEFAULT (0), "flowRunId" varchar(36), "taskKey" varchar(255) NOT NULL, "dynamicKey" varchar(255) NOT NULL, "cacheKey" varchar(2000), "cacheExpiration" datetime, "taskVersion" varchar(255), "taskInputs" text NOT NULL, "flowRunRunCount" integer NOT NULL DEFAULT (0), CONSTRAINT "FK_e3dd8093f7e1b2f4b6521e90f42" FOREIGN KEY ("flowRunId") REFERENCES "flow_run" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_task_run"("id", "created", "updated", "name", "tags", "empiricalPolicy", "stateId", "stateType", "stateName", "stateTimestamp", "runCount", "expectedStartTime", "nextScheduledStartTime", "startTime", "endTime", "totalRunTime", "flowRunId", "taskKey", "dynamicKey", "cacheKey", "cacheExpiration", "taskVersion", "taskInputs", "flowRunRunCount") SELECT "id", "created", "updated", "name", "tags", "empiricalPolicy", "stateId", "stateType", "stateName", "stateTimestamp", "runCount", "expectedStartTime", "nextScheduledStartTime", "startTime", "endTime", "totalRunTime", "flowRunId", "taskKey", "dynamicKey", "cacheKey", "cacheExpiration", "taskVersion", "taskInputs", "flowRunRunCount" FROM "task_run"`,
    );
    await queryRunner.query(`DROP TABLE "task_run"`);
    await queryRunner.query(`ALTER TABLE "temporary_task_run" RENAME TO "task_run"`);
    await queryRunner.query(`CREATE INDEX "ix_task_run_updated" ON "task_run" ("updated") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_task_run_key" ON "task_run" ("flowRunId", "taskKey", "dynamicKey") `,
    );
    await queryRunner.query(`DROP INDEX "ix_decision_task_run"`);
    await queryRunner.query(`DROP INDEX "ix_decision_flow_run"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_orchestration_decision" ("id" varchar(36) PRIMARY KEY NOT NULL, "runKind" varchar(8) NOT NULL, "flowRunId" varchar(36), "taskRunId" varchar(36), "timestamp" datetime NOT NULL, "rule" varchar(128) NOT NULL, "status" varchar(8) NOT NULL, "reason" text, "fromType" varchar(16), "fromName" varchar(64), "proposedType" varchar(16), "proposedName" varchar(64), "resultType" varchar(16), "resultName" varchar(64), "stateId" varchar(36), "delaySeconds" double precision, CONSTRAINT "FK_0686c8fee5b6b4d61710f35e664" FOREIGN KEY ("flowRunId") REFERENCES "flow_run" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_5967d26050b4f775687fcf6e7de" FOREIGN KEY ("taskRunId") REFERENCES "task_run" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_orchestration_decision"("id", "runKind", "flowRunId", "taskRunId", "timestamp", "rule", "status", "reason", "fromType", "fromName", "proposedType", "proposedName", "resultType", "resultName", "stateId", "delaySeconds") SELECT "id", "runKind", "flowRunId", "taskRunId", "timestamp", "rule", "status", "reason", "fromType", "fromName", "proposedType", "proposedName", "resultType", "resultName", "stateId", "delaySeconds" FROM "orchestration_decision"`,
    );
    await queryRunner.query(`DROP TABLE "orchestration_decision"`);
    await queryRunner.query(`ALTER TABLE "temporary_orchestration_decision" RENAME TO "orchestration_decision"`);
    await queryRunner.query(
      `CREATE INDEX "ix_decision_task_run" ON "orchestration_decision" ("taskRunId", "timestamp") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_decision_flow_run" ON "orchestration_decision" ("flowRunId", "timestamp") `,
    );
    await queryRunner.query(`DROP INDEX "uq_task_run_state_timestamp"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_task_run_state" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "type" varchar(16) NOT NULL, "name" varchar(64) NOT NULL, "timestamp" datetime NOT NULL, "message" text, "stateDetails" text NOT NULL, "data" text, "taskRunId" varchar(36) NOT NULL, CONSTRAINT "FK_3e74cbfa8ca792b3456db38101d" FOREIGN KEY ("taskRunId") REFERENCES "task_run" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_task_run_state"("id", "created", "type", "name", "timestamp", "message", "stateDetails", "data", "taskRunId") SELECT "id", "created", "type", "name", "timestamp", "message", "stateDetails", "data", "taskRunId" FROM "task_run_state"`,
    );
    await queryRunner.query(`DROP TABLE "task_run_state"`);
    await queryRunner.query(`ALTER TABLE "temporary_task_run_state" RENAME TO "task_run_state"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_task_run_state_timestamp" ON "task_run_state" ("taskRunId", "timestamp") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "uq_task_run_state_timestamp"`);
    await queryRunner.query(`ALTER TABLE "task_run_state" RENAME TO "temporary_task_run_state"`);
    await queryRunner.query(
      `CREATE TABLE "task_run_state" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "type" varchar(16) NOT NULL, "name" varchar(64) NOT NULL, "timestamp" datetime NOT NULL, "message" text, "stateDetails" text NOT NULL, "data" text, "taskRunId" varchar(36) NOT NULL)`,
    );
    await queryRunner.query(
      `INSERT INTO "task_run_state"("id", "created", "type", "name", "timestamp", "message", "stateDetails", "data", "taskRunId") SELECT "id", "created", "type", "name", "timestamp", "message", "stateDetails", "data", "taskRunId" FROM "temporary_task_run_state"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_task_run_state"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_task_run_state_timestamp" ON "task_run_state" ("taskRunId", "timestamp") `,
    );
    await queryRunner.query(`DROP INDEX "ix_decision_flow_run"`);
    await queryRunner.query(`DROP INDEX "ix_decision_task_run"`);
    await queryRunner.query(`ALTER TABLE "orchestration_decision" RENAME TO "temporary_orchestration_decision"`);
    await queryRunner.query(
      `CREATE TABLE "orchestration_decision" ("id" varchar(36) PRIMARY KEY NOT NULL, "runKind" varchar(8) NOT NULL, "flowRunId" varchar(36), "taskRunId" varchar(36), "timestamp" datetime NOT NULL, "rule" varchar(128) NOT NULL, "status" varchar(8) NOT NULL, "reason" text, "fromType" varchar(16), "fromName" varchar(64), "proposedType" varchar(16), "proposedName" varchar(64), "resultType" varchar(16), "resultName" varchar(64), "stateId" varchar(36), "delaySeconds" double precision)`,
    );
    await queryRunner.query(
      `INSERT INTO "orchestration_decision"("id", "runKind", "flowRunId", "taskRunId", "timestamp", "rule", "status", "reason", "fromType", "fromName", "proposedType", "proposedName", "resultType", "resultName", "stateId", "delaySeconds") SELECT "id", "runKind", "flowRunId", "taskRunId", "timestamp", "rule", "status", "reason", "fromType", "fromName", "proposedType", "proposedName", "resultType", "resultName", "stateId", "delaySeconds" FROM "temporary_orchestration_decision"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_orchestration_decision"`);
    await queryRunner.query(
      `CREATE INDEX "ix_decision_flow_run" ON "orchestration_decision" ("flowRunId", "timestamp") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_decision_task_run" ON "orchestration_decision" ("taskRunId", "timestamp") `,
    );
    await queryRunner.query(`DROP INDEX "uq_task_run_key"`);
    await queryRunner.query(`DROP INDEX "ix_task_run_updated"`);
    await queryRunner.query(`ALTER TABLE "task_run" RENAME TO "temporary_task_run"`);
    await queryRunner.query(
      `CREATE TABLE "task_run" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "name" varchar(255) NOT NULL, "tags" text NOT NULL, "empiricalPolicy" text NOT NULL, "stateId" varchar(36), "stateType" varchar(16), "stateName" varchar(64), "stateTimestamp" datetime, "runCount" integer NOT NULL DEFAULT (0), "expectedStartTime" datetime, "nextScheduledStartTime" datetime, "startTime" datetime, "endTime" datetime, "totalRunTime" double precision NOT NULL DEFAULT (0), "flowRunId" varchar(36), "taskKey" varchar(255) NOT NULL, "dynamicKey" varchar(255) NOT NULL, "cacheKey" varchar(2000), "cacheExpiration" datetime, "taskVersion" varchar(255), "taskInputs" text NOT NULL, "flowRunRunCount" integer NOT NULL DEFAULT (0))`,
    );
    await queryRunner.query(
      `INSERT INTO "task_run"("id", "created", "updated", "name", "tags", "empiricalPolicy", "stateId", "stateType", "stateName", "stateTimestamp", "runCount", "expectedStartTime", "nextScheduledStartTime", "startTime", "endTime", "totalRunTime", "flowRunId", "taskKey", "dynamicKey", "cacheKey", "cacheExpiration", "taskVersion", "taskInputs", "flowRunRunCount") SELECT "id", "created", "updated", "name", "tags", "empiricalPolicy", "stateId", "stateType", "stateName", "stateTimestamp", "runCount", "expectedStartTime", "nextScheduledStartTime", "startTime", "endTime", "totalRunTime", "flowRunId", "taskKey", "dynamicKey", "cacheKey", "cacheExpiration", "taskVersion", "taskInputs", "flowRunRunCount" FROM "temporary_task_run"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_task_run"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_task_run_key" ON "task_run" ("flowRunId", "taskKey", "dynamicKey") `,
    );
    await queryRunner.query(`CREATE INDEX "ix_task_run_updated" ON "task_run" ("updated") `);
    await queryRunner.query(`DROP INDEX "ix_log_flow_run_timestamp"`);
    await queryRunner.query(`DROP INDEX "ix_log_task_run_timestamp"`);
    await queryRunner.query(`DROP INDEX "ix_log_created"`);
    await queryRunner.query(`ALTER TABLE "log" RENAME TO "temporary_log"`);
    await queryRunner.query(
      `CREATE TABLE "log" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "name" varchar(255) NOT NULL, "level" integer NOT NULL, "message" text NOT NULL, "timestamp" datetime NOT NULL, "flowRunId" varchar(36), "taskRunId" varchar(36))`,
    );
    await queryRunner.query(
      `INSERT INTO "log"("id", "created", "name", "level", "message", "timestamp", "flowRunId", "taskRunId") SELECT "id", "created", "name", "level", "message", "timestamp", "flowRunId", "taskRunId" FROM "temporary_log"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_log"`);
    await queryRunner.query(`CREATE INDEX "ix_log_flow_run_timestamp" ON "log" ("flowRunId", "timestamp") `);
    await queryRunner.query(`CREATE INDEX "ix_log_task_run_timestamp" ON "log" ("taskRunId", "timestamp") `);
    await queryRunner.query(`CREATE INDEX "ix_log_created" ON "log" ("created") `);
    await queryRunner.query(`DROP INDEX "uq_flow_run_state_timestamp"`);
    await queryRunner.query(`ALTER TABLE "flow_run_state" RENAME TO "temporary_flow_run_state"`);
    await queryRunner.query(
      `CREATE TABLE "flow_run_state" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "type" varchar(16) NOT NULL, "name" varchar(64) NOT NULL, "timestamp" datetime NOT NULL, "message" text, "stateDetails" text NOT NULL, "data" text, "flowRunId" varchar(36) NOT NULL)`,
    );
    await queryRunner.query(
      `INSERT INTO "flow_run_state"("id", "created", "type", "name", "timestamp", "message", "stateDetails", "data", "flowRunId") SELECT "id", "created", "type", "name", "timestamp", "message", "stateDetails", "data", "flowRunId" FROM "temporary_flow_run_state"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_flow_run_state"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_flow_run_state_timestamp" ON "flow_run_state" ("flowRunId", "timestamp") `,
    );
    await queryRunner.query(`DROP INDEX "uq_flow_run_idempotency"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_updated"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_name"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_state_type"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_expected_start_time"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_next_scheduled_start_time"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_start_time"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_end_time"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_deployment"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_parent_task_run"`);
    await queryRunner.query(`ALTER TABLE "flow_run" RENAME TO "temporary_flow_run"`);
    await queryRunner.query(
      `CREATE TABLE "flow_run" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "name" varchar(255) NOT NULL, "tags" text NOT NULL, "empiricalPolicy" text NOT NULL, "stateId" varchar(36), "stateType" varchar(16), "stateName" varchar(64), "stateTimestamp" datetime, "runCount" integer NOT NULL DEFAULT (0), "expectedStartTime" datetime, "nextScheduledStartTime" datetime, "startTime" datetime, "endTime" datetime, "totalRunTime" double precision NOT NULL DEFAULT (0), "flowId" varchar(36) NOT NULL, "flowVersion" varchar(255), "parameters" text NOT NULL, "idempotencyKey" varchar(512), "parentTaskRunId" varchar(36), "deploymentId" varchar(36), "infrastructurePid" varchar(255), "heartbeatTime" datetime, "autoScheduled" boolean NOT NULL DEFAULT (0))`,
    );
    await queryRunner.query(
      `INSERT INTO "flow_run"("id", "created", "updated", "name", "tags", "empiricalPolicy", "stateId", "stateType", "stateName", "stateTimestamp", "runCount", "expectedStartTime", "nextScheduledStartTime", "startTime", "endTime", "totalRunTime", "flowId", "flowVersion", "parameters", "idempotencyKey", "parentTaskRunId", "deploymentId", "infrastructurePid", "heartbeatTime", "autoScheduled") SELECT "id", "created", "updated", "name", "tags", "empiricalPolicy", "stateId", "stateType", "stateName", "stateTimestamp", "runCount", "expectedStartTime", "nextScheduledStartTime", "startTime", "endTime", "totalRunTime", "flowId", "flowVersion", "parameters", "idempotencyKey", "parentTaskRunId", "deploymentId", "infrastructurePid", "heartbeatTime", "autoScheduled" FROM "temporary_flow_run"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_flow_run"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_flow_run_idempotency" ON "flow_run" ("flowId", "idempotencyKey") `,
    );
    await queryRunner.query(`CREATE INDEX "ix_flow_run_updated" ON "flow_run" ("updated") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_name" ON "flow_run" ("name") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_state_type" ON "flow_run" ("stateType") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_expected_start_time" ON "flow_run" ("expectedStartTime") `);
    await queryRunner.query(
      `CREATE INDEX "ix_flow_run_next_scheduled_start_time" ON "flow_run" ("nextScheduledStartTime") `,
    );
    await queryRunner.query(`CREATE INDEX "ix_flow_run_start_time" ON "flow_run" ("startTime") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_end_time" ON "flow_run" ("endTime") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_deployment" ON "flow_run" ("deploymentId") `);
    await queryRunner.query(`CREATE INDEX "ix_flow_run_parent_task_run" ON "flow_run" ("parentTaskRunId") `);
    await queryRunner.query(`DROP INDEX "uq_task_run_state_timestamp"`);
    await queryRunner.query(`DROP TABLE "task_run_state"`);
    await queryRunner.query(`DROP INDEX "ix_task_run_state_cache_key"`);
    await queryRunner.query(`DROP TABLE "task_run_state_cache"`);
    await queryRunner.query(`DROP INDEX "ix_decision_flow_run"`);
    await queryRunner.query(`DROP INDEX "ix_decision_task_run"`);
    await queryRunner.query(`DROP TABLE "orchestration_decision"`);
    await queryRunner.query(`DROP INDEX "uq_task_run_key"`);
    await queryRunner.query(`DROP INDEX "ix_task_run_updated"`);
    await queryRunner.query(`DROP TABLE "task_run"`);
    await queryRunner.query(`DROP INDEX "ix_log_flow_run_timestamp"`);
    await queryRunner.query(`DROP INDEX "ix_log_task_run_timestamp"`);
    await queryRunner.query(`DROP INDEX "ix_log_created"`);
    await queryRunner.query(`DROP TABLE "log"`);
    await queryRunner.query(`DROP INDEX "uq_flow_run_state_timestamp"`);
    await queryRunner.query(`DROP TABLE "flow_run_state"`);
    await queryRunner.query(`DROP INDEX "uq_flow_run_idempotency"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_updated"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_name"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_state_type"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_expected_start_time"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_next_scheduled_start_time"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_start_time"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_end_time"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_deployment"`);
    await queryRunner.query(`DROP INDEX "ix_flow_run_parent_task_run"`);
    await queryRunner.query(`DROP TABLE "flow_run"`);
    await queryRunner.query(`DROP INDEX "uq_flow_name"`);
    await queryRunner.query(`DROP TABLE "flow"`);
    await queryRunner.query(`DROP INDEX "uq_concurrency_limit_tag"`);
    await queryRunner.query(`DROP TABLE "concurrency_limit"`);
  }
}
