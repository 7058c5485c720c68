/** Flows: created on first use by name (get-or-create), listed, deleted with all their runs. */
import type { Database, Row } from '../db/database';
import { FlowEntity } from '../db/entities';
import { uuid7 } from '../db/ids';
import type { Clock } from '../orchestration/clock';
import type { FlowCreateDto } from '../schemas/dto/flow.dto';
import type { FlowFilterDto, FlowFiltersDto } from '../schemas/dto/filters.dto';
import { ObjectNotFoundError } from '../schemas/errors';
import { flowOrder, Where } from './filters';
import { DEFAULT_LIMIT } from '../schemas/dto/common.dto';

export interface ApiFlow {
  id: string;
  created: string;
  updated: string;
  name: string;
  tags: string[];
}

export class FlowsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  private toApi(row: Row): ApiFlow {
    const flow = this.db.codec.decodeRow<{ id: string; created: Date; updated: Date; name: string; tags: string[] }>(
      this.db.entity(FlowEntity),
      row,
    );
    return { ...flow, created: flow.created.toISOString(), updated: flow.updated.toISOString() };
  }

  /** Returns the flow named `name`, creating it if needed; `created` tells which happened. */
  async create(dto: FlowCreateDto): Promise<{ flow: ApiFlow; created: boolean }> {
    const now = this.db.codec.encodeTimestamp(this.clock());
    return this.db.transaction(async (tx) => {
      const inserted = await tx.query(
        `INSERT INTO "flow" ("id", "created", "updated", "name", "tags") VALUES (?, ?, ?, ?, ?)
         ON CONFLICT ("name") DO NOTHING RETURNING *`,
        [uuid7(), now, now, dto.name, JSON.stringify(dto.tags ?? [])],
      );
      if (inserted[0]) return { flow: this.toApi(inserted[0]), created: true };
      const existing = await tx.query(`SELECT * FROM "flow" WHERE "name" = ?`, [dto.name]);
      return { flow: this.toApi(existing[0]!), created: false };
    });
  }

  async read(id: string): Promise<ApiFlow> {
    const rows = await this.db.query(`SELECT * FROM "flow" WHERE "id" = ?`, [id]);
    if (!rows[0]) throw new ObjectNotFoundError('Flow', id);
    return this.toApi(rows[0]);
  }

  async readByName(name: string): Promise<ApiFlow> {
    const rows = await this.db.query(`SELECT * FROM "flow" WHERE "name" = ?`, [name]);
    if (!rows[0]) throw new ObjectNotFoundError('Flow', name);
    return this.toApi(rows[0]);
  }

  private where(dto: FlowFiltersDto): Where {
    return new Where(this.db.dialect, this.db.codec).flow('f', dto.flows);
  }

  async filter(dto: FlowFilterDto): Promise<ApiFlow[]> {
    const where = this.where(dto);
    const rows = await this.db.query(
      `SELECT f.* FROM "flow" f WHERE ${where.sql()} ORDER BY ${flowOrder(dto.sort)} LIMIT ? OFFSET ?`,
      [...where.params, dto.limit ?? DEFAULT_LIMIT, dto.offset ?? 0],
    );
    return rows.map((row) => this.toApi(row));
  }

  async count(dto: FlowFiltersDto): Promise<number> {
    const where = this.where(dto);
    const rows = await this.db.query<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM "flow" f WHERE ${where.sql()}`,
      where.params,
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Deletes the flow and, through foreign keys, its runs, their task runs, states, decisions and logs. */
  async delete(id: string): Promise<void> {
    const deleted = await this.db.transaction((tx) => tx.execute(`DELETE FROM "flow" WHERE "id" = ?`, [id]));
    if (deleted === 0) throw new ObjectNotFoundError('Flow', id);
  }
}
