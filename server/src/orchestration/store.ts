/**
 * The statements the orchestration engine runs inside its transaction: lock a run row with its current
 * state (one statement) and save it, append states, record decisions, and the cache and
 * concurrency-limit rows rules touch. Prepared once per SQL text; values converted per column kind
 * (db/codec.ts).
 */
import type { Database, Queryable, Row, Tx } from '../db/database';
import type { EntityCodec } from '../db/codec';
import {
  ConcurrencyLimitEntity,
  FlowRunEntity,
  FlowRunStateEntity,
  OrchestrationDecisionEntity,
  TaskRunEntity,
  TaskRunStateEntity,
} from '../db/entities';
import { uuid7 } from '../db/ids';
import type { RunKind } from '../schemas/states';
import type { DecisionDraft } from './context';
import type { RunRecord, StateRecord } from './records';

export interface ConcurrencyLimitRecord {
  id: string;
  tag: string;
  concurrencyLimit: number;
  activeSlots: string[];
}

export interface DecisionRecordInput {
  kind: RunKind;
  runId: string;
  timestamp: Date;
  initial: StateRecord | null;
  written: StateRecord | null;
  decisions: DecisionDraft[];
}

interface Statement {
  sql: string;
  params: unknown[];
}

/** A run row locked by the current transaction, with its current state. */
export interface LockedRun {
  run: RunRecord;
  state: StateRecord | null;
}

const TABLES = {
  flow: { run: 'flow_run', state: 'flow_run_state', fk: 'flowRunId', alias: 'r' },
  task: { run: 'task_run', state: 'task_run_state', fk: 'taskRunId', alias: 't' },
} as const;

const STATE_COLUMNS = ['id', 'type', 'name', 'timestamp', 'message', 'stateDetails', 'data'] as const;

/** `SELECT <run>.*, <state columns as s_*> FROM run LEFT JOIN state` — a run with its current state. */
export function runWithStateSelect(kind: RunKind): string {
  const { run, state, alias } = TABLES[kind];
  const stateColumns = STATE_COLUMNS.map((c) => `s."${c}" AS "s_${c}"`).join(', ');
  return `SELECT ${alias}.*, ${stateColumns} FROM "${run}" ${alias} LEFT JOIN "${state}" s ON s."id" = ${alias}."stateId"`;
}

/** The run columns the engine owns; one fixed UPDATE statement per kind. */
const RUN_FIELDS = [
  'updated',
  'stateId',
  'stateType',
  'stateName',
  'stateTimestamp',
  'runCount',
  'expectedStartTime',
  'nextScheduledStartTime',
  'startTime',
  'endTime',
  'totalRunTime',
  'empiricalPolicy',
] as const;
const TASK_RUN_FIELDS = [...RUN_FIELDS, 'flowRunRunCount'] as const;

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (a instanceof Date && b instanceof Date && a.getTime() === b.getTime());
}

export class OrchestrationStore {
  private readonly runCodecs: Record<RunKind, EntityCodec>;
  private readonly stateCodecs: Record<RunKind, EntityCodec>;
  private readonly limitCodec: EntityCodec;
  private readonly decisionCodec: EntityCodec;
  /** The engine-owned column values of each locked run as the database holds them (for saveRun). */
  private readonly stored = new WeakMap<RunRecord, unknown[]>();
  /** UPDATE statements by kind and set of changed columns (a bit per field). */
  private readonly updateSql = new Map<string, string>();
  private readonly sql = {
    insertFlowState: `INSERT INTO "flow_run_state" ("id", "created", "flowRunId", "type", "name", "timestamp", "message", "stateDetails", "data") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    insertTaskState: `INSERT INTO "task_run_state" ("id", "created", "taskRunId", "type", "name", "timestamp", "message", "stateDetails", "data") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  };

  constructor(private readonly db: Database) {
    this.runCodecs = { flow: db.entity(FlowRunEntity), task: db.entity(TaskRunEntity) };
    this.stateCodecs = { flow: db.entity(FlowRunStateEntity), task: db.entity(TaskRunStateEntity) };
    this.limitCodec = db.entity(ConcurrencyLimitEntity);
    this.decisionCodec = db.entity(OrchestrationDecisionEntity);
  }

  decodeRun(kind: RunKind, row: Row): RunRecord {
    return this.db.codec.decodeRow<RunRecord>(this.runCodecs[kind], row);
  }

  decodeState(kind: RunKind, row: Row): StateRecord {
    return this.db.codec.decodeRow<StateRecord>(this.stateCodecs[kind], row);
  }

