import { MigrationInterface, QueryRunner } from 'typeorm';

export class Deployments1795626818519 implements MigrationInterface {
  name = 'Deployments1795626818519';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "deployment" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "name" varchar(255) NOT NULL, "flowId" varchar(36) NOT NULL, "version" varchar(255), "description" text, "tags" text NOT NULL, "entrypoint" varchar(1024) NOT NULL, "path" varchar(1024), "parameters" text NOT NULL, "parameterSchema" text NOT NULL, "enforceParameterSchema" boolean NOT NULL DEFAULT (1), "workPoolName" varchar(255), "workQueueName" varchar(255), "workQueueId" varchar(36), "paused" boolean NOT NULL DEFAULT (0), "concurrencyLimit" integer, "collisionStrategy" varchar(16) NOT NULL DEFAULT ('ENQUEUE'), "activeSlots" text NOT NULL, "jobVariables" text NOT NULL, "lastPolled" datetime)`,
    );
    await queryRunner.query(`CREATE INDEX "ix_deployment_updated" ON "deployment" ("updated") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_deployment_flow_name" ON "deployment" ("flowId", "name") `);
    await queryRunner.query(
      `CREATE TABLE "deployment_schedule" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "deploymentId" varchar(36) NOT NULL, "schedule" text NOT NULL, "active" boolean NOT NULL DEFAULT (1), "parameters" text NOT NULL, "maxScheduledRuns" integer)`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_deployment_schedule_deployment" ON "deployment_schedule" ("deploymentId") `,
    );
    await queryRunner.query(
      `CREATE TABLE "flow_run_input" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "flowRunId" varchar(36) NOT NULL, "key" varchar(255) NOT NULL, "value" text NOT NULL)`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_flow_run_input_key" ON "flow_run_input" ("flowRunId", "key") `);
    await queryRunner.query(
      `CREATE TABLE "work_pool" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "name" varchar(255) NOT NULL, "description" text, "type" varchar(64) NOT NULL DEFAULT ('process'), "paused" boolean NOT NULL DEFAULT (0), "concurrencyLimit" integer, "defaultQueueId" varchar(36), "baseJobTemplate" text NOT NULL)`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_work_pool_name" ON "work_pool" ("name") `);
    await queryRunner.query(
      `CREATE TABLE "work_queue" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "workPoolId" varchar(36) NOT NULL, "name" varchar(255) NOT NULL, "description" text, "priority" integer NOT NULL DEFAULT (1), "concurrencyLimit" integer, "paused" boolean NOT NULL DEFAULT (0), "lastPolled" datetime)`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_work_queue_pool_name" ON "work_queue" ("workPoolId", "name") `);
    await queryRunner.query(
      `CREATE TABLE "worker" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "workPoolId" varchar(36) NOT NULL, "name" varchar(255) NOT NULL, "lastHeartbeatTime" datetime NOT NULL, "heartbeatIntervalSeconds" integer)`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_worker_pool_name" ON "worker" ("workPoolId", "name") `);
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
    await queryRunner.query(
      `CREATE TABLE "temporary_flow_run" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "name" varchar(255) NOT NULL, "tags" text NOT NULL, "empiricalPolicy" text NOT NULL, "stateId" varchar(36), "stateType" varchar(16), "stateName" varchar(64), "stateTimestamp" datetime, "runCount" integer NOT NULL DEFAULT (0), "expectedStartTime" datetime, "nextScheduledStartTime" datetime, "startTime" datetime, "endTime" datetime, "totalRunTime" double precision NOT NULL DEFAULT (0), "flowId" varchar(36) NOT NULL, "flowVersion" varchar(255), "parameters" text NOT NULL, "idempotencyKey" varchar(512), "parentTaskRunId" varchar(36), "deploymentId" varchar(36), "infrastructurePid" varchar(255), "heartbeatTime" datetime, "autoScheduled" boolean NOT NULL DEFAULT (0), "deploymentVersion" varchar(255), "workQueueId" varchar(36), "workQueueName" varchar(255), "workPoolName" varchar(255), "jobVariables" text, CONSTRAINT "FK_9ac10a1588e9f70b1334a1c2abb" FOREIGN KEY ("flowId") REFERENCES "flow" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_flow_run"("id", "created", "updated", "name", "tags", "empiricalPolicy", "stateId", "stateType", "stateName", "stateTimestamp", "runCount", "expectedStartTime", "nextScheduledStartTime", "startTime", "endTime", "totalRunTime", "flowId", "flowVersion", "parameters", "idempotencyKey", "parentTaskRunId", "deploymentId", "infrastructurePid", "heartbeatTime", "autoScheduled") SELECT "id", "created", "updated", "name", "tags", "empiricalPolicy", "stateId", "stateType", "stateName", "stateTimestamp", "runCount", "expectedStartTime", "nextScheduledStartTime", "startTime", "endTime", "totalRunTime", "flowId", "flowVersion", "parameters", "idempotencyKey", "parentTaskRunId", "deploymentId", "infrastructurePid", "heartbeatTime", "autoScheduled" FROM "flow_run"`,
    );
    await queryRunner.query(`DROP TABLE "flow_run"`);
    await queryRunner.query(`ALTER TABLE "temporary_flow_run" RENAME TO "flow_run"`);
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
    await queryRunner.query(
      `CREATE INDEX "ix_flow_run_queue_scheduled" ON "flow_run" ("workQueueId", "nextScheduledStartTime") `,
    );
    await queryRunner.query(`DROP INDEX "ix_deployment_updated"`);
    await queryRunner.query(`DROP INDEX "uq_deployment_flow_name"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_deployment" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "name" varchar(255) NOT NULL, "flowId" varchar(36) NOT NULL, "version" varchar(255), "description" text, "tags" text NOT NULL, "entrypoint" varchar(1024) NOT NULL, "path" varchar(1024), "parameters" text NOT NULL, "parameterSchema" text NOT NULL, "enforceParameterSchema" boolean NOT NULL DEFAULT (1), "workPoolName" varchar(255), "workQueueName" varchar(255), "workQueueId" varchar(36), "paused" boolean NOT NULL DEFAULT (0), "concurrencyLimit" integer, "collisionStrategy" varchar(16) NOT NULL DEFAULT ('ENQUEUE'), "activeSlots" text NOT NULL, "jobVariables" text NOT NULL, "lastPolled" datetime, CONSTRAINT "FK_2b7dfb209512e88aa5a0d7343cb" FOREIGN KEY ("flowId") REFERENCES "flow" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_deployment"("id", "created", "updated", "name", "flowId", "version", "description", "tags", "entrypoint", "path", "parameters", "parameterSchema", "enforceParameterSchema", "workPoolName", "workQueueName", "workQueueId", "paused", "concurrencyLimit", "collisionStrategy", "activeSlots", "jobVariables", "lastPolled") SELECT "id", "created", "updated", "name", "flowId", "version", "description", "tags", "entrypoint", "path", "parameters", "parameterSchema", "enforceParameterSchema", "workPoolName", "workQueueName", "workQueueId", "paused", "concurrencyLimit", "collisionStrategy", "activeSlots", "jobVariables", "lastPolled" FROM "deployment"`,
    );
    await queryRunner.query(`DROP TABLE "deployment"`);
    await queryRunner.query(`ALTER TABLE "temporary_deployment" RENAME TO "deployment"`);
    await queryRunner.query(`CREATE INDEX "ix_deployment_updated" ON "deployment" ("updated") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_deployment_flow_name" ON "deployment" ("flowId", "name") `);
    await queryRunner.query(`DROP INDEX "ix_deployment_schedule_deployment"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_deployment_schedule" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "deploymentId" varchar(36) NOT NULL, "schedule" text NOT NULL, "active" boolean NOT NULL DEFAULT (1), "parameters" text NOT NULL, "maxScheduledRuns" integer, CONSTRAINT "FK_664871dceb102a1aa16eb919c44" FOREIGN KEY ("deploymentId") REFERENCES "deployment" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_deployment_schedule"("id", "created", "updated", "deploymentId", "schedule", "active", "parameters", "maxScheduledRuns") SELECT "id", "created", "updated", "deploymentId", "schedule", "active", "parameters", "maxScheduledRuns" FROM "deployment_schedule"`,
    );
    await queryRunner.query(`DROP TABLE "deployment_schedule"`);
    await queryRunner.query(`ALTER TABLE "temporary_deployment_schedule" RENAME TO "deployment_schedule"`);
    await queryRunner.query(
      `CREATE INDEX "ix_deployment_schedule_deployment" ON "deployment_schedule" ("deploymentId") `,
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
    await queryRunner.query(`DROP INDEX "ix_flow_run_queue_scheduled"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_flow_run" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "name" varchar(255) NOT NULL, "tags" text NOT NULL, "empiricalPolicy" text NOT NULL, "stateId" varchar(36), "stateType" varchar(16), "stateName" varchar(64), "stateTimestamp" datetime, "runCount" integer NOT NULL DEFAULT (0), "expectedStartTime" datetime, "nextScheduledStartTime" datetime, "startTime" datetime, "endTime" datetime, "totalRunTime" double precision NOT NULL DEFAULT (0), "flowId" varchar(36) NOT NULL, "flowVersion" varchar(255), "parameters" text NOT NULL, "idempotencyKey" varchar(512), "parentTaskRunId" varchar(36), "deploymentId" varchar(36), "infrastructurePid" varchar(255), "heartbeatTime" datetime, "autoScheduled" boolean NOT NULL DEFAULT (0), "deploymentVersion" varchar(255), "workQueueId" varchar(36), "workQueueName" varchar(255), "workPoolName" varchar(255), "jobVariables" text, CONSTRAINT "FK_9ac10a1588e9f70b1334a1c2abb" FOREIGN KEY ("flowId") REFERENCES "flow" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_9053ac8418dab2447a72fa37f1e" FOREIGN KEY ("deploymentId") REFERENCES "deployment" ("id") ON DELETE SET NULL ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_flow_run"("id", "created", "updated", "name", "tags", "empiricalPolicy", "stateId", "stateType", "stateName", "stateTimestamp", "runCount", "expectedStartTime", "nextScheduledStartTime", "startTime", "endTime", "totalRunTime", "flowId", "flowVersion", "parameters", "idempotencyKey", "parentTaskRunId", "deploymentId", "infrastructurePid", "heartbeatTime", "autoScheduled", "deploymentVersion", "workQueueId", "workQueueName", "workPoolName", "jobVariables") SELECT "id", "created", "updated", "name", "tags", "empiricalPolicy", "stateId", "stateType", "stateName", "stateTimestamp", "runCount", "expectedStartTime", "nextScheduledStartTime", "startTime", "endTime", "totalRunTime", "flowId", "flowVersion", "parameters", "idempotencyKey", "parentTaskRunId", "deploymentId", "infrastructurePid", "heartbeatTime", "autoScheduled", "deploymentVersion", "workQueueId", "workQueueName", "workPoolName", "jobVariables" FROM "flow_run"`,
    );
    await queryRunner.query(`DROP TABLE "flow_run"`);
    await queryRunner.query(`ALTER TABLE "temporary_flow_run" RENAME TO "flow_run"`);
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
    await queryRunner.query(
      `CREATE INDEX "ix_flow_run_queue_scheduled" ON "flow_run" ("workQueueId", "nextScheduledStartTime") `,
    );
    await queryRunner.query(`DROP INDEX "uq_flow_run_input_key"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_flow_run_input" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "flowRunId" varchar(36) NOT NULL, "key" varchar(255) NOT NULL, "value" text NOT NULL, CONSTRAINT "FK_8b258eb41b1b696ec9adc677fa6" FOREIGN KEY ("flowRunId") REFERENCES "flow_run" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_flow_run_input"("id", "created", "flowRunId", "key", "value") SELECT "id", "created", "flowRunId", "key", "value" FROM "flow_run_input"`,
    );
    await queryRunner.query(`DROP TABLE "flow_run_input"`);
    await queryRunner.query(`ALTER TABLE "temporary_flow_run_input" RENAME TO "flow_run_input"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_flow_run_input_key" ON "flow_run_input" ("flowRunId", "key") `);
    await queryRunner.query(`DROP INDEX "uq_work_queue_pool_name"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_work_queue" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "workPoolId" varchar(36) NOT NULL, "name" varchar(255) NOT NULL, "description" text, "priority" integer NOT NULL DEFAULT (1), "concurrencyLimit" integer, "paused" boolean NOT NULL DEFAULT (0), "lastPolled" datetime, CONSTRAINT "FK_ec4886f63d642a159abd8ebe792" FOREIGN KEY ("workPoolId") REFERENCES "work_pool" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_work_queue"("id", "created", "updated", "workPoolId", "name", "description", "priority", "concurrencyLimit", "paused", "lastPolled") SELECT "id", "created", "updated", "workPoolId", "name", "description", "priority", "concurrencyLimit", "paused", "lastPolled" FROM "work_queue"`,
    );
    await queryRunner.query(`DROP TABLE "work_queue"`);
    await queryRunner.query(`ALTER TABLE "temporary_work_queue" RENAME TO "work_queue"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_work_queue_pool_name" ON "work_queue" ("workPoolId", "name") `);
    await queryRunner.query(`DROP INDEX "uq_worker_pool_name"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_worker" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "workPoolId" varchar(36) NOT NULL, "name" varchar(255) NOT NULL, "lastHeartbeatTime" datetime NOT NULL, "heartbeatIntervalSeconds" integer, CONSTRAINT "FK_b808ca329695f35ebb4fcc171c9" FOREIGN KEY ("workPoolId") REFERENCES "work_pool" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_worker"("id", "created", "updated", "workPoolId", "name", "lastHeartbeatTime", "heartbeatIntervalSeconds") SELECT "id", "created", "updated", "workPoolId", "name", "lastHeartbeatTime", "heartbeatIntervalSeconds" FROM "worker"`,
    );
    await queryRunner.query(`DROP TABLE "worker"`);
    await queryRunner.query(`ALTER TABLE "temporary_worker" RENAME TO "worker"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_worker_pool_name" ON "worker" ("workPoolId", "name") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "uq_worker_pool_name"`);
    await queryRunner.query(`ALTER TABLE "worker" RENAME TO "temporary_worker"`);
    await queryRunner.query(
      `CREATE TABLE "worker" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "workPoolId" varchar(36) NOT NULL, "name" varchar(255) NOT NULL, "lastHeartbeatTime" datetime NOT NULL, "heartbeatIntervalSeconds" integer)`,
    );
    await queryRunner.query(
      `INSERT INTO "worker"("id", "created", "updated", "workPoolId", "name", "lastHeartbeatTime", "heartbeatIntervalSeconds") SELECT "id", "created", "updated", "workPoolId", "name", "lastHeartbeatTime", "heartbeatIntervalSeconds" FROM "temporary_worker"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_worker"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_worker_pool_name" ON "worker" ("workPoolId", "name") `);
    await queryRunner.query(`DROP INDEX "uq_work_queue_pool_name"`);
    await queryRunner.query(`ALTER TABLE "work_queue" RENAME TO "temporary_work_queue"`);
    await queryRunner.query(
      `CREATE TABLE "work_queue" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "workPoolId" varchar(36) NOT NULL, "name" varchar(255) NOT NULL, "description" text, "priority" integer NOT NULL DEFAULT (1), "concurrencyLimit" integer, "paused" boolean NOT NULL DEFAULT (0), "lastPolled" datetime)`,
    );
    await queryRunner.query(
      `INSERT INTO "work_queue"("id", "created", "updated", "workPoolId", "name", "description", "priority", "concurrencyLimit", "paused", "lastPolled") SELECT "id", "created", "updated", "workPoolId", "name", "description", "priority", "concurrencyLimit", "paused", "lastPolled" FROM "temporary_work_queue"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_work_queue"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_work_queue_pool_name" ON "work_queue" ("workPoolId", "name") `);
    await queryRunner.query(`DROP INDEX "uq_flow_run_input_key"`);
    await queryRunner.query(`ALTER TABLE "flow_run_input" RENAME TO "temporary_flow_run_input"`);
    await queryRunner.query(
      `CREATE TABLE "flow_run_input" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "flowRunId" varchar(36) NOT NULL, "key" varchar(255) NOT NULL, "value" text NOT NULL)`,
    );
    await queryRunner.query(
      `INSERT INTO "flow_run_input"("id", "created", "flowRunId", "key", "value") SELECT "id", "created", "flowRunId", "key", "value" FROM "temporary_flow_run_input"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_flow_run_input"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_flow_run_input_key" ON "flow_run_input" ("flowRunId", "key") `);
    await queryRunner.query(`DROP INDEX "ix_flow_run_queue_scheduled"`);
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
    await queryRunner.query(`ALTER TABLE "flow_run" RENAME TO "temporary_flow_run"`);
    await queryRunner.query(
      `CREATE TABLE "flow_run" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "name" varchar(255) NOT NULL, "tags" text NOT NULL, "empiricalPolicy" text NOT NULL, "stateId" varchar(36), "stateType" varchar(16), "stateName" varchar(64), "stateTimestamp" datetime, "runCount" integer NOT NULL DEFAULT (0), "expectedStartTime" datetime, "nextScheduledStartTime" datetime, "startTime" datetime, "endTime" datetime, "totalRunTime" double precision NOT NULL DEFAULT (0), "flowId" varchar(36) NOT NULL, "flowVersion" varchar(255), "parameters" text NOT NULL, "idempotencyKey" varchar(512), "parentTaskRunId" varchar(36), "deploymentId" varchar(36), "infrastructurePid" varchar(255), "heartbeatTime" datetime, "autoScheduled" boolean NOT NULL DEFAULT (0), "deploymentVersion" varchar(255), "workQueueId" varchar(36), "workQueueName" varchar(255), "workPoolName" varchar(255), "jobVariables" text, CONSTRAINT "FK_9ac10a1588e9f70b1334a1c2abb" FOREIGN KEY ("flowId") REFERENCES "flow" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "flow_run"("id", "created", "updated", "name", "tags", "empiricalPolicy", "stateId", "stateType", "stateName", "stateTimestamp", "runCount", "expectedStartTime", "nextScheduledStartTime", "startTime", "endTime", "totalRunTime", "flowId", "flowVersion", "parameters", "idempotencyKey", "parentTaskRunId", "deploymentId", "infrastructurePid", "heartbeatTime", "autoScheduled", "deploymentVersion", "workQueueId", "workQueueName", "workPoolName", "jobVariables") SELECT "id", "created", "updated", "name", "tags", "empiricalPolicy", "stateId", "stateType", "stateName", "stateTimestamp", "runCount", "expectedStartTime", "nextScheduledStartTime", "startTime", "endTime", "totalRunTime", "flowId", "flowVersion", "parameters", "idempotencyKey", "parentTaskRunId", "deploymentId", "infrastructurePid", "heartbeatTime", "autoScheduled", "deploymentVersion", "workQueueId", "workQueueName", "workPoolName", "jobVariables" FROM "temporary_flow_run"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_flow_run"`);
    await queryRunner.query(
      `CREATE INDEX "ix_flow_run_queue_scheduled" ON "flow_run" ("workQueueId", "nextScheduledStartTime") `,
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
    await queryRunner.query(`DROP INDEX "ix_deployment_schedule_deployment"`);
    await queryRunner.query(`ALTER TABLE "deployment_schedule" RENAME TO "temporary_deployment_schedule"`);
    await queryRunner.query(
      `CREATE TABLE "deployment_schedule" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "deploymentId" varchar(36) NOT NULL, "schedule" text NOT NULL, "active" boolean NOT NULL DEFAULT (1), "parameters" text NOT NULL, "maxScheduledRuns" integer)`,
    );
    await queryRunner.query(
      `INSERT INTO "deployment_schedule"("id", "created", "updated", "deploymentId", "schedule", "active", "parameters", "maxScheduledRuns") SELECT "id", "created", "updated", "deploymentId", "schedule", "active", "parameters", "maxScheduledRuns" FROM "temporary_deployment_schedule"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_deployment_schedule"`);
    await queryRunner.query(
      `CREATE INDEX "ix_deployment_schedule_deployment" ON "deployment_schedule" ("deploymentId") `,
    );
    await queryRunner.query(`DROP INDEX "uq_deployment_flow_name"`);
    await queryRunner.query(`DROP INDEX "ix_deployment_updated"`);
    await queryRunner.query(`ALTER TABLE "deployment" RENAME TO "temporary_deployment"`);
    await queryRunner.query(
      `CREATE TABLE "deployment" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "name" varchar(255) NOT NULL, "flowId" varchar(36) NOT NULL, "version" varchar(255), "description" text, "tags" text NOT NULL, "entrypoint" varchar(1024) NOT NULL, "path" varchar(1024), "parameters" text NOT NULL, "parameterSchema" text NOT NULL, "enforceParameterSchema" boolean NOT NULL DEFAULT (1), "workPoolName" varchar(255), "workQueueName" varchar(255), "workQueueId" varchar(36), "paused" boolean NOT NULL DEFAULT (0), "concurrencyLimit" integer, "collisionStrategy" varchar(16) NOT NULL DEFAULT ('ENQUEUE'), "activeSlots" text NOT NULL, "jobVariables" text NOT NULL, "lastPolled" datetime)`,
    );
    await queryRunner.query(
      `INSERT INTO "deployment"("id", "created", "updated", "name", "flowId", "version", "description", "tags", "entrypoint", "path", "parameters", "parameterSchema", "enforceParameterSchema", "workPoolName", "workQueueName", "workQueueId", "paused", "concurrencyLimit", "collisionStrategy", "activeSlots", "jobVariables", "lastPolled") SELECT "id", "created", "updated", "name", "flowId", "version", "description", "tags", "entrypoint", "path", "parameters", "parameterSchema", "enforceParameterSchema", "workPoolName", "workQueueName", "workQueueId", "paused", "concurrencyLimit", "collisionStrategy", "activeSlots", "jobVariables", "lastPolled" FROM "temporary_deployment"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_deployment"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_deployment_flow_name" ON "deployment" ("flowId", "name") `);
    await queryRunner.query(`CREATE INDEX "ix_deployment_updated" ON "deployment" ("updated") `);
    await queryRunner.query(`DROP INDEX "ix_flow_run_queue_scheduled"`);
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
    await queryRunner.query(`ALTER TABLE "flow_run" RENAME TO "temporary_flow_run"`);
    await queryRunner.query(
      `CREATE TABLE "flow_run" ("id" varchar(36) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "updated" datetime NOT NULL, "name" varchar(255) NOT NULL, "tags" text NOT NULL, "empiricalPolicy" text NOT NULL, "stateId" varchar(36), "stateType" varchar(16), "stateName" varchar(64), "stateTimestamp" datetime, "runCount" integer NOT NULL DEFAULT (0), "expectedStartTime" datetime, "nextScheduledStartTime" datetime, "startTime" datetime, "endTime" datetime, "totalRunTime" double precision NOT NULL DEFAULT (0), "flowId" varchar(36) NOT NULL, "flowVersion" varchar(255), "parameters" text NOT NULL, "idempotencyKey" varchar(512), "parentTaskRunId" varchar(36), "deploymentId" varchar(36), "infrastructurePid" varchar(255), "heartbeatTime" datetime, "autoScheduled" boolean NOT NULL DEFAULT (0), CONSTRAINT "FK_9ac10a1588e9f70b1334a1c2abb" FOREIGN KEY ("flowId") REFERENCES "flow" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "flow_run"("id", "created", "updated", "name", "tags", "empiricalPolicy", "stateId", "stateType", "stateName", "stateTimestamp", "runCount", "expectedStartTime", "nextScheduledStartTime", "startTime", "endTime", "totalRunTime", "flowId", "flowVersion", "parameters", "idempotencyKey", "parentTaskRunId", "deploymentId", "infrastructurePid", "heartbeatTime", "autoScheduled") SELECT "id", "created", "updated", "name", "tags", "empiricalPolicy", "stateId", "stateType", "stateName", "stateTimestamp", "runCount", "expectedStartTime", "nextScheduledStartTime", "startTime", "endTime", "totalRunTime", "flowId", "flowVersion", "parameters", "idempotencyKey", "parentTaskRunId", "deploymentId", "infrastructurePid", "heartbeatTime", "autoScheduled" FROM "temporary_flow_run"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_flow_run"`);
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
    await queryRunner.query(`DROP INDEX "uq_worker_pool_name"`);
    await queryRunner.query(`DROP TABLE "worker"`);
    await queryRunner.query(`DROP INDEX "uq_work_queue_pool_name"`);
    await queryRunner.query(`DROP TABLE "work_queue"`);
    await queryRunner.query(`DROP INDEX "uq_work_pool_name"`);
    await queryRunner.query(`DROP TABLE "work_pool"`);
    await queryRunner.query(`DROP INDEX "uq_flow_run_input_key"`);
    await queryRunner.query(`DROP TABLE "flow_run_input"`);
    await queryRunner.query(`DROP INDEX "ix_deployment_schedule_deployment"`);
    await queryRunner.query(`DROP TABLE "deployment_schedule"`);
    await queryRunner.query(`DROP INDEX "uq_deployment_flow_name"`);
    await queryRunner.query(`DROP INDEX "ix_deployment_updated"`);
    await queryRunner.query(`DROP TABLE "deployment"`);
  }
}
