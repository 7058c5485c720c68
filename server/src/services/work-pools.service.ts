/**
 * Work pools, their queues and their workers. A pool always has a `default` queue; a worker's status
 * (ONLINE/OFFLINE) follows from its heartbeats; workers fetch the due SCHEDULED runs of a pool's queues
 * in priority order and claim each with a PENDING proposal (a second claim is ABORTed).
 *
 * Live events (object-events.ts): every change of a pool or queue is published after its commit. A
 * heartbeat changes the worker's `updated` (and so publishes `worker.updated`) only when the worker is
 * new, comes back online or changes its interval, and otherwise at most every WORKER_EVENT_EVERY_MS:
 * heartbeats do not flood subscribers. A worker coming online also touches its pool (whose status may
 * turn READY). Going OFFLINE takes no write at all: worker-status-watch.ts publishes it.
 */
import type { Database, Queryable, Row } from '../db/database';
import { WorkerEntity, WorkPoolEntity, WorkQueueEntity } from '../db/entities';
import { uuid7 } from '../db/ids';
import type { Clock } from '../orchestration/clock';
import { DEFAULT_LIMIT } from '../schemas/dto/common.dto';
import type {
  WorkPoolCreateDto,
  WorkPoolUpdateDto,
  WorkQueueCreateDto,
  WorkQueueUpdateDto,
} from '../schemas/dto/work-pool.dto';
import { ObjectNotFoundError, ValidationFailedError } from '../schemas/errors';
import { placeholders } from './rows';
import type { RunsService } from './runs.service';
import type { ObjectEvents } from './object-events';
import type { ApiRun } from './serializers';

export const DEFAULT_QUEUE = 'default';
/** A worker is OFFLINE after this many missed heartbeats. */
const MISSED_WORKER_HEARTBEATS = 3;
const DEFAULT_WORKER_HEARTBEAT_SECONDS = 30;
/** The longest heartbeat interval a worker may announce (WorkerHeartbeatDto). */
const MAX_WORKER_HEARTBEAT_SECONDS = 3600;
/** A worker that stays online is published (its `updated` changes) at most this often. */
export const WORKER_EVENT_EVERY_MS = 60_000;

/** When a worker whose last heartbeat was at `lastHeartbeat` goes OFFLINE (ms). */
export function offlineAt(lastHeartbeat: Date, intervalSeconds: number | null): number {
  const interval = intervalSeconds ?? DEFAULT_WORKER_HEARTBEAT_SECONDS;
  return lastHeartbeat.getTime() + MISSED_WORKER_HEARTBEATS * interval * 1000;
}

/** Workers whose last heartbeat is older than this cannot be online (the longest interval is an hour). */
export function onlineWorkersSince(now: number): Date {
  return new Date(now - MISSED_WORKER_HEARTBEATS * MAX_WORKER_HEARTBEAT_SECONDS * 1000);
}

/** ONLINE: the worker's last heartbeat is at most 3 of its own intervals old (the pool's status agrees). */
function isOnline(lastHeartbeat: Date, intervalSeconds: number | null, now: number): boolean {
  return now <= offlineAt(lastHeartbeat, intervalSeconds);
}

export type ApiWorkPool = Record<string, unknown> & {
  id: string;
  name: string;
  updated: string;
  defaultQueueId: string | null;
};
export type ApiWorkQueue = Record<string, unknown> & { id: string; name: string; workPoolId: string; updated: string };
export type ApiWorker = Record<string, unknown> & {
  id: string;
  name: string;
  workPoolId: string;
  updated: string;
  lastHeartbeatTime: string;
  heartbeatIntervalSeconds: number | null;
  status: 'ONLINE' | 'OFFLINE';
};

function isoFields<T extends Record<string, unknown>>(row: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = value instanceof Date ? value.toISOString() : value;
  return out as T;
}

export class WorkPoolsService {
  constructor(
    private readonly db: Database,
    private readonly runs: RunsService,
    private readonly clock: Clock,
    private readonly objects: ObjectEvents,
  ) {}

  private decode<T>(entity: typeof WorkPoolEntity | typeof WorkQueueEntity | typeof WorkerEntity, row: Row): T {
    return isoFields(this.db.codec.decodeRow<Record<string, unknown>>(this.db.entity(entity), row)) as T;
  }

