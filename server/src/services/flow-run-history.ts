/**
 * The run history of the dashboard's chart (`POST /flow-runs/history`): run counts per time interval
 * and state, by expected start time, with the summed run time and lateness (seconds).
 *
 * Without filters (the home page), or filtered only by flow or deployment ids (the flow and deployment
 * pages), the window's closed past is read from a roll-up, so that 30 days cost about as much as 24
 * hours; any other filter reads the matching runs of its window:
 *
 * - The roll-up (migrations HistoryRollup, HistoryRollupByFlow) holds, per 30-minute slot of expected
 *   start time and state, the count, run time and lateness of the runs in a terminal state: those no
 *   longer change with the clock. `flow_run_rollup_flow` has them per flow and deployment too, and
 *   `flow_run_rollup` (what the home page reads) is summed from it. It covers only slots that ended
 *   SETTLE_MS ago, filled on the first request that needs them (in transactions of a day of slots) and
 *   by a background loop (HistoryRollupService). Both tables are rolled up and dropped per slot together.
 * - Each answer adds, from the run table: the runs in non-terminal states of the whole window (index
 *   range scans of `(stateType, expectedStartTime)`: their run time and lateness grow with the clock),
 *   and the terminal runs outside the rolled-up slots (the recent part, edges that do not fill a
 *   slot, a slot that straddles two intervals, slots not rolled up yet or marked stale).
 * - Exact: the roll-up is only trusted for a slot that is rolled up and not marked stale in the same
 *   snapshot that reads the runs. A slot is marked stale (`flow_run_rollup_stale`) by every change
 *   that can alter it once rolled up: the engine marks a transition that changes a run in a terminal
 *   state (a retry, a forced state) or that finishes a run more than LATE_CHANGE_MS after its expected
 *   start (`staleSlots`, `markStaleHistory`); triggers mark a terminal run that is deleted (also by a
 *   cascade) or inserted more than LATE_CHANGE_MS after its expected start. A run that finishes sooner
 *   — the common transition — marks nothing and costs nothing: its slot cannot have been rolled up yet,
 *   because slots are rolled up only SETTLE_MS = LATE_CHANGE_MS + COMMIT_ALLOWANCE_MS after they end,
 *   and `updated` (the transition's time, which the check compares) is read at most
 *   COMMIT_ALLOWANCE_MS before its commit. The next refresh drops the stale slots and rolls them up
 *   again.
 * - Several API processes on one PostgreSQL database refresh one at a time (an advisory transaction
 *   lock); readers never wait for it.
 */
import type { Database, Queryable, Tx } from '../db/database';
import type { Clock } from '../orchestration/clock';
import type { RunRecord } from '../orchestration/records';
import type { FlowRunFiltersDto, FlowRunHistoryDto } from '../schemas/dto/filters.dto';
import { ValidationFailedError } from '../schemas/errors';
import { isTerminal, STATE_TYPES, TERMINAL_STATE_TYPES } from '../schemas/states';
import { Where } from './filters';
import { LoopService } from './loop';

export const MAX_HISTORY_BUCKETS = 500;
/** The roll-up's grain, 30 minutes (the migration's slot expression and triggers use it). */
export const SLOT_MS = 1_800_000;
/** A run that enters a terminal state this long after its expected start marks its slot (so does the insert trigger). */
export const LATE_CHANGE_MS = 3_600_000;
/** How long a write may take from reading the clock to its commit, clock differences between processes included. */
export const COMMIT_ALLOWANCE_MS = 600_000;
/** A slot is rolled up once it ended this long ago; younger ones are read from the runs. */
export const SETTLE_MS = LATE_CHANGE_MS + COMMIT_ALLOWANCE_MS;
/** Windows of more slots than this (about 14 months) are read from the runs. */
const MAX_ROLLUP_SLOTS = 20_000;
/** Slots rolled up per transaction (a day): each write stays short. */
const SLOTS_PER_TRANSACTION = 48;
/** How far back the background loop keeps the roll-up filled: the home page's longest window and a day. */
export const ROLLUP_KEEP_MS = 31 * 86_400_000;
/** PostgreSQL advisory lock that serialises refreshes across API processes. */
const ROLLUP_LOCK_KEY = 7243003;

const TERMINAL = TERMINAL_STATE_TYPES.map((t) => `'${t}'`).join(', ');
const NON_TERMINAL = STATE_TYPES.filter((t) => !TERMINAL_STATE_TYPES.includes(t))
  .map((t) => `'${t}'`)
  .join(', ');

