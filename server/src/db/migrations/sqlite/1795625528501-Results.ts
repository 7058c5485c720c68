import { MigrationInterface, QueryRunner } from 'typeorm';

export class Results1795625528501 implements MigrationInterface {
  name = 'Results1795625528501';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "result" ("key" varchar(255) PRIMARY KEY NOT NULL, "created" datetime NOT NULL, "serializer" varchar(64) NOT NULL, "data" text NOT NULL, "size" integer NOT NULL)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "result"`);
  }
}