  async createPool(dto: WorkPoolCreateDto): Promise<{ pool: ApiWorkPool; created: boolean }> {
    const now = this.db.codec.encodeTimestamp(this.clock());
    const result = await this.db.transaction(async (tx) => {
      const poolId = uuid7();
      const inserted = await tx.query(
        `INSERT INTO "work_pool" ("id", "created", "updated", "name", "description", "type", "paused", "concurrencyLimit", "baseJobTemplate")
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("name") DO NOTHING RETURNING "id"`,
        [
          poolId,
          now,
          now,
          dto.name,
          dto.description ?? null,
          dto.type ?? 'process',
          tx.codec.encode('boolean', dto.paused ?? false),
          dto.concurrencyLimit ?? null,
          JSON.stringify(dto.baseJobTemplate ?? {}),
        ],
      );
      if (!inserted[0]) return { pool: await this.readPool(dto.name, tx), created: false };
      const queueId = uuid7();
      await tx.execute(
        `INSERT INTO "work_queue" ("id", "created", "updated", "workPoolId", "name", "description", "priority", "paused")
         VALUES (?, ?, ?, ?, ?, ?, 1, ?)`,
        [queueId, now, now, poolId, DEFAULT_QUEUE, 'The default queue', tx.codec.encode('boolean', false)],
      );
      await tx.execute(`UPDATE "work_pool" SET "defaultQueueId" = ? WHERE "id" = ?`, [queueId, poolId]);
      return { pool: await this.readPool(dto.name, tx), created: true };
    });
    if (result.created) {
      this.objects.updated('work-pool', result.pool);
      const [queue] = await this.queuesByIds([result.pool.defaultQueueId!]);
      if (queue) this.objects.updated('work-queue', queue);
    }
    return result;
  }

  async readPool(name: string, q: Pick<Queryable, 'query'> = this.db): Promise<ApiWorkPool> {
    const rows = await q.query(`SELECT * FROM "work_pool" WHERE "name" = ?`, [name]);
    if (!rows[0]) throw new ObjectNotFoundError('Work pool', name);
    return this.withStatus(this.decode<ApiWorkPool>(WorkPoolEntity, rows[0]), q);
  }

  /** READY when a worker is online, NOT_READY otherwise, PAUSED when paused. */
  private async withStatus(pool: ApiWorkPool, q: Pick<Queryable, 'query'>): Promise<ApiWorkPool> {
    const now = this.clock().getTime();
    // Only workers that can still be online (the longest heartbeat interval is an hour).
    const cutoff = onlineWorkersSince(now);
    const rows = await q.query<{ lastHeartbeatTime: unknown; heartbeatIntervalSeconds: unknown }>(
      `SELECT "lastHeartbeatTime", "heartbeatIntervalSeconds" FROM "worker" WHERE "workPoolId" = ? AND "lastHeartbeatTime" >= ?`,
      [pool.id, this.db.codec.encodeTimestamp(cutoff)],
    );
    const online = rows.some((row) =>
      isOnline(
        this.db.codec.decodeTimestamp(row.lastHeartbeatTime)!,
        row.heartbeatIntervalSeconds == null ? null : Number(row.heartbeatIntervalSeconds),
        now,
      ),
    );
    const status = pool.paused ? 'PAUSED' : online ? 'READY' : 'NOT_READY';
    return { ...pool, status };
  }

  async filterPools(limit = DEFAULT_LIMIT, offset = 0): Promise<ApiWorkPool[]> {
    const rows = await this.db.query(`SELECT * FROM "work_pool" ORDER BY "name" LIMIT ? OFFSET ?`, [limit, offset]);
    return Promise.all(rows.map((row) => this.withStatus(this.decode<ApiWorkPool>(WorkPoolEntity, row), this.db)));
  }

  async updatePool(name: string, dto: WorkPoolUpdateDto): Promise<ApiWorkPool> {
    const pool = await this.readPool(name);
    const fields = Object.entries(dto).filter(([, v]) => v !== undefined);
    if (fields.length) {
      const codec = this.db.entity(WorkPoolEntity);
      await this.db.transaction((tx) =>
        tx.execute(
          `UPDATE "work_pool" SET ${fields.map(([k]) => `"${k}" = ?`).join(', ')}, "updated" = ? WHERE "id" = ?`,
          [
            ...fields.map(([k, v]) => tx.codec.encode(codec.kinds.get(k), v)),
            tx.codec.encodeTimestamp(this.clock()),
            pool.id,
          ],
        ),
      );
    }
    const updated = await this.readPool(name);
    if (fields.length) this.objects.updated('work-pool', updated);
    return updated;
  }