export interface HistoryState {
  stateType: string;
  stateName: string;
  countRuns: number;
  sumEstimatedRunTime: number;
  sumEstimatedLateness: number;
}

export interface HistoryBucket {
  intervalStart: string;
  intervalEnd: string;
  states: HistoryState[];
}

interface Window {
  start: number;
  end: number;
  interval: number;
  buckets: number;
  /** The clock at the request (epoch ms): run time and lateness of unfinished runs, and what is closed. */
  now: number;
}

/** The closed slots of a window: `[from, to)` (rolled up on demand) and those inside one interval each. */
interface RollupPlan {
  from: number;
  to: number;
  usable: number[];
}

/**
 * Which rows of the roll-up answer a request: all (no filter, `flow_run_rollup`), or those of
 * `flow_run_rollup_flow` matching `where`; the runs read beside them match the same `where` (on alias
 * `r`: the roll-up by flow has the runs' `flowId` and `deploymentId`).
 */
interface RollupScope {
  table: 'flow_run_rollup' | 'flow_run_rollup_flow';
  where: Where;
}

interface AggregateRow {
  bucket: unknown;
  stateType: unknown;
  stateName: unknown;
  countRuns: unknown;
  sumRunTime: unknown;
  sumLateness: unknown;
}

/** The fields of a flow run the roll-up aggregates, as they were before a change. */
export interface HistoryFields {
  stateType: RunRecord['stateType'];
  stateName: string | null;
  expectedStartTime: number | null;
  startTime: number | null;
  totalRunTime: number;
}

export function historyFields(run: RunRecord): HistoryFields {
  return {
    stateType: run.stateType,
    stateName: run.stateName,
    expectedStartTime: run.expectedStartTime?.getTime() ?? null,
    startTime: run.startTime?.getTime() ?? null,
    totalRunTime: run.totalRunTime,
  };
}

const slotOf = (time: number) => Math.floor(time / SLOT_MS) * SLOT_MS;

/**
 * The slots that a change of a flow run from `before` to `after` (whose `updated` is the change's
 * time) may have made stale: the old slot of a run that was in a terminal state and changed, and the
 * slot of a run in a terminal state now if that changed or if its slot may already be rolled up (it
 * finished more than LATE_CHANGE_MS after its expected start). Empty for nearly every transition.
 */
export function staleSlots(before: HistoryFields, after: RunRecord): number[] {
  const now = historyFields(after);
  const changed =
    before.stateType !== now.stateType ||
    before.stateName !== now.stateName ||
    before.expectedStartTime !== now.expectedStartTime ||
    before.startTime !== now.startTime ||
    before.totalRunTime !== now.totalRunTime;
  const slots: number[] = [];
  if (changed && isTerminal(before.stateType) && before.expectedStartTime !== null)
    slots.push(slotOf(before.expectedStartTime));
  if (
    isTerminal(now.stateType) &&
    now.expectedStartTime !== null &&
    ((changed && slots.length > 0) || now.expectedStartTime < after.updated.getTime() - LATE_CHANGE_MS)
  ) {
    const slot = slotOf(now.expectedStartTime);
    if (!slots.includes(slot)) slots.push(slot);
  }
  return slots;
}

/**
 * Marks slots of the roll-up stale, inside the transaction that changes their runs. Code that changes
 * a flow run's state, expected start time, start time or run time other than through a transition
 * (which calls this itself) must call it with `staleSlots(before, after)`.
 */
export function markStaleHistory(tx: Tx, slots: number[]): void {
  // Sent without waiting (PostgreSQL: it leaves with the next statement or COMMIT).
  for (const slot of slots) {
    tx.send(
      tx.dialect === 'postgres'
        ? `INSERT INTO "flow_run_rollup_stale" ("slot", "xid") VALUES (?, txid_current()) ON CONFLICT DO NOTHING`
        : `INSERT OR IGNORE INTO "flow_run_rollup_stale" ("slot") VALUES (?)`,
      [slot],
    );
  }
}

/** Where the closed slots end at `now`: the slots that end at or before it may be rolled up. */
export function closedSlotsEnd(now: number): number {
  return Math.floor((now - SETTLE_MS) / SLOT_MS) * SLOT_MS;
}

