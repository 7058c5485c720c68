/**
 * Changes written by other processes sharing the database (another API replica on PostgreSQL, or a
 * script in ephemeral mode on the same SQLite file) reach this process's live subscribers. While anyone
 * listens, the feed polls each resource for rows changed since its cursor, looking OVERLAP_MS further
 * back for transactions that committed after a later one; on PostgreSQL it also LISTENs for the other
 * processes' NOTIFY and polls at once (those quick polls look back only QUICK_OVERLAP_MS; the timer's
 * polls keep the full overlap). A poll first reads only (id, change time) and builds full events just
 * for versions the EventBus has not delivered, so re-reading the overlap stays cheap. The same
 * event-building query serves catch-up after a reconnect (`changesSince`).
 *
 * With `objects` (object-events.ts) the feed also reads the tables of deployments, work pools, work
 * queues, workers and concurrency limits by their `updated` column, and `deleted_object` for their
 * deletions. With `watch` (worker-status-watch.ts), workers going OFFLINE are published while anyone
 * listens.
 */
import type { Database, Row } from '../db/database';
import { ChangeListener } from './change-listener';
import {
  EVENT_TYPE_OF,
  eventKey,
  OBJECT_RESOURCES,
  RUN_RESOURCES,
  type EventBus,
  type ObjectResource,
  type RigelEvent,
  type RigelResource,
  type RunResource,
} from './events';
import type { LogsService } from './logs.service';
import { OBJECT_TABLE, type ObjectEvents } from './object-events';
import { runWithStateSelect, type RunsService } from './runs.service';
import type { WorkerStatusWatch } from './worker-status-watch';

/** How far back each timer poll looks again, for transactions that committed after a later one. */
export const OVERLAP_MS = 2000;
/** How far back a poll woken by a notification looks (the next timer poll covers later commits). */
export const QUICK_OVERLAP_MS = 250;
const BATCH = 1000;
const MIN_ID = '00000000-0000-0000-0000-000000000000';
/** What the feed reads: runs and logs, objects (by `updated`), and deletions of objects. */
type Source = RunResource | ObjectResource | 'deleted';

const SOURCE: Record<RunResource, { table: string; alias: string; time: string; runColumn: string }> = {
  'flow-run': { table: 'flow_run', alias: 'r', time: 'updated', runColumn: 'id' },
  'task-run': { table: 'task_run', alias: 't', time: 'updated', runColumn: 'flowRunId' },
  log: { table: 'log', alias: 'l', time: 'created', runColumn: 'flowRunId' },
};

export interface ChangeQuery {
  /** Changes at or after this time (a client resuming may see the event at exactly `since` again). */
  since: Date;
  resource: RigelResource;
  flowRunId?: string;
  limit?: number;
}

function tableOf(source: Source): { table: string; time: string } {
  if (source === 'deleted') return { table: 'deleted_object', time: 'deleted' };
  return isRunResource(source) ? SOURCE[source] : { table: OBJECT_TABLE[source], time: 'updated' };
}

function isRunResource(resource: RigelResource | Source): resource is RunResource {
  return (RUN_RESOURCES as readonly string[]).includes(resource);
}

/** The SELECT (without WHERE) whose rows become events of `resource`. */
function selectEvents(resource: RunResource): string {
  return resource === 'log' ? `SELECT l.* FROM "log" l` : runWithStateSelect(resource === 'flow-run' ? 'flow' : 'task');
}

interface Version {
  id: string;
  at: Date;
}

