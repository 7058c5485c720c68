/**
 * Live events of deployments, work pools, work queues, workers and concurrency limits (the objects the
 * dashboard's Deployments, Work pools and Concurrency limits pages show). A service publishes an
 * object as GET returns it right after the commit that changed it (`<resource>.updated`, `occurred` =
 * the row's `updated`), so other processes' change feeds read the same version from the table and the
 * bus drops the duplicate. A deletion is also written to `deleted_object` inside the deleting
 * transaction (kept for a day): that is how other processes and a client's catch-up learn of it.
 * Changes on hot paths (slots taken and released by task runs) are coalesced: `touch` marks the
 * object, and at most every COALESCE_MS the marked objects are read and published as they are then.
 */
import type { Database, Tx } from '../db/database';
import { DeletedObjectEntity } from '../db/entities';
import { uuid7 } from '../db/ids';
import type { Clock } from '../orchestration/clock';
import { EVENT_TYPE_OF, type EventBus, type ObjectResource, type RigelEvent, type RigelEventType } from './events';
import { placeholders } from './rows';

/** An object as GET returns it; `updated` is when it last changed (the event's `occurred`). */
export type ApiObject = Record<string, unknown> & { id: string; updated: string };
/** Reads objects of `resource` by id, as GET returns them (missing ids are left out). */
export type ObjectReader = (resource: ObjectResource, ids: string[]) => Promise<ApiObject[]>;

export const OBJECT_TABLE: Record<ObjectResource, string> = {
  deployment: 'deployment',
  'work-pool': 'work_pool',
  'work-queue': 'work_queue',
  worker: 'worker',
  'concurrency-limit': 'concurrency_limit',
};

export type DeletableResource = Exclude<ObjectResource, 'worker'>;
export const DELETED_TYPE: Record<DeletableResource, RigelEventType> = {
  deployment: 'deployment.deleted',
  'work-pool': 'work-pool.deleted',
  'work-queue': 'work-queue.deleted',
  'concurrency-limit': 'concurrency-limit.deleted',
};

/** How long a deletion stays readable by other processes' feeds and catch-up. */
const DELETIONS_KEPT_MS = 24 * 3600 * 1000;
/** Touched objects are published at most this often. */
export const COALESCE_MS = 250;

const byOccurred = (a: RigelEvent, b: RigelEvent) =>
  a.occurred < b.occurred ? -1 : a.occurred > b.occurred ? 1 : a.payload.id < b.payload.id ? -1 : 1;

export function objectEvent(resource: ObjectResource, object: ApiObject, occurred = object.updated): RigelEvent {
  return { type: EVENT_TYPE_OF[resource], occurred, flowRunId: null, payload: object };
}