export function rollupPlan(window: Window): RollupPlan | null {
  const from = Math.ceil(window.start / SLOT_MS) * SLOT_MS;
  const to = Math.floor(Math.min(window.end, closedSlotsEnd(window.now)) / SLOT_MS) * SLOT_MS;
  if (to <= from || (to - from) / SLOT_MS > MAX_ROLLUP_SLOTS) return null;
  const usable: number[] = [];
  for (let slot = from; slot < to; slot += SLOT_MS) {
    const first = Math.floor((slot - window.start) / window.interval);
    if (first === Math.floor((slot + SLOT_MS - 1 - window.start) / window.interval)) usable.push(slot);
  }
  return usable.length > 0 ? { from, to, usable } : null;
}

export class FlowRunHistoryService {
  private readonly sql: ReturnType<typeof historySql>;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {
    this.sql = historySql(db);
  }

  async history(dto: FlowRunHistoryDto): Promise<HistoryBucket[]> {
    const start = new Date(dto.historyStart).getTime();
    const end = new Date(dto.historyEnd).getTime();
    const interval = dto.historyIntervalSeconds * 1000;
    if (end <= start) throw ValidationFailedError.field('historyEnd', 'must be after historyStart');
    const buckets = Math.ceil((end - start) / interval);
    if (buckets > MAX_HISTORY_BUCKETS) {
      throw ValidationFailedError.field(
        'historyIntervalSeconds',
        `gives ${buckets} intervals; at most ${MAX_HISTORY_BUCKETS} are allowed`,
      );
    }
    const window: Window = { start, end, interval, buckets, now: this.clock().getTime() };
    const where = new Where(this.db.dialect, this.db.codec).flowRunFilters(dto);
    const scope = rollupScope(new Where(this.db.dialect, this.db.codec), dto);
    const plan = scope ? rollupPlan(window) : null;
    if (!scope || !plan) {
      const rows = await this.db.queryUnprepared<AggregateRow>(
        this.sql.live(
          `r."expectedStartTime" >= ? AND r."expectedStartTime" < ? AND r."stateType" IS NOT NULL AND ${where.sql()}`,
        ),
        [...this.sql.liveParams(window), this.encode(start), this.encode(end), ...where.params],
      );
      return toBuckets(window, rows);
    }
    await this.refresh(plan.from, plan.to, new Date(window.now));
    return toBuckets(window, await this.db.snapshot((q) => this.readWithRollup(q, window, plan, scope)));
  }

  /**
   * Rolls up the missing closed slots in `[from, to)` (epoch ms, slot boundaries) and drops the slots
   * marked stale anywhere. Does nothing, and writes nothing, when there is nothing to do.
   */
  async refresh(from: number, to: number, now: Date = this.clock()): Promise<void> {
    // Slots before the first run are left out (read from the runs, they cost nothing): a new or young
    // database gets no rows for the empty past.
    const [first] = await this.db.query<{ first: unknown }>(
      `SELECT MIN("expectedStartTime") AS "first" FROM "flow_run"`,
    );
    const firstRun = this.db.codec.decodeTimestamp(first?.first);
    from = Math.max(from, firstRun ? slotOf(firstRun.getTime()) : to);
    const expected = Math.max(0, (to - from) / SLOT_MS);
    const [status] = await this.db.query<{ computed: unknown; stale: unknown }>(
      `SELECT (SELECT COUNT(*) FROM "flow_run_rollup_slot" WHERE "slot" >= ? AND "slot" < ?) AS "computed",
              (SELECT COUNT(*) FROM (SELECT 1 FROM "flow_run_rollup_stale" LIMIT 1) s) AS "stale"`,
      [from, to],
    );
    if (Number(status?.computed) === expected && Number(status?.stale) === 0) return;
    for (let more = true; more;) {
      more = await this.db.transaction(async (tx) => {
        if (tx.dialect === 'postgres') await tx.query(`SELECT pg_advisory_xact_lock(?)`, [ROLLUP_LOCK_KEY]);
        await this.dropStale(tx);
        const rows = await tx.query<{ slot: unknown }>(
          `SELECT "slot" FROM "flow_run_rollup_slot" WHERE "slot" >= ? AND "slot" < ?`,
          [from, to],
        );
        const computed = new Set(rows.map((row) => Number(row.slot)));
        const missing: number[] = [];
        for (let slot = from; slot < to; slot += SLOT_MS) if (!computed.has(slot)) missing.push(slot);
        await this.rollUp(tx, missing.slice(0, SLOTS_PER_TRANSACTION), now);
        return missing.length > SLOTS_PER_TRANSACTION;
      });
    }
  }