  /** Deletes the pool with its queues and workers (one `work-pool.deleted` event tells of all). */
  async deletePool(name: string): Promise<void> {
    const event = await this.db.transaction(async (tx) => {
      const rows = await tx.query<{ id: string }>(`SELECT "id" FROM "work_pool" WHERE "name" = ?`, [name]);
      const deleted = await tx.execute(`DELETE FROM "work_pool" WHERE "name" = ?`, [name]);
      if (deleted === 0 || !rows[0]) throw new ObjectNotFoundError('Work pool', name);
      return this.objects.recordDeletion(tx, 'work-pool', { id: String(rows[0].id), name });
    });
    this.objects.publish(event);
  }

  async createQueue(poolName: string, dto: WorkQueueCreateDto): Promise<{ queue: ApiWorkQueue; created: boolean }> {
    const pool = await this.readPool(poolName);
    const now = this.db.codec.encodeTimestamp(this.clock());
    const inserted = await this.db.transaction((tx) =>
      tx.query(
        `INSERT INTO "work_queue" ("id", "created", "updated", "workPoolId", "name", "description", "priority", "concurrencyLimit", "paused")
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("workPoolId", "name") DO NOTHING RETURNING "id"`,
        [
          uuid7(),
          now,
          now,
          pool.id,
          dto.name,
          dto.description ?? null,
          dto.priority ?? 1,
          dto.concurrencyLimit ?? null,
          this.db.codec.encode('boolean', dto.paused ?? false),
        ],
      ),
    );
    const queue = await this.readQueue(poolName, dto.name);
    if (inserted.length > 0) this.objects.updated('work-queue', queue);
    return { queue, created: inserted.length > 0 };
  }

  async readQueue(poolName: string, queueName: string): Promise<ApiWorkQueue> {
    const rows = await this.db.query(
      `SELECT q.* FROM "work_queue" q JOIN "work_pool" p ON p."id" = q."workPoolId" WHERE p."name" = ? AND q."name" = ?`,
      [poolName, queueName],
    );
    if (!rows[0]) throw new ObjectNotFoundError('Work queue', `${poolName}/${queueName}`);
    return this.decode<ApiWorkQueue>(WorkQueueEntity, rows[0]);
  }

  async filterQueues(poolName: string): Promise<ApiWorkQueue[]> {
    const pool = await this.readPool(poolName);
    const rows = await this.db.query(`SELECT * FROM "work_queue" WHERE "workPoolId" = ? ORDER BY "priority", "name"`, [
      pool.id,
    ]);
    return rows.map((row) => this.decode<ApiWorkQueue>(WorkQueueEntity, row));
  }

  async updateQueue(poolName: string, queueName: string, dto: WorkQueueUpdateDto): Promise<ApiWorkQueue> {
    const queue = await this.readQueue(poolName, queueName);
    const fields = Object.entries(dto).filter(([, v]) => v !== undefined);
    if (fields.length) {
      const codec = this.db.entity(WorkQueueEntity);
      await this.db.transaction((tx) =>
        tx.execute(
          `UPDATE "work_queue" SET ${fields.map(([k]) => `"${k}" = ?`).join(', ')}, "updated" = ? WHERE "id" = ?`,
          [
            ...fields.map(([k, v]) => tx.codec.encode(codec.kinds.get(k), v)),
            tx.codec.encodeTimestamp(this.clock()),
            queue.id,
          ],
        ),
      );
    }
    const updated = await this.readQueue(poolName, dto.name ?? queueName);
    if (fields.length) this.objects.updated('work-queue', updated);
    return updated;
  }

  async deleteQueue(poolName: string, queueName: string): Promise<void> {
    if (queueName === DEFAULT_QUEUE)
      throw ValidationFailedError.field('name', 'the default queue of a pool cannot be deleted');
    const queue = await this.readQueue(poolName, queueName);
    const event = await this.db.transaction(async (tx) => {
      await tx.execute(`DELETE FROM "work_queue" WHERE "id" = ?`, [queue.id]);
      return this.objects.recordDeletion(tx, 'work-queue', {
        id: queue.id,
        name: queue.name,
        workPoolId: queue.workPoolId,
      });
    });
    this.objects.publish(event);
  }

