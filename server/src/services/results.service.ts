/**
 * Persisted results by key. A key is written once (results are immutable): writing it again returns
 * the stored one, which makes a retried upload safe.
 */
import type { Database } from '../db/database';
import type { Clock } from '../orchestration/clock';
import type { ResultCreateDto } from '../schemas/dto/result.dto';
import { ObjectNotFoundError } from '../schemas/errors';

export interface ApiResult {
  key: string;
  created: string;
  serializer: string;
  data: string;
  size: number;
}

export class ResultsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async put(key: string, dto: ResultCreateDto): Promise<{ result: Omit<ApiResult, 'data'>; created: boolean }> {
    const now = this.clock();
    const size = Buffer.byteLength(dto.data);
    const inserted = await this.db.transaction((tx) =>
      tx.execute(
        `INSERT INTO "result" ("key", "created", "serializer", "data", "size") VALUES (?, ?, ?, ?, ?) ON CONFLICT ("key") DO NOTHING`,
        [key, tx.codec.encodeTimestamp(now), dto.serializer, dto.data, size],
      ),
    );
    if (inserted === 0) {
      const { data: _data, ...existing } = await this.get(key);
      return { result: existing, created: false };
    }
    return { result: { key, created: now.toISOString(), serializer: dto.serializer, size }, created: true };
  }

  async get(key: string): Promise<ApiResult> {
    const rows = await this.db.query<Record<string, unknown>>(`SELECT * FROM "result" WHERE "key" = ?`, [key]);
    const row = rows[0];
    if (!row) throw new ObjectNotFoundError('Result', key);
    return {
      key,
      created: this.db.codec.decodeTimestamp(row.created)!.toISOString(),
      serializer: String(row.serializer),
      data: String(row.data),
      size: Number(row.size),
    };
  }
}