  /** Forgets the slots marked stale, by the engine or the triggers (consuming exactly the marks it sees). */
  private async dropStale(tx: Tx): Promise<void> {
    const rows = await tx.query<{ slot: unknown }>(
      tx.dialect === 'postgres'
        ? `WITH d AS (DELETE FROM "flow_run_rollup_stale" RETURNING "slot") SELECT DISTINCT "slot" FROM d`
        : `DELETE FROM "flow_run_rollup_stale" RETURNING "slot"`,
    );
    if (rows.length === 0) return;
    const slots = this.sql.list(rows.map((row) => Number(row.slot)));
    await tx.execute(`DELETE FROM "flow_run_rollup_flow" WHERE "slot" IN ${slots.sql}`, [slots.param]);
    await tx.execute(`DELETE FROM "flow_run_rollup" WHERE "slot" IN ${slots.sql}`, [slots.param]);
    await tx.execute(`DELETE FROM "flow_run_rollup_slot" WHERE "slot" IN ${slots.sql}`, [slots.param]);
  }

  /**
   * Rolls up `slots` (ascending), per run of consecutive slots: the runs by flow and deployment, then
   * their sums per slot (a few rows per slot instead of the runs again).
   */
  private async rollUp(tx: Tx, slots: number[], now: Date): Promise<void> {
    if (slots.length === 0) return;
    let first = 0;
    for (let i = 1; i <= slots.length; i++) {
      if (i < slots.length && slots[i] === slots[i - 1]! + SLOT_MS) continue;
      const [from, to] = [slots[first]!, slots[i - 1]! + SLOT_MS];
      await tx.execute(this.sql.rollUpByFlow, [this.encode(from), this.encode(to)]);
      await tx.execute(this.sql.rollUp, [from, to]);
      first = i;
    }
    const list = this.sql.list(slots);
    await tx.execute(`INSERT INTO "flow_run_rollup_slot" ("slot", "computed") SELECT s."slot", ? FROM ${list.rows}`, [
      this.encode(now.getTime()),
      list.param,
    ]);
  }

  /**
   * The rolled-up slots that are current in this snapshot, plus the rest from the run table: the rows
   * and the runs matching `scope.where`.
   */
  private async readWithRollup(
    q: Queryable,
    window: Window,
    plan: RollupPlan,
    scope: RollupScope,
  ): Promise<AggregateRow[]> {
    const where = scope.where;
    const range = [plan.from, plan.to];
    const computed = await q.query<{ slot: unknown }>(
      `SELECT "slot" FROM "flow_run_rollup_slot" WHERE "slot" >= ? AND "slot" < ?`,
      range,
    );
    const stale = await q.query<{ slot: unknown }>(
      `SELECT DISTINCT "slot" FROM "flow_run_rollup_stale" WHERE "slot" >= ? AND "slot" < ?`,
      range,
    );
    const current = new Set(computed.map((row) => Number(row.slot)));
    for (const row of stale) current.delete(Number(row.slot));
    const covered = plan.usable.filter((slot) => current.has(slot));
    // Summed per interval in SQL (30 days are about 5,000 rows): the same slots as `covered` — rows
    // exist only for rolled-up slots; the slot lies in one interval; it is not marked stale.
    const rolledParams = [
      window.start,
      window.interval,
      plan.from,
      plan.to,
      window.start,
      window.interval,
      window.start,
      window.interval,
      ...where.params,
    ];
    // Filtered: planned for its ids (PostgreSQL), as the filtered reads of the runs are.
    const read = (sql: string, params: unknown[]) =>
      where.clauses.length > 0 ? q.queryUnprepared<AggregateRow>(sql, params) : q.query<AggregateRow>(sql, params);
    const rolled = await read(this.sql.rolledUp(scope.table, where.sql()), rolledParams);
    // The terminal runs of the window outside the covered slots, as [lo, hi) ranges.
    const gaps: [number, number][] = [];
    let cursor = window.start;
    for (const slot of covered) {
      if (slot > cursor) gaps.push([cursor, slot]);
      cursor = slot + SLOT_MS;
    }
    if (window.end > cursor) gaps.push([cursor, window.end]);
    const unfinishedSql = this.sql.live(
      `r."expectedStartTime" >= ? AND r."expectedStartTime" < ? AND r."stateType" IN (${NON_TERMINAL}) AND ${where.sql()}`,
    );
    const unfinishedParams = [
      ...this.sql.liveParams(window),
      this.encode(window.start),
      this.encode(window.end),
      ...where.params,
    ];
    const unfinished = await read(unfinishedSql, unfinishedParams);
    const edges = gaps.length === 0 ? [] : await this.sql.terminalInRanges(q, window, gaps, where);
    return [...rolled, ...unfinished, ...edges];
  }