  /** The queue a deployment run goes to: the named queue of the pool, or its default queue. */
  async resolveQueue(poolName: string, queueName: string | null | undefined): Promise<ApiWorkQueue> {
    try {
      return await this.readQueue(poolName, queueName ?? DEFAULT_QUEUE);
    } catch (error) {
      // Name the pool when it is the pool that is missing (readPool throws that 404).
      if (error instanceof ObjectNotFoundError) await this.readPool(poolName);
      throw error;
    }
  }

  /**
   * Records a worker's heartbeat (creating the worker on its first). The worker's `updated` changes,
   * and `worker.updated` is published, only when it is new, comes back online, changes its interval or
   * was last published WORKER_EVENT_EVERY_MS ago; coming online also touches the pool (its status).
   */
  async heartbeat(poolName: string, workerName: string, heartbeatIntervalSeconds?: number): Promise<void> {
    const pool = await this.readPool(poolName);
    const nowDate = this.clock();
    const now = this.db.codec.encodeTimestamp(nowDate);
    const interval = heartbeatIntervalSeconds ?? null;
    const announce = await this.db.transaction(async (tx) => {
      const rows = await tx.query<{
        id: string;
        updated: unknown;
        lastHeartbeatTime: unknown;
        heartbeatIntervalSeconds: unknown;
      }>(
        `SELECT "id", "updated", "lastHeartbeatTime", "heartbeatIntervalSeconds" FROM "worker" WHERE "workPoolId" = ? AND "name" = ?`,
        [pool.id, workerName],
      );
      const current = rows[0];
      let cameOnline: boolean;
      let workerId: string;
      if (!current) {
        workerId = uuid7();
        const inserted = await tx.query<{ id: string }>(
          `INSERT INTO "worker" ("id", "created", "updated", "workPoolId", "name", "lastHeartbeatTime", "heartbeatIntervalSeconds")
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("workPoolId", "name") DO UPDATE SET "lastHeartbeatTime" = excluded."lastHeartbeatTime",
           "updated" = excluded."updated", "heartbeatIntervalSeconds" = excluded."heartbeatIntervalSeconds" RETURNING "id"`,
          [workerId, now, now, pool.id, workerName, now, interval],
        );
        workerId = String(inserted[0]?.id ?? workerId);
        cameOnline = true;
      } else {
        workerId = String(current.id);
        const previousInterval =
          current.heartbeatIntervalSeconds == null ? null : Number(current.heartbeatIntervalSeconds);
        const last = tx.codec.decodeTimestamp(current.lastHeartbeatTime)!;
        const updated = tx.codec.decodeTimestamp(current.updated)!;
        cameOnline = !isOnline(last, previousInterval, nowDate.getTime());
        const publish =
          cameOnline || previousInterval !== interval || nowDate.getTime() - updated.getTime() >= WORKER_EVENT_EVERY_MS;
        await tx.execute(
          `UPDATE "worker" SET "lastHeartbeatTime" = ?, "heartbeatIntervalSeconds" = ?${publish ? ', "updated" = ?' : ''} WHERE "id" = ?`,
          [now, interval, ...(publish ? [now] : []), workerId],
        );
        if (!publish) return null;
      }
      if (cameOnline) await tx.execute(`UPDATE "work_pool" SET "updated" = ? WHERE "id" = ?`, [now, pool.id]);
      return { workerId, cameOnline };
    });
    if (!announce) return;
    const [worker] = await this.workersByIds([announce.workerId]);
    if (worker) this.objects.updated('worker', worker);
    if (announce.cameOnline) this.objects.updated('work-pool', await this.readPool(poolName));
  }

  private toWorker(row: Row, now: number): ApiWorker {
    const worker = this.decode<ApiWorker>(WorkerEntity, row);
    const online = isOnline(new Date(worker.lastHeartbeatTime), worker.heartbeatIntervalSeconds, now);
    return { ...worker, status: online ? 'ONLINE' : 'OFFLINE' };
  }

  async workers(poolName: string): Promise<ApiWorker[]> {
    const pool = await this.readPool(poolName);
    const rows = await this.db.query(`SELECT * FROM "worker" WHERE "workPoolId" = ? ORDER BY "name"`, [pool.id]);
    const now = this.clock().getTime();
    return rows.map((row) => this.toWorker(row, now));
  }