export class ObjectEvents {
  private reader: ObjectReader | null = null;
  private readonly pending = new Map<ObjectResource, Set<string>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Database,
    private readonly events: EventBus,
    private readonly clock: Clock,
  ) {}

  /** The services that read objects (set once they exist: they publish through this class). */
  setReader(reader: ObjectReader): void {
    this.reader = reader;
  }

  private read(resource: ObjectResource, ids: string[]): Promise<ApiObject[]> {
    if (!this.reader) throw new Error('ObjectEvents: no reader set');
    return ids.length ? this.reader(resource, ids) : Promise.resolve([]);
  }

  /** Publishes a committed change (or only records it when nobody listens here). */
  publish(event: RigelEvent): void {
    if (this.events.observed) this.events.publish(event);
    else this.events.recordLocalChange(event.type, event.payload.id, new Date(event.occurred));
  }

  /** Publishes `object` as it is after the commit that changed it. */
  updated(resource: ObjectResource, object: ApiObject): void {
    this.publish(objectEvent(resource, object));
  }

  /**
   * Inside the deleting transaction: records the deletion (for other processes' feeds and catch-up)
   * and returns the event to `publish` after the commit. `object` holds the id and what identifies the
   * object to a reader (name, tag, pool).
   */
  async recordDeletion(
    tx: Tx,
    resource: DeletableResource,
    object: Record<string, unknown> & { id: string },
  ): Promise<RigelEvent> {
    const now = this.clock();
    const { id, ...rest } = object;
    await tx.execute(`DELETE FROM "deleted_object" WHERE "deleted" < ?`, [
      tx.codec.encodeTimestamp(new Date(now.getTime() - DELETIONS_KEPT_MS)),
    ]);
    await tx.execute(
      `INSERT INTO "deleted_object" ("id", "deleted", "resource", "objectId", "payload") VALUES (?, ?, ?, ?, ?)`,
      [uuid7(now.getTime()), tx.codec.encodeTimestamp(now), resource, id, JSON.stringify(rest)],
    );
    return { type: DELETED_TYPE[resource], occurred: now.toISOString(), flowRunId: null, payload: object };
  }

  /**
   * An object changed on a hot path (possibly inside a transaction not committed yet): it is read and
   * published, as it is then, at most COALESCE_MS later, together with the other touched objects.
   */
  touch(resource: ObjectResource, id: string): void {
    let ids = this.pending.get(resource);
    if (!ids) this.pending.set(resource, (ids = new Set()));
    ids.add(id);
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), COALESCE_MS);
    this.timer.unref();
  }

  /** Publishes the touched objects now (the timer calls it; specs may too). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const pending = [...this.pending];
    this.pending.clear();
    if (!this.events.observed) {
      // Nobody listens here: only tell the other processes (their feeds read the rows).
      if (pending.length) this.events.announceLocalChange();
      return;
    }
    for (const [resource, ids] of pending) {
      try {
        for (const event of await this.eventsFor(resource, [...ids])) this.events.publish(event);
      } catch {
        // The database may be briefly unavailable: the change feed reads the rows on its next poll.
      }
    }
  }

  /** Events for the objects of `resource` with these ids as they are now, oldest change first. */
  async eventsFor(resource: ObjectResource, ids: string[]): Promise<RigelEvent[]> {
    const objects = await this.read(resource, ids);
    return objects.map((object) => objectEvent(resource, object)).sort(byOccurred);
  }

  /** `*.deleted` events for the `deleted_object` rows with these ids, oldest first. */
  async deletionEvents(rowIds: string[]): Promise<RigelEvent[]> {
    if (rowIds.length === 0) return [];
    const rows = await this.db.query(
      `SELECT * FROM "deleted_object" WHERE "id" IN (${placeholders(rowIds.length)}) ORDER BY "deleted", "id"`,
      rowIds,
    );
    return rows.map((row) => this.deletionEvent(row));
  }

  private deletionEvent(row: Record<string, unknown>): RigelEvent {
    const deletion = this.db.codec.decodeRow<{
      deleted: Date;
      resource: DeletableResource;
      objectId: string;
      payload: Record<string, unknown>;
    }>(this.db.entity(DeletedObjectEntity), row);
    return {
      type: DELETED_TYPE[deletion.resource],
      occurred: deletion.deleted.toISOString(),
      flowRunId: null,
      payload: { ...deletion.payload, id: deletion.objectId },
    };
  }

  /** Changes and deletions of `resource` at or after `since`, oldest first (catch-up after a reconnect). */
  async changesSince(resource: ObjectResource, since: Date, limit: number): Promise<RigelEvent[]> {
    const at = this.db.codec.encodeTimestamp(since);
    const rows = await this.db.query<{ id: string }>(
      `SELECT "id" FROM "${OBJECT_TABLE[resource]}" WHERE "updated" >= ? ORDER BY "updated", "id" LIMIT ?`,
      [at, limit],
    );
    const changed = await this.eventsFor(
      resource,
      rows.map((row) => String(row.id)),
    );
    const deleted =
      resource === 'worker'
        ? []
        : (
            await this.db.query(
              `SELECT * FROM "deleted_object" WHERE "resource" = ? AND "deleted" >= ? ORDER BY "deleted", "id" LIMIT ?`,
              [resource, at, limit],
            )
          ).map((row) => this.deletionEvent(row));
    return [...changed, ...deleted].sort(byOccurred).slice(0, limit);
  }
}