export class ChangeFeed {
  private readonly sources: readonly Source[];
  private readonly cursors: Partial<Record<Source, number>> = {};
  private timer: NodeJS.Timeout | null = null;
  private listener: ChangeListener | null = null;
  private current: Promise<number> | null = null;
  private again = false;
  private listeners = 0;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly events: EventBus,
    private readonly runs: RunsService,
    private readonly logs: LogsService,
    /** Timer polls, in ms; 0 turns the feed off (no polling, no LISTEN). */
    private readonly intervalMs: number,
    private readonly now: () => Date = () => new Date(),
    private readonly objects?: ObjectEvents,
    /** Publishes workers going OFFLINE while anyone listens (specs call `check()` with a fake clock). */
    readonly watch?: WorkerStatusWatch,
  ) {
    this.sources = objects ? [...RUN_RESOURCES, ...OBJECT_RESOURCES, 'deleted'] : RUN_RESOURCES;
    const start = this.now().getTime();
    for (const source of this.sources) this.cursors[source] = start;
  }

  /** Whether the PostgreSQL LISTEN connection is up. */
  get listening(): boolean {
    return this.listener?.connected ?? false;
  }

  /** Counts a live subscriber; the feed polls (and listens) only while there is at least one. */
  addListener(): () => void {
    if (++this.listeners === 1) {
      this.startFeed();
      if (!this.stopped) this.watch?.start();
    }
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      if (--this.listeners === 0) {
        this.watch?.stop();
        void this.stopFeed();
      }
    };
  }

  private startFeed(): void {
    if (this.stopped || this.intervalMs <= 0 || this.timer) return;
    const earliest = this.now().getTime() - OVERLAP_MS;
    for (const r of this.sources) this.cursors[r] = Math.max(this.cursors[r]!, earliest);
    this.updateHorizon();
    this.timer = setInterval(() => {
      if (!this.current) void this.poll(OVERLAP_MS);
    }, this.intervalMs);
    this.timer.unref();
    if (this.db.dialect === 'postgres') {
      this.listener = new ChangeListener({
        url: this.db.url,
        origin: this.events.origin,
        onChange: () => this.pollSoon(),
      });
      this.listener.start();
    }
  }

  private async stopFeed(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.events.setHorizon(null);
    const listener = this.listener;
    this.listener = null;
    await listener?.stop();
  }

  /** Polls as soon as possible (another process notified); a poll in progress is followed by another. */
  pollSoon(): void {
    if (this.listeners === 0 || this.stopped) return;
    if (this.current) this.again = true;
    else void this.poll(QUICK_OVERLAP_MS);
  }

  /** Runs one full poll after any poll in progress; resolves to the number of events it published. */
  async pollOnce(): Promise<number> {
    while (this.current) await this.current;
    return this.poll(OVERLAP_MS);
  }

  private poll(overlapMs: number): Promise<number> {
    if (this.db.isClosed) return Promise.resolve(0);
    const run = (async () => {
      let published = 0;
      try {
        for (const source of this.sources) published += await this.pollSource(source, overlapMs);
      } catch {
        // The database may be briefly unavailable; the next poll tries again from the same cursors.
      }
      return published;
    })();
    this.current = run;
    void run.then(() => {
      this.current = null;
      this.updateHorizon();
      if (this.again) {
        this.again = false;
        if (this.listeners > 0 && !this.stopped) void this.poll(QUICK_OVERLAP_MS);
      }
    });
    return run;
  }

  /** Pages through the versions changed since the cursor; builds and publishes the undelivered ones. */
  private async pollSource(source: Source, overlapMs: number): Promise<number> {
    const startedAt = this.now().getTime();
    // A deletion's event names the deleted object, not the row: the bus drops what it delivered.
    const type = source === 'deleted' ? null : EVENT_TYPE_OF[source];
    let after: Version = { at: new Date(this.cursors[source]! - overlapMs), id: MIN_ID };
    let published = 0;
    for (;;) {
      const versions = await this.versionsAfter(source, after);
      const fresh = type
        ? versions.filter((v) => !this.events.wasDelivered(eventKey(type, v.id, v.at.toISOString())))
        : versions;
      const ids = fresh.map((v) => v.id);
      const events = ids.length > 0 ? await this.sourceEvents(source, ids) : [];
      for (const event of events) if (this.events.publish(event, 'feed')) published++;
      if (versions.length < BATCH) break;
      after = versions[versions.length - 1]!;
    }
    // Everything committed before this poll started has been read; the next one looks back from here.
    this.cursors[source] = Math.max(this.cursors[source]!, startedAt);
    return published;
  }

  private sourceEvents(source: Source, ids: string[]): Promise<RigelEvent[]> {
    if (source === 'deleted') return this.objects!.deletionEvents(ids);
    if (isRunResource(source)) return this.eventsFor(source, ids);
    return this.objects!.eventsFor(source, ids);
  }

  /** (id, change time) of rows changed after `after` in (time, id) order: cheap to re-read. */
  private async versionsAfter(source: Source, after: Version): Promise<Version[]> {
    const { table, time } = tableOf(source);
    const at = this.db.codec.encodeTimestamp(after.at);
    const rows = await this.db.query<{ id: string; at: unknown }>(
      `SELECT "id", "${time}" AS "at" FROM "${table}" WHERE "${time}" >= ? AND ("${time}" > ? OR "id" > ?) ` +
        `ORDER BY "${time}", "id" LIMIT ?`,
      [at, at, after.id, BATCH],
    );
    return rows.map((row) => ({ id: row.id, at: this.db.codec.decodeTimestamp(row.at)! }));
  }

  /** Full events for the rows with these ids, oldest change first. */
  private async eventsFor(resource: RunResource, ids: string[]): Promise<RigelEvent[]> {
    const { alias, time } = SOURCE[resource];
    const idIn =
      this.db.dialect === 'postgres'
        ? `${alias}."id" = ANY(?::uuid[])`
        : `${alias}."id" IN (SELECT value FROM json_each(?))`;
    const rows = await this.db.query(
      `${selectEvents(resource)} WHERE ${idIn} ORDER BY ${alias}."${time}", ${alias}."id"`,
      [this.db.dialect === 'postgres' ? ids : JSON.stringify(ids)],
    );
    return this.toEvents(resource, rows);
  }

  /** Changes of one resource at or after `since`, oldest first, as events (catch-up after a reconnect). */
  async changesSince(query: ChangeQuery): Promise<RigelEvent[]> {
    if (!isRunResource(query.resource)) {
      return this.objects ? this.objects.changesSince(query.resource, query.since, query.limit ?? BATCH) : [];
    }
    const { alias, time, runColumn } = SOURCE[query.resource];
    const runFilter = query.flowRunId ? ` AND ${alias}."${runColumn}" = ?` : '';
    const rows = await this.db.query(
      `${selectEvents(query.resource)} WHERE ${alias}."${time}" >= ?${runFilter} ORDER BY ${alias}."${time}", ${alias}."id" LIMIT ?`,
      [this.db.codec.encodeTimestamp(query.since), ...(query.flowRunId ? [query.flowRunId] : []), query.limit ?? BATCH],
    );
    return this.toEvents(query.resource, rows);
  }

  private toEvents(resource: RunResource, rows: Row[]): RigelEvent[] {
    if (resource === 'log') {
      return this.logs
        .decodeRows(rows)
        .map((log) => ({ type: 'log', occurred: log.created, flowRunId: log.flowRunId, payload: { ...log } }));
    }
    const kind = resource === 'flow-run' ? 'flow' : 'task';
    const now = this.now();
    return rows.map((row) => {
      const payload = this.runs.toApi(kind, row, now);
      return {
        type: EVENT_TYPE_OF[resource],
        occurred: String(payload.updated),
        flowRunId: (kind === 'flow' ? payload.id : payload.flowRunId) as string | null,
        payload,
      };
    });
  }

  /** Tells the bus which events it may forget: the feed never reads rows before the lowest cursor again. */
  private updateHorizon(): void {
    if (this.stopped || this.listeners === 0) return;
    this.events.setHorizon(Math.min(...this.sources.map((r) => this.cursors[r]!)) - OVERLAP_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watch?.stop();
    await this.stopFeed();
  }
}
