import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the flow-run list's name search and tag filter (bench S6), which otherwise read runs until
 * enough match: a rare word or tag read every run.
 *
 * - `ix_flow_run_name_trigram`: a GIN index of the names' trigrams (`pg_trgm`), which serves
 *   `name ILIKE '%…%'` for strings of 3 or more characters. `pg_trgm` ships with PostgreSQL (a contrib
 *   module, trusted since PostgreSQL 13: a database owner may create it). Where it cannot be created
 *   (not installed, no privilege), the migration goes on without this index and the name search reads
 *   the runs as before; create the extension and the index by hand later to get it.
 * - `ix_flow_run_tags`: a GIN index (`jsonb_path_ops`) that serves `tags @> '["…"]'`.
 */
export class SearchIndexes1797000000000 implements MigrationInterface {
  name = 'SearchIndexes1797000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const trigramOps = await this.trigramOperatorClass(queryRunner);
    if (trigramOps) {
      await queryRunner.query(`CREATE INDEX "ix_flow_run_name_trigram" ON "flow_run" USING gin ("name" ${trigramOps})`);
    }
    await queryRunner.query(`CREATE INDEX "ix_flow_run_tags" ON "flow_run" USING gin ("tags" jsonb_path_ops)`);
  }

  /** `pg_trgm`'s GIN operator class, schema-qualified, creating the extension if it can; null if it cannot. */
  private async trigramOperatorClass(queryRunner: QueryRunner): Promise<string | null> {
    // The migrations run in one transaction: a failed CREATE EXTENSION must not abort it.
    await queryRunner.query(`SAVEPOINT "pg_trgm"`);
    try {
      await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
      await queryRunner.query(`RELEASE SAVEPOINT "pg_trgm"`);
    } catch {
      await queryRunner.query(`ROLLBACK TO SAVEPOINT "pg_trgm"`);
      await queryRunner.query(`RELEASE SAVEPOINT "pg_trgm"`);
    }
    const rows: { schema: string }[] = await queryRunner.query(
      `SELECT n.nspname AS "schema" FROM pg_opclass c
       JOIN pg_namespace n ON n.oid = c.opcnamespace JOIN pg_am a ON a.oid = c.opcmethod
       WHERE c.opcname = 'gin_trgm_ops' AND a.amname = 'gin' LIMIT 1`,
    );
    const schema = rows[0]?.schema;
    return schema ? `"${schema.replace(/"/g, '""')}".gin_trgm_ops` : null;
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_flow_run_tags"`);
    await queryRunner.query(`DROP INDEX IF EXISTS "public"."ix_flow_run_name_trigram"`);
  }
}
