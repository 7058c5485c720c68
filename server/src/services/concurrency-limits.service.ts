/**
 * Tag concurrency limits: an upsert sets the limit and keeps the slots currently held; reset frees all
 * slots (for runs that died holding one); the orchestration rules take and release the slots.
 * Every change is published live (`concurrency-limit.updated` / `.deleted`, object-events.ts); slots
 * taken and released by task runs are coalesced there (`touch`).
 */
import type { Database, Row } from '../db/database';
import { ConcurrencyLimitEntity } from '../db/entities';
import { uuid7 } from '../db/ids';
import type { Clock } from '../orchestration/clock';
import type { ConcurrencyLimitCreateDto, ConcurrencyLimitFilterDto } from '../schemas/dto/concurrency-limit.dto';
import { DEFAULT_LIMIT } from '../schemas/dto/common.dto';
import { ObjectNotFoundError } from '../schemas/errors';
import type { ObjectEvents } from './object-events';
import { placeholders } from './rows';

export type ApiConcurrencyLimit = {
  id: string;
  created: string;
  updated: string;
  tag: string;
  concurrencyLimit: number;
  activeSlots: string[];
};

export class ConcurrencyLimitsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly objects: ObjectEvents,
  ) {}

  private toApi(row: Row): ApiConcurrencyLimit {
    const limit = this.db.codec.decodeRow<
      Omit<ApiConcurrencyLimit, 'created' | 'updated'> & { created: Date; updated: Date }
    >(this.db.entity(ConcurrencyLimitEntity), row);
    return { ...limit, created: limit.created.toISOString(), updated: limit.updated.toISOString() };
  }

  /** Creates the limit for `tag`, or changes its value; `created` tells which. */
  async upsert(dto: ConcurrencyLimitCreateDto): Promise<{ limit: ApiConcurrencyLimit; created: boolean }> {
    const now = this.db.codec.encodeTimestamp(this.clock());
    const result = await this.db.transaction(async (tx) => {
      const inserted = await tx.query(
        `INSERT INTO "concurrency_limit" ("id", "created", "updated", "tag", "concurrencyLimit", "activeSlots")
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT ("tag") DO NOTHING RETURNING *`,
        [uuid7(), now, now, dto.tag, dto.concurrencyLimit, '[]'],
      );
      if (inserted[0]) return { limit: this.toApi(inserted[0]), created: true };
      await tx.execute(`UPDATE "concurrency_limit" SET "concurrencyLimit" = ?, "updated" = ? WHERE "tag" = ?`, [
        dto.concurrencyLimit,
        now,
        dto.tag,
      ]);
      const rows = await tx.query(`SELECT * FROM "concurrency_limit" WHERE "tag" = ?`, [dto.tag]);
      return { limit: this.toApi(rows[0]!), created: false };
    });
    this.objects.updated('concurrency-limit', result.limit);
    return result;
  }

  async readByTag(tag: string): Promise<ApiConcurrencyLimit> {
    const rows = await this.db.query(`SELECT * FROM "concurrency_limit" WHERE "tag" = ?`, [tag]);
    if (!rows[0]) throw new ObjectNotFoundError('Concurrency limit', tag);
    return this.toApi(rows[0]);
  }

  async filter(dto: ConcurrencyLimitFilterDto): Promise<ApiConcurrencyLimit[]> {
    const rows = await this.db.query(`SELECT * FROM "concurrency_limit" ORDER BY "tag" LIMIT ? OFFSET ?`, [
      dto.limit ?? DEFAULT_LIMIT,
      dto.offset ?? 0,
    ]);
    return rows.map((row) => this.toApi(row));
  }

  async byIds(ids: string[]): Promise<ApiConcurrencyLimit[]> {
    const rows = await this.db.query(
      `SELECT * FROM "concurrency_limit" WHERE "id" IN (${placeholders(ids.length)})`,
      ids,
    );
    return rows.map((row) => this.toApi(row));
  }

  async reset(tag: string): Promise<ApiConcurrencyLimit> {
    const now = this.db.codec.encodeTimestamp(this.clock());
    const changed = await this.db.transaction((tx) =>
      tx.execute(`UPDATE "concurrency_limit" SET "activeSlots" = ?, "updated" = ? WHERE "tag" = ?`, ['[]', now, tag]),
    );
    if (changed === 0) throw new ObjectNotFoundError('Concurrency limit', tag);
    const limit = await this.readByTag(tag);
    this.objects.updated('concurrency-limit', limit);
    return limit;
  }

  async delete(tag: string): Promise<void> {
    const event = await this.db.transaction(async (tx) => {
      const rows = await tx.query<{ id: string }>(`SELECT "id" FROM "concurrency_limit" WHERE "tag" = ?`, [tag]);
      const deleted = await tx.execute(`DELETE FROM "concurrency_limit" WHERE "tag" = ?`, [tag]);
      if (deleted === 0 || !rows[0]) throw new ObjectNotFoundError('Concurrency limit', tag);
      return this.objects.recordDeletion(tx, 'concurrency-limit', { id: String(rows[0].id), tag });
    });
    this.objects.publish(event);
  }
}