  /** Pools by id, with their status (live events). */
  async poolsByIds(ids: string[]): Promise<ApiWorkPool[]> {
    const rows = await this.db.query(`SELECT * FROM "work_pool" WHERE "id" IN (${placeholders(ids.length)})`, ids);
    return Promise.all(rows.map((row) => this.withStatus(this.decode<ApiWorkPool>(WorkPoolEntity, row), this.db)));
  }

  async queuesByIds(ids: string[]): Promise<ApiWorkQueue[]> {
    const rows = await this.db.query(`SELECT * FROM "work_queue" WHERE "id" IN (${placeholders(ids.length)})`, ids);
    return rows.map((row) => this.decode<ApiWorkQueue>(WorkQueueEntity, row));
  }

  /** Workers by id, with their status now. */
  async workersByIds(ids: string[]): Promise<ApiWorker[]> {
    const rows = await this.db.query(`SELECT * FROM "worker" WHERE "id" IN (${placeholders(ids.length)})`, ids);
    const now = this.clock().getTime();
    return rows.map((row) => this.toWorker(row, now));
  }

  /** Workers whose last heartbeat is at or after `since` (those that may still be online). */
  async recentWorkers(since: Date): Promise<ApiWorker[]> {
    const rows = await this.db.query(`SELECT * FROM "worker" WHERE "lastHeartbeatTime" >= ?`, [
      this.db.codec.encodeTimestamp(since),
    ]);
    const now = this.clock().getTime();
    return rows.map((row) => this.toWorker(row, now));
  }

  /**
   * The SCHEDULED runs of a pool's (unpaused) queues due before `before`, highest-priority queue first,
   * then by scheduled time, within the pool's and each queue's concurrency limit (runs that are PENDING,
   * RUNNING or CANCELLING hold a place). Claiming happens afterwards through a PENDING proposal.
   */
  async scheduledRuns(
    poolName: string,
    options: { before: Date; limit: number; queueNames?: string[] },
  ): Promise<ApiRun[]> {
    const pool = await this.readPool(poolName);
    if (pool.paused) return [];
    const queues = await this.filterQueues(poolName);
    const eligible = queues.filter(
      (q) => !q.paused && (!options.queueNames?.length || options.queueNames.includes(q.name)),
    );
    if (eligible.length === 0) return [];
    const active = await this.activeRunsByQueue(queues.map((q) => q.id));
    let room = options.limit;
    const poolLimit = pool.concurrencyLimit as number | null;
    if (poolLimit !== null) room = Math.min(room, poolLimit - [...active.values()].reduce((a, b) => a + b, 0));
    const ids: string[] = [];
    const before = this.db.codec.encodeTimestamp(options.before);
    for (const queue of eligible) {
      const queueLimit = queue.concurrencyLimit as number | null;
      const take = Math.min(
        room - ids.length,
        queueLimit === null ? Infinity : queueLimit - (active.get(queue.id) ?? 0),
      );
      if (take <= 0) continue;
      const rows = await this.db.query(
        `SELECT r."id" FROM "flow_run" r WHERE r."workQueueId" = ? AND r."stateType" = 'SCHEDULED'
         AND r."nextScheduledStartTime" <= ? ORDER BY r."nextScheduledStartTime", r."id" LIMIT ?`,
        [queue.id, before, take],
      );
      ids.push(...rows.map((row) => String(row.id)));
    }
    const polled = eligible.map((q) => q.id);
    const now = this.db.codec.encodeTimestamp(this.clock());
    await this.db.transaction((tx) =>
      tx.execute(`UPDATE "work_queue" SET "lastPolled" = ? WHERE "id" IN (${placeholders(polled.length)})`, [
        now,
        ...polled,
      ]),
    );
    const out: ApiRun[] = [];
    for (const id of ids) out.push(await this.runs.read('flow', id));
    return out;
  }

  /** How many runs of each queue hold a place (PENDING, RUNNING, CANCELLING). */
  private async activeRunsByQueue(queueIds: string[]): Promise<Map<string, number>> {
    const rows = await this.db.query<{ workQueueId: string; n: unknown }>(
      `SELECT "workQueueId", COUNT(*) AS n FROM "flow_run" WHERE "workQueueId" IN (${placeholders(queueIds.length)})
       AND "stateType" IN ('PENDING', 'RUNNING', 'CANCELLING') GROUP BY "workQueueId"`,
      queueIds,
    );
    return new Map(rows.map((row) => [String(row.workQueueId), Number(row.n)]));
  }
}