  /** Splits a row of `runWithStateSelect` into the run and its state, decoded. */
  decodeRunWithState(kind: RunKind, row: Row): LockedRun {
    const runRow: Row = {};
    const stateRow: Row = {};
    for (const key in row) {
      if (key.startsWith('s_')) stateRow[key.slice(2)] = row[key];
      else runRow[key] = row[key];
    }
    return { run: this.decodeRun(kind, runRow), state: stateRow.id == null ? null : this.decodeState(kind, stateRow) };
  }

  async readRun(q: Queryable, kind: RunKind, id: string): Promise<RunRecord | null> {
    const rows = await q.query(`SELECT * FROM "${TABLES[kind].run}" WHERE "id" = ?`, [id]);
    return rows[0] ? this.decodeRun(kind, rows[0]) : null;
  }

  /** Reads the run row with its current state and holds the row until the transaction ends. */
  async lockRun(tx: Tx, kind: RunKind, id: string): Promise<LockedRun | null> {
    const { alias } = TABLES[kind];
    // PostgreSQL locks only the run row (a state row cannot be locked through the outer join).
    const lock = tx.forUpdate && `${tx.forUpdate} OF ${alias}`;
    const rows = await tx.query(`${runWithStateSelect(kind)} WHERE ${alias}."id" = ?${lock}`, [id]);
    if (!rows[0]) return null;
    const locked = this.decodeRunWithState(kind, rows[0]);
    // When PostgreSQL had to wait for the lock, it returns the run row as the previous holder committed
    // it but joins the state as of the statement's start: a state written meanwhile is missing. Read it.
    if ((locked.state?.id ?? null) !== locked.run.stateId) {
      locked.state = locked.run.stateId ? await this.readState(tx, kind, locked.run.stateId) : null;
    }
    this.stored.set(locked.run, this.engineValues(tx, kind, locked.run));
    return locked;
  }

  async readState(q: Queryable, kind: RunKind, id: string): Promise<StateRecord | null> {
    const rows = await q.query(`SELECT * FROM "${TABLES[kind].state}" WHERE "id" = ?`, [id]);
    return rows[0] ? this.decodeState(kind, rows[0]) : null;
  }

  private stateInsert(tx: Tx, kind: RunKind, runId: string, state: StateRecord): Statement {
    const c = tx.codec;
    return {
      sql: kind === 'flow' ? this.sql.insertFlowState : this.sql.insertTaskState,
      params: [
        state.id,
        c.encodeTimestamp(state.timestamp),
        runId,
        state.type,
        state.name,
        c.encodeTimestamp(state.timestamp),
        state.message,
        JSON.stringify(state.stateDetails),
        state.data == null ? null : JSON.stringify(state.data),
      ],
    };
  }

  private engineValues(q: Queryable, kind: RunKind, run: RunRecord): unknown[] {
    const kinds = this.runCodecs[kind].kinds;
    const record = run as unknown as Record<string, unknown>;
    return (kind === 'flow' ? RUN_FIELDS : TASK_RUN_FIELDS).map((f) => q.codec.encode(kinds.get(f), record[f]));
  }

  /**
   * The UPDATE of the engine-owned columns of `run` that changed since `lockRun` read them or they were
   * last saved (all of them for a run read some other way); null when none did. Fewer columns set
   * means fewer index entries rewritten, which on SQLite means fewer pages written per commit.
   */
  private runUpdate(tx: Tx, kind: RunKind, run: RunRecord): Statement | null {
    const fields = kind === 'flow' ? RUN_FIELDS : TASK_RUN_FIELDS;
    const values = this.engineValues(tx, kind, run);
    const stored = this.stored.get(run);
    const params: unknown[] = [];
    let changed = 0;
    for (let i = 0; i < fields.length; i++) {
      if (stored && sameValue(stored[i], values[i])) continue;
      changed |= 1 << i;
      params.push(values[i]);
    }
    this.stored.set(run, values);
    if (changed === 0) return null;
    const key = `${kind}:${changed}`;
    let sql = this.updateSql.get(key);
    if (!sql) {
      const set = fields.filter((_, i) => changed & (1 << i)).map((f) => `"${f}" = ?`);
      sql = `UPDATE "${TABLES[kind].run}" SET ${set.join(', ')} WHERE "id" = ?`;
      this.updateSql.set(key, sql);
    }
    params.push(run.id);
    return { sql, params };
  }

