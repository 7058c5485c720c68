import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the flow-run list's name search and tag filter (bench S6), which otherwise read runs until
 * enough match: a rare word or tag read every run.
 *
 * - `flow_run_search` gives every flow run a stable integer key (FTS5 rows are keyed by integers; the
 *   run table's own rowid may change when the table is rebuilt or vacuumed).
 * - `flow_run_name_trigram` is a contentless FTS5 table with the `trigram` tokenizer over the run names,
 *   keyed by that key: it finds the runs whose name contains a string of 3 or more characters. Entries
 *   are removed with FTS5's 'delete' command and the old name (not `contentless_delete`, which SQLite
 *   before 3.43 cannot open: the sqlite3 shell of Debian 12, say, could then not write a flow run).
 * - `flow_run_tag` holds one row per (tag, run).
 *
 * Triggers on `flow_run` keep them in step with inserts, deletes and changes of `name` or `tags` (the
 * orchestration engine's per-transition UPDATE sets neither, so transitions do not fire them). A later
 * migration that rebuilds `flow_run` (drop and rename) drops these triggers and must create them again.
 */
export class SearchIndexes1797000000000 implements MigrationInterface {
  name = 'SearchIndexes1797000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "flow_run_search" ("key" integer PRIMARY KEY, "flowRunId" varchar(36) NOT NULL)`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_flow_run_search_flow_run" ON "flow_run_search" ("flowRunId")`);
    await queryRunner.query(
      `CREATE VIRTUAL TABLE "flow_run_name_trigram" USING fts5("name", content='', tokenize='trigram')`,
    );
    await queryRunner.query(
      `CREATE TABLE "flow_run_tag" ("tag" varchar NOT NULL, "flowRunId" varchar(36) NOT NULL, PRIMARY KEY ("tag", "flowRunId")) WITHOUT ROWID`,
    );
    await queryRunner.query(`INSERT INTO "flow_run_search" ("flowRunId") SELECT "id" FROM "flow_run" ORDER BY "id"`);
    await queryRunner.query(
      `INSERT INTO "flow_run_name_trigram" (rowid, "name")
       SELECT s."key", r."name" FROM "flow_run_search" s JOIN "flow_run" r ON r."id" = s."flowRunId"`,
    );
    await queryRunner.query(
      `INSERT OR IGNORE INTO "flow_run_tag" ("tag", "flowRunId")
       SELECT t."value", r."id" FROM "flow_run" r, json_each(r."tags") t WHERE t."type" = 'text'`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "flow_run_search_insert" AFTER INSERT ON "flow_run" BEGIN
         INSERT INTO "flow_run_search" ("flowRunId") VALUES (new."id");
         INSERT INTO "flow_run_name_trigram" (rowid, "name") VALUES (last_insert_rowid(), new."name");
         INSERT OR IGNORE INTO "flow_run_tag" ("tag", "flowRunId")
           SELECT "value", new."id" FROM json_each(new."tags") WHERE "type" = 'text';
       END`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "flow_run_search_name" AFTER UPDATE OF "name" ON "flow_run" WHEN old."name" IS NOT new."name" BEGIN
         INSERT INTO "flow_run_name_trigram" ("flow_run_name_trigram", rowid, "name")
           SELECT 'delete', "key", old."name" FROM "flow_run_search" WHERE "flowRunId" = old."id";
         INSERT INTO "flow_run_name_trigram" (rowid, "name")
           SELECT "key", new."name" FROM "flow_run_search" WHERE "flowRunId" = new."id";
       END`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "flow_run_search_tags" AFTER UPDATE OF "tags" ON "flow_run" WHEN old."tags" IS NOT new."tags" BEGIN
         DELETE FROM "flow_run_tag"
           WHERE "flowRunId" = old."id" AND "tag" IN (SELECT "value" FROM json_each(old."tags") WHERE "type" = 'text');
         INSERT OR IGNORE INTO "flow_run_tag" ("tag", "flowRunId")
           SELECT "value", new."id" FROM json_each(new."tags") WHERE "type" = 'text';
       END`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "flow_run_search_delete" AFTER DELETE ON "flow_run" BEGIN
         INSERT INTO "flow_run_name_trigram" ("flow_run_name_trigram", rowid, "name")
           SELECT 'delete', "key", old."name" FROM "flow_run_search" WHERE "flowRunId" = old."id";
         DELETE FROM "flow_run_search" WHERE "flowRunId" = old."id";
         DELETE FROM "flow_run_tag"
           WHERE "flowRunId" = old."id" AND "tag" IN (SELECT "value" FROM json_each(old."tags") WHERE "type" = 'text');
       END`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const trigger of [
      'flow_run_search_delete',
      'flow_run_search_tags',
      'flow_run_search_name',
      'flow_run_search_insert',
    ]) {
      await queryRunner.query(`DROP TRIGGER "${trigger}"`);
    }
    await queryRunner.query(`DROP TABLE "flow_run_tag"`);
    await queryRunner.query(`DROP TABLE "flow_run_name_trigram"`);
    await queryRunner.query(`DROP TABLE "flow_run_search"`);
  }
}