  private encode(ms: number): unknown {
    return this.db.codec.encodeTimestamp(new Date(ms));
  }
}

/** Keeps the roll-up of the last ROLLUP_KEEP_MS filled and drops stale slots, so requests rarely write. */
export class HistoryRollupService extends LoopService {
  readonly name = 'history roll-up';

  constructor(
    private readonly history: FlowRunHistoryService,
    private readonly clock: Clock,
    loopSeconds: number,
    log?: (message: string, error?: unknown) => void,
  ) {
    super(loopSeconds, log);
  }

  async runOnce(now: Date = this.clock()): Promise<void> {
    const to = closedSlotsEnd(now.getTime());
    await this.history.refresh(Math.max(to - ROLLUP_KEEP_MS, 0), to, now);
  }
}

/**
 * The roll-up rows that answer `dto`, or null when it cannot: it serves no filter (the home page) and
 * filters made only of `flows.id.any`, `deployments.id.any` and `flowRuns.deploymentId.any` (the flow
 * and deployment pages); anything else (names, tags, states, times, `notAny`, `isNull`, task runs…)
 * is read from the runs. `where` is an empty builder, filled with the conditions on the roll-up rows.
 */
export function rollupScope(where: Where, dto: FlowRunFiltersDto): RollupScope | null {
  const flowIds = dto.flows?.id?.any;
  const deploymentIds = [dto.deployments?.id?.any, dto.flowRuns?.deploymentId?.any];
  const rest: FlowRunFiltersDto = {
    flows: dto.flows && { ...dto.flows, id: dto.flows.id && { ...dto.flows.id, any: undefined } },
    deployments: dto.deployments && {
      ...dto.deployments,
      id: dto.deployments.id && { ...dto.deployments.id, any: undefined },
    },
    flowRuns: dto.flowRuns && {
      ...dto.flowRuns,
      deploymentId: dto.flowRuns.deploymentId && { ...dto.flowRuns.deploymentId, any: undefined },
    },
    taskRuns: dto.taskRuns,
  };
  // The builder of the runs' filters decides what is a condition (`null` operators are none).
  if (new Where(where.dialect, where.codec).flowRunFilters(rest).clauses.length > 0) return null;
  // Ids as sub-selects of their tables, for the runs as for the roll-up rows. A deleted deployment
  // leaves its id on rolled-up rows while its runs now have none (ON DELETE SET NULL marks nothing):
  // only the rows of deployments that exist in this snapshot count. The runs' answer is the same (a
  // run names only existing flows and deployments), and the planners read the runs through the
  // (stateType, expectedStartTime) index rather than all the runs of the flow or deployment in the
  // window (SQLite does the latter with `IN (ids)`).
  if (flowIds) {
    where.sub(
      (w) => w.uuid('f."id"', { any: flowIds }),
      (inner) => `r."flowId" IN (SELECT f."id" FROM "flow" f WHERE ${inner})`,
    );
  }
  for (const ids of deploymentIds) {
    if (!ids) continue;
    where.sub(
      (w) => w.uuid('d."id"', { any: ids }),
      (inner) => `r."deploymentId" IN (SELECT d."id" FROM "deployment" d WHERE ${inner})`,
    );
  }
  return { table: where.clauses.length > 0 ? 'flow_run_rollup_flow' : 'flow_run_rollup', where };
}

