import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A larger statistics sample of `flow_run.name` (PostgreSQL only: SQLite keeps no such statistics).
 *
 * The planner estimates how many runs a name search (`ILIKE '%word%'`) matches by trying the pattern
 * on the column's histogram. With the default target (100) that is 100 names: a word in one of them
 * counts as 1 % of the runs. On 1,000,000 runs "otter" (2,843 runs) was estimated at 10,090, so the
 * list's bounded count (`LIMIT 10001`) expected to stop early in any order and read the whole name
 * index in parallel (0.4–0.5 s) instead of the trigram index (18 ms); which plan won depended on the
 * sample ANALYZE happened to draw. With 1,000 histogram entries the estimate was 1,921 and the
 * trigram index was chosen. ANALYZE (autovacuum's) of the table reads a larger sample for it (8.5 s
 * instead of about 1 s for 1,000,000 runs, off the request path).
 */
export class NameStatistics1798500000000 implements MigrationInterface {
  name = 'NameStatistics1798500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "flow_run" ALTER COLUMN "name" SET STATISTICS 1000`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "flow_run" ALTER COLUMN "name" SET STATISTICS -1`);
  }
}