  async saveRun(tx: Tx, kind: RunKind, run: RunRecord): Promise<void> {
    const update = this.runUpdate(tx, kind, run);
    if (update) await tx.execute(update.sql, update.params);
  }

  /**
   * Appends `state` to the run's history and saves the run row: on PostgreSQL in one statement (the
   * INSERT as a data-modifying WITH), which saves a round trip per transition; on SQLite in two.
   */
  async appendState(tx: Tx, kind: RunKind, run: RunRecord, state: StateRecord): Promise<void> {
    const insert = this.stateInsert(tx, kind, run.id, state);
    const update = this.runUpdate(tx, kind, run);
    if (update && tx.dialect === 'postgres') {
      await tx.execute(`WITH "appended" AS (${insert.sql}) ${update.sql}`, [...insert.params, ...update.params]);
      return;
    }
    await tx.execute(insert.sql, insert.params);
    if (update) await tx.execute(update.sql, update.params);
  }

  async insertDecisions(tx: Tx, input: DecisionRecordInput): Promise<void> {
    for (const d of input.decisions) {
      await this.insertRow(tx, this.decisionCodec, {
        id: uuid7(input.timestamp.getTime()),
        runKind: input.kind,
        flowRunId: input.kind === 'flow' ? input.runId : null,
        taskRunId: input.kind === 'task' ? input.runId : null,
        timestamp: input.timestamp,
        rule: d.rule,
        status: d.status,
        reason: d.reason,
        fromType: input.initial?.type ?? null,
        fromName: input.initial?.name ?? null,
        proposedType: d.proposedType,
        proposedName: d.proposedName,
        resultType: input.written?.type ?? null,
        resultName: input.written?.name ?? null,
        stateId: input.written?.id ?? null,
        delaySeconds: d.delaySeconds,
      });
    }
  }

  /** The newest unexpired cached state for `cacheKey`, with the task run it came from. */
  async findCachedState(tx: Tx, cacheKey: string, now: Date): Promise<(StateRecord & { taskRunId: string }) | null> {
    const rows = await tx.query(
      `SELECT s.* FROM "task_run_state_cache" c JOIN "task_run_state" s ON s."id" = c."taskRunStateId"
       WHERE c."cacheKey" = ? AND (c."cacheExpiration" IS NULL OR c."cacheExpiration" > ?)
       ORDER BY c."created" DESC LIMIT 1`,
      [cacheKey, tx.codec.encodeTimestamp(now)],
    );
    if (!rows[0]) return null;
    return { ...this.decodeState('task', rows[0]), taskRunId: String(rows[0].taskRunId) };
  }

  async insertCacheEntry(tx: Tx, cacheKey: string, expiration: Date | null, stateId: string, now: Date): Promise<void> {
    await tx.execute(
      `INSERT INTO "task_run_state_cache" ("id", "created", "cacheKey", "cacheExpiration", "taskRunStateId") VALUES (?, ?, ?, ?, ?)`,
      [uuid7(now.getTime()), tx.codec.encodeTimestamp(now), cacheKey, tx.codec.encodeTimestamp(expiration), stateId],
    );
  }

  /** The limits on `tags`, locked until commit, in tag order (a fixed lock order avoids deadlocks). */
  async lockConcurrencyLimits(tx: Tx, tags: string[]): Promise<ConcurrencyLimitRecord[]> {
    const unique = [...new Set(tags)].sort();
    const rows = await tx.query(
      `SELECT * FROM "concurrency_limit" WHERE "tag" IN (${unique.map(() => '?').join(', ')}) ORDER BY "tag"${tx.forUpdate}`,
      unique,
    );
    return rows.map((row) => tx.codec.decodeRow<ConcurrencyLimitRecord>(this.limitCodec, row));
  }

  async saveConcurrencySlots(tx: Tx, limitId: string, slots: string[], now: Date): Promise<void> {
    await tx.execute(`UPDATE "concurrency_limit" SET "activeSlots" = ?, "updated" = ? WHERE "id" = ?`, [
      JSON.stringify(slots),
      tx.codec.encodeTimestamp(now),
      limitId,
    ]);
  }

  /** Inserts a row given as entity properties (columns not given take NULL). */
  async insertRow(q: Queryable, codec: EntityCodec, values: Record<string, unknown>): Promise<void> {
    const columns = codec.columns.filter((c) => c in values);
    const sql = `INSERT INTO "${codec.table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
    await q.execute(
      sql,
      columns.map((c) => q.codec.encode(codec.kinds.get(c), values[c])),
    );
  }
}