/** Sums the rows per interval and state, in the API's order. */
function toBuckets(window: Window, rows: AggregateRow[]): HistoryBucket[] {
  const out: HistoryBucket[] = Array.from({ length: window.buckets }, (_, i) => ({
    intervalStart: new Date(window.start + i * window.interval).toISOString(),
    intervalEnd: new Date(Math.min(window.start + (i + 1) * window.interval, window.end)).toISOString(),
    states: [],
  }));
  const byKey = new Map<string, HistoryState>();
  for (const row of rows) {
    const bucket = Number(row.bucket);
    const target = out[bucket];
    if (!target) continue;
    const stateType = String(row.stateType);
    const stateName = String(row.stateName);
    const key = `${bucket}\u0000${stateType}\u0000${stateName}`;
    let state = byKey.get(key);
    if (!state) {
      state = { stateType, stateName, countRuns: 0, sumEstimatedRunTime: 0, sumEstimatedLateness: 0 };
      byKey.set(key, state);
      target.states.push(state);
    }
    state.countRuns += Number(row.countRuns);
    state.sumEstimatedRunTime += Number(row.sumRunTime ?? 0);
    state.sumEstimatedLateness += Number(row.sumLateness ?? 0);
  }
  for (const b of out)
    b.states.sort((a, c) => a.stateType.localeCompare(c.stateType) || a.stateName.localeCompare(c.stateName));
  return out;
}

