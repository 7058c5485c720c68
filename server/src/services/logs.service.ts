/**
 * Run logs: batches from the SDK are written in one transaction with multi-row inserts, then published
 * as live `log` events; the filter reads them by run, level and time.
 */
import type { Database } from '../db/database';
import { LogEntity } from '../db/entities';
import { uuid7 } from '../db/ids';
import type { Clock } from '../orchestration/clock';
import type { LogCreateDto, LogFilterDto } from '../schemas/dto/log.dto';
import { DEFAULT_LIMIT } from '../schemas/dto/common.dto';
import { ObjectNotFoundError } from '../schemas/errors';
import type { EventBus } from './events';
import { Where } from './filters';
import { placeholders } from './rows';

export interface ApiLog {
  id: string;
  created: string;
  name: string;
  level: number;
  message: string;
  timestamp: string;
  flowRunId: string | null;
  taskRunId: string | null;
}

const COLUMNS = ['id', 'created', 'name', 'level', 'message', 'timestamp', 'flowRunId', 'taskRunId'] as const;
const CHUNK = 500;

export class LogsService {
  constructor(
    private readonly db: Database,
    private readonly events: EventBus,
    private readonly clock: Clock,
  ) {}

  /**
   * Stores a batch and returns how many lines were new: lines with a client-chosen id that is already
   * stored (a re-sent batch) are skipped and not published again.
   */
  async create(batch: LogCreateDto[]): Promise<number> {
    if (batch.length === 0) return 0;
    const now = this.clock();
    const ids = new Set<string>();
    const logs: ApiLog[] = batch
      .map((log) => ({
        id: log.id?.toLowerCase() ?? uuid7(now.getTime()),
        created: now.toISOString(),
        name: log.name,
        level: log.level,
        message: log.message,
        timestamp: new Date(log.timestamp).toISOString(),
        flowRunId: log.flowRunId ?? null,
        taskRunId: log.taskRunId ?? null,
      }))
      .filter((log) => !ids.has(log.id) && ids.add(log.id));
    const c = this.db.codec;
    const inserted = new Set<string>();
    await this.db.transaction(async (tx) => {
      inserted.clear();
      const runIds = [...new Set(logs.map((l) => l.flowRunId).filter((id): id is string => id !== null))];
      if (runIds.length > 0) {
        const found = await tx.query<{ id: string }>(
          `SELECT "id" FROM "flow_run" WHERE "id" IN (${placeholders(runIds.length)})`,
          runIds,
        );
        const missing = runIds.find((id) => !found.some((row) => row.id === id));
        if (missing) throw new ObjectNotFoundError('Flow run', missing);
      }
      for (let i = 0; i < logs.length; i += CHUNK) {
        const chunk = logs.slice(i, i + CHUNK);
        const row = `(${placeholders(COLUMNS.length)})`;
        const rows = await tx.query<{ id: string }>(
          `INSERT INTO "log" (${COLUMNS.map((col) => `"${col}"`).join(', ')}) VALUES ${chunk.map(() => row).join(', ')}` +
            ` ON CONFLICT ("id") DO NOTHING RETURNING "id"`,
          chunk.flatMap((l) => [
            l.id,
            c.encodeTimestamp(now),
            l.name,
            l.level,
            l.message,
            c.encodeTimestamp(new Date(l.timestamp)),
            l.flowRunId,
            l.taskRunId,
          ]),
        );
        for (const { id } of rows) inserted.add(String(id).toLowerCase());
      }
    });
    const fresh = logs.filter((log) => inserted.has(log.id));
    for (const log of fresh) {
      this.events.publish({ type: 'log', occurred: log.created, flowRunId: log.flowRunId, payload: { ...log } });
    }
    return fresh.length;
  }

  async filter(dto: LogFilterDto): Promise<ApiLog[]> {
    const where = new Where(this.db.dialect, this.db.codec);
    const f = dto.logs;
    where.uuid('l."flowRunId"', f?.flowRunId).uuid('l."taskRunId"', f?.taskRunId).time('l."timestamp"', f?.timestamp);
    if (f?.level?.ge != null) where.add('l."level" >= ?', f.level.ge);
    if (f?.level?.le != null) where.add('l."level" <= ?', f.level.le);
    const order = dto.sort === 'TIMESTAMP_DESC' ? 'l."timestamp" DESC, l."id" DESC' : 'l."timestamp" ASC, l."id" ASC';
    const rows = await this.db.query(
      `SELECT l.* FROM "log" l WHERE ${where.sql()} ORDER BY ${order} LIMIT ? OFFSET ?`,
      [...where.params, dto.limit ?? DEFAULT_LIMIT, dto.offset ?? 0],
    );
    return this.decodeRows(rows);
  }

  decodeRows(rows: Record<string, unknown>[]): ApiLog[] {
    const codec = this.db.entity(LogEntity);
    return rows.map((row) => {
      const log = this.db.codec.decodeRow<Omit<ApiLog, 'created' | 'timestamp'> & { created: Date; timestamp: Date }>(
        codec,
        row,
      );
      return { ...log, created: log.created.toISOString(), timestamp: log.timestamp.toISOString() };
    });
  }
}
