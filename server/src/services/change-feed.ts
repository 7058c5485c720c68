/**
 * Changes written by other processes sharing the database (another API replica on PostgreSQL, or a
 * script in ephemeral mode on the same SQLite file) reach this process's live subscribers: while
 * anyone listens, the feed reads runs and logs changed since its cursor (with an overlap window for
 * late commits) and publishes them on the EventBus, which drops what this process already delivered.
 * The same query serves catch-up after a reconnect (`changesSince`).
 */
import type { Database } from '../db/database';
import type { EventBus, RigelEvent, RigelResource } from './events';
import type { LogsService } from './logs.service';
import { runWithStateSelect } from '../orchestration/store';
import type { RunsService } from './runs.service';

/** How far back each poll looks again, for transactions that committed after a later one. */
export const OVERLAP_MS = 2000;
const BATCH = 1000;

export interface ChangeQuery {
  since: Date;
  resource: RigelResource;
  flowRunId?: string;
  limit?: number;
}

export class ChangeFeed {
  private cursor: number;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private listeners = 0;

  constructor(
    private readonly db: Database,
    private readonly events: EventBus,
    private readonly runs: RunsService,
    private readonly logs: LogsService,
    private readonly intervalMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.cursor = this.now().getTime();
  }

  /** Counts a live subscriber; the feed polls only while there is at least one. */
  addListener(): () => void {
    this.listeners++;
    if (!this.timer && this.intervalMs > 0) {
      this.cursor = Math.max(this.cursor, this.now().getTime() - OVERLAP_MS);
      this.timer = setInterval(() => void this.pollOnce(), this.intervalMs);
      this.timer.unref();
    }
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      if (--this.listeners === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  /** One poll: publishes every change since the cursor that this process has not seen. */
  async pollOnce(): Promise<number> {
    if (this.polling || this.db.isClosed) return 0;
    this.polling = true;
    try {
      const since = new Date(this.cursor - OVERLAP_MS);
      const found = [
        ...(await this.changesSince({ since, resource: 'flow-run', limit: BATCH })),
        ...(await this.changesSince({ since, resource: 'task-run', limit: BATCH })),
        ...(await this.changesSince({ since, resource: 'log', limit: BATCH })),
      ];
      let published = 0;
      for (const event of found) {
        this.cursor = Math.max(this.cursor, Date.parse(event.occurred));
        if (this.events.publish(event)) published++;
      }
      return published;
    } catch {
      // The database may be briefly unavailable; the next poll tries again from the same cursor.
      return 0;
    } finally {
      this.polling = false;
    }
  }

  /** Changes of one resource after `since`, oldest first, as events (also used for catch-up). */
  async changesSince(query: ChangeQuery): Promise<RigelEvent[]> {
    const since = this.db.codec.encodeTimestamp(query.since);
    const limit = query.limit ?? BATCH;
    if (query.resource === 'log') {
      const where = query.flowRunId ? ' AND l."flowRunId" = ?' : '';
      const rows = await this.db.query(
        `SELECT l.* FROM "log" l WHERE l."created" > ?${where} ORDER BY l."created", l."id" LIMIT ?`,
        [since, ...(query.flowRunId ? [query.flowRunId] : []), limit],
      );
      return this.logs
        .decodeRows(rows)
        .map((log) => ({ type: 'log', occurred: log.created, flowRunId: log.flowRunId, payload: { ...log } }));
    }
    const kind = query.resource === 'flow-run' ? 'flow' : 'task';
    const alias = kind === 'flow' ? 'r' : 't';
    const runFilter = query.flowRunId ? ` AND ${alias}."${kind === 'flow' ? 'id' : 'flowRunId'}" = ?` : '';
    const rows = await this.db.query(
      `${runWithStateSelect(kind)} WHERE ${alias}."updated" > ?${runFilter} ORDER BY ${alias}."updated", ${alias}."id" LIMIT ?`,
      [since, ...(query.flowRunId ? [query.flowRunId] : []), limit],
    );
    const now = this.now();
    return rows.map((row) => {
      const payload = this.runs.toApi(kind, row, now);
      return {
        type: kind === 'flow' ? 'flow-run.updated' : 'task-run.updated',
        occurred: String(payload.updated),
        flowRunId: (kind === 'flow' ? payload.id : payload.flowRunId) as string | null,
        payload,
      };
    });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