/** The statements, per dialect. Times are compared as stored; intervals are computed in whole milliseconds. */
function historySql(db: Database) {
  const pg = db.dialect === 'postgres';
  /** Epoch milliseconds of a timestamp column, exact (SQLite's julianday is off by some microseconds). */
  const epochMs = (column: string) =>
    pg
      ? `(EXTRACT(EPOCH FROM ${column}) * 1000)`
      : `CAST(ROUND((julianday(${column}) - 2440587.5) * 86400000.0) AS INTEGER)`;
  const seconds = (column: string) => `(${epochMs(column)} / 1000.0)`;
  const slot = pg
    ? `CAST(FLOOR(${epochMs('r."expectedStartTime"')} / ${SLOT_MS}) * ${SLOT_MS} AS bigint)`
    : `(${epochMs('r."expectedStartTime"')} / ${SLOT_MS} * ${SLOT_MS})`;
  const bucket = pg
    ? `CAST(FLOOR((${epochMs('r."expectedStartTime"')} - CAST(? AS bigint)) / CAST(? AS bigint)) AS integer)`
    : `((${epochMs('r."expectedStartTime"')} - CAST(? AS INTEGER)) / CAST(? AS INTEGER))`;
  const started = `${seconds('r."startTime"')} - ${seconds('r."expectedStartTime"')}`;
  // Run time and lateness as the run list derives them (serializers.ts): RUNNING runs and runs waiting to
  // start grow with "now".
  const runTime = `r."totalRunTime" + CASE WHEN r."stateType" = 'RUNNING' AND r."stateTimestamp" IS NOT NULL
    AND ? > ${seconds('r."stateTimestamp"')} THEN ? - ${seconds('r."stateTimestamp"')} ELSE 0 END`;
  const lateness = `CASE WHEN r."startTime" IS NOT NULL THEN ${started}
    WHEN r."stateType" IN ('SCHEDULED', 'PENDING') THEN ? - ${seconds('r."expectedStartTime"')} ELSE 0 END`;
  const aggregates = `COUNT(*) AS "countRuns", SUM(${runTime}) AS "sumRunTime",
    SUM(CASE WHEN (${lateness}) > 0 THEN (${lateness}) ELSE 0 END) AS "sumLateness"`;
  const live = (from: string) =>
    `SELECT ${bucket} AS "bucket", r."stateType" AS "stateType", r."stateName" AS "stateName", ${aggregates}
     ${from} GROUP BY 1, 2, 3`;
  /** Parameters of `live` before its own: the bucket origin and size, and "now" (seconds) four times. */
  const liveParams = (w: Window) => [w.start, w.interval, ...Array<number>(4).fill(w.now / 1000)];
  const sqliteInRanges = (where = '1 = 1') =>
    live(
      `FROM json_each(?) g CROSS JOIN "flow_run" r ON r."expectedStartTime" >= json_extract(g."value", '$[0]')
         AND r."expectedStartTime" < json_extract(g."value", '$[1]')
       WHERE r."stateType" IN (${TERMINAL}) AND ${where}`,
    );
  return {
    liveParams,
    /** The aggregate of the runs that match `where` (alias `r`). */
    live: (where: string) => live(`FROM "flow_run" r WHERE ${where}`),
    /**
     * The aggregate of the terminal runs in a list of [lo, hi) ranges, read range by range. PostgreSQL:
     * the ranges as constants of one statement planned for them (a bitmap OR of index ranges); joined
     * to a list of ranges instead, it estimates a third of the table per range and reads all of it once
     * there are a few dozen. SQLite: one statement over the ranges as JSON (its CROSS JOIN keeps them in
     * the outer loop; otherwise it may read every terminal run).
     */
    terminalInRanges: (q: Queryable, w: Window, ranges: [number, number][], where: Where): Promise<AggregateRow[]> => {
      if (pg) {
        const within = ranges.map(() => `(r."expectedStartTime" >= ? AND r."expectedStartTime" < ?)`).join(' OR ');
        return q.queryUnprepared<AggregateRow>(
          live(`FROM "flow_run" r WHERE r."stateType" IN (${TERMINAL}) AND (${within}) AND ${where.sql()}`),
          [...liveParams(w), ...ranges.flatMap(([lo, hi]) => [new Date(lo), new Date(hi)]), ...where.params],
        );
      }
      const json = ranges.map(([lo, hi]) => [
        db.codec.encodeTimestamp(new Date(lo)),
        db.codec.encodeTimestamp(new Date(hi)),
      ]);
      const params = [...liveParams(w), JSON.stringify(json), ...where.params];
      return where.clauses.length === 0
        ? q.query<AggregateRow>(sqliteInRanges(), params)
        : q.queryUnprepared<AggregateRow>(sqliteInRanges(where.sql()), params);
    },
    /**
     * The rolled-up rows of `[?, ?)` in `table` matching `where` (then its parameters), per interval,
     * for the slots inside one interval and not stale.
     */
    rolledUp: (table: RollupScope['table'], where: string) =>
      `SELECT (r."slot" - CAST(? AS BIGINT)) / CAST(? AS BIGINT) AS "bucket", r."stateType", r."stateName",
        SUM(r."countRuns") AS "countRuns", SUM(r."sumRunTime") AS "sumRunTime", SUM(r."sumLateness") AS "sumLateness"
      FROM "${table}" r
      WHERE r."slot" >= ? AND r."slot" < ?
        AND (r."slot" - CAST(? AS BIGINT)) / CAST(? AS BIGINT)
          = (r."slot" + ${SLOT_MS - 1} - CAST(? AS BIGINT)) / CAST(? AS BIGINT)
        AND r."slot" NOT IN (SELECT "slot" FROM "flow_run_rollup_stale")
        AND ${where}
      GROUP BY 1, 2, 3`,
    /** Rolls up the terminal runs of `[?, ?)` (timestamps) by slot, flow, deployment and state. */
    rollUpByFlow: `INSERT INTO "flow_run_rollup_flow"
        ("slot", "flowId", "deploymentId", "stateType", "stateName", "countRuns", "sumRunTime", "sumLateness")
      SELECT ${slot}, r."flowId", r."deploymentId", r."stateType", COALESCE(r."stateName", ''), COUNT(*),
             SUM(r."totalRunTime"),
             SUM(CASE WHEN r."startTime" IS NOT NULL AND (${started}) > 0 THEN ${started} ELSE 0 END)
      FROM "flow_run" r
      WHERE r."expectedStartTime" >= ? AND r."expectedStartTime" < ? AND r."stateType" IN (${TERMINAL})
      GROUP BY 1, 2, 3, 4, 5`,
    /** Sums the rows by flow of the slots in `[?, ?)` (epoch ms) into the roll-up by slot and state. */
    rollUp: `INSERT INTO "flow_run_rollup" ("slot", "stateType", "stateName", "countRuns", "sumRunTime", "sumLateness")
      SELECT f."slot", f."stateType", f."stateName", SUM(f."countRuns"), SUM(f."sumRunTime"), SUM(f."sumLateness")
      FROM "flow_run_rollup_flow" f
      WHERE f."slot" >= ? AND f."slot" < ?
      GROUP BY 1, 2, 3`,
    /** A list of slots as one parameter: `sql` for `IN`, `rows` as a table `s` of `slot`. */
    list: (slots: number[]) =>
      pg
        ? {
            sql: `(SELECT unnest(CAST(? AS bigint[])))`,
            rows: `unnest(CAST(? AS bigint[])) AS s("slot")`,
            param: slots,
          }
        : {
            sql: `(SELECT "value" FROM json_each(?))`,
            rows: `(SELECT "value" AS "slot" FROM json_each(?)) s`,
            param: JSON.stringify(slots),
          },
  };
}
