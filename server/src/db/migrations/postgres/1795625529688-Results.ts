import { MigrationInterface, QueryRunner } from 'typeorm';

export class Results1795625529688 implements MigrationInterface {
  name = 'Results1795625529688';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "result" ("key" character varying(255) NOT NULL, "created" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "serializer" character varying(64) NOT NULL, "data" text NOT NULL, "size" integer NOT NULL, CONSTRAINT "PK_be48aa8ffba0bc3840b9a812c48" PRIMARY KEY ("key"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "result"`);
  }
}
