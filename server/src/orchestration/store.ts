/**
 * The statements the orchestration engine runs inside its transaction: lock and save a run row,
 * read and append states, record decisions, and the cache and concurrency-limit rows rules touch.
 * Prepared once per SQL text; values converted per column kind (db/codec.ts).
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
import type { FlowRunSummary, RunRecord, StateRecord } from './records';

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

const STATE_COLUMNS = ['id', 'type', 'name', 'timestamp', 'message', 'stateDetails', 'data'] as const;

const TABLES = {
  flow: { run: 'flow_run', state: 'flow_run_state', fk: 'flowRunId' },
  task: { run: 'task_run', state: 'task_run_state', fk: 'taskRunId' },
} as const;

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

function updateSql(table: string, fields: readonly string[]): string {
  return `UPDATE "${table}" SET ${fields.map((f) => `"${f}" = ?`).join(', ')} WHERE "id" = ?`;
}

function insertStateSql(kind: RunKind): string {
  const { state, fk } = TABLES[kind];
  return `INSERT INTO "${state}" ("id", "created", "${fk}", "type", "name", "timestamp", "message", "stateDetails", "data") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;
}

/** The FlowRunSummary columns of `flow_run f`, joined to a task run's locking read. */
const FLOW_SUMMARY_COLUMNS =
  ', f."id" AS "f_id", f."stateType" AS "f_stateType", f."stateName" AS "f_stateName", f."runCount" AS "f_runCount"';

/** The flow run of a row read with FLOW_SUMMARY_COLUMNS (null when the task run has none). */
function flowRunSummaryOf(row: Row): FlowRunSummary | null {
  if (row.f_id == null) return null;
  return {
    id: String(row.f_id),
    stateType: (row.f_stateType ?? null) as FlowRunSummary['stateType'],
    stateName: (row.f_stateName ?? null) as string | null,
    runCount: Number(row.f_runCount),
  };
}

export class OrchestrationStore {
  private readonly runCodecs: Record<RunKind, EntityCodec>;
  private readonly stateCodecs: Record<RunKind, EntityCodec>;
  private readonly limitCodec: EntityCodec;
  private readonly decisionCodec: EntityCodec;
  private readonly newRunStatements = new Map<string, string>();
  private readonly sql = {
    updateFlowRun: updateSql('flow_run', RUN_FIELDS),
    updateTaskRun: updateSql('task_run', TASK_RUN_FIELDS),
    insertFlowState: insertStateSql('flow'),
    insertTaskState: insertStateSql('task'),
    /** PostgreSQL: the state INSERT and the run UPDATE of a transition in one statement. */
    writeFlowTransition: `WITH s AS (${insertStateSql('flow')}) ${updateSql('flow_run', RUN_FIELDS)}`,
    writeTaskTransition: `WITH s AS (${insertStateSql('task')}) ${updateSql('task_run', TASK_RUN_FIELDS)}`,
  };

  /** Told of every concurrency limit whose slots change (the live events coalesce and publish them). */
  onConcurrencySlotsChanged: ((limitId: string) => void) | null = null;

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

  async readRun(q: Queryable, kind: RunKind, id: string): Promise<RunRecord | null> {
    const rows = await q.query(`SELECT * FROM "${TABLES[kind].run}" WHERE "id" = ?`, [id]);
    return rows[0] ? this.decodeRun(kind, rows[0]) : null;
  }

  /** The columns of a flow run the task rules read (FlowRunSummary); null when there is no such run. */
  async readFlowRunSummary(q: Queryable, id: string): Promise<FlowRunSummary | null> {
    const rows = await q.query(`SELECT "id", "stateType", "stateName", "runCount" FROM "flow_run" WHERE "id" = ?`, [
      id,
    ]);
    const row = rows[0];
    if (!row) return null;
    return {
      id: String(row.id),
      stateType: (row.stateType ?? null) as FlowRunSummary['stateType'],
      stateName: (row.stateName ?? null) as string | null,
      runCount: Number(row.runCount),
    };
  }

  /** Reads the run row and holds it until the transaction ends. */
  async lockRun(tx: Tx, kind: RunKind, id: string): Promise<RunRecord | null> {
    const rows = await tx.query(`SELECT * FROM "${TABLES[kind].run}" WHERE "id" = ?${tx.forUpdate}`, [id]);
    return rows[0] ? this.decodeRun(kind, rows[0]) : null;
  }

  /**
   * Locks the run row and reads it with its current state, in one statement. On PostgreSQL a locking
   * read that had to wait for another transaction re-checks the locked run row but not the joined
   * state row, so a joined state that is not the run's current one is read again (states are never
   * changed once written, so a matching one is current).
   */
  async lockRunWithState(
    tx: Tx,
    kind: RunKind,
    id: string,
    withFlowRun = false,
  ): Promise<{ run: RunRecord; state: StateRecord | null; flowRun?: FlowRunSummary | null } | null> {
    const { run, state } = TABLES[kind];
    const columns = STATE_COLUMNS.map((c) => `s."${c}" AS "s_${c}"`).join(', ');
    // A task run's flow run (what the task rules of → RUNNING read) comes in the same statement.
    const flow = withFlowRun && kind === 'task';
    const rows = await tx.query(
      `SELECT r.*, ${columns}${flow ? FLOW_SUMMARY_COLUMNS : ''} FROM "${run}" r LEFT JOIN "${state}" s ON s."id" = r."stateId"${
        flow ? ' LEFT JOIN "flow_run" f ON f."id" = r."flowRunId"' : ''
      } WHERE r."id" = ?${tx.forUpdate ? ' FOR UPDATE OF r' : ''}`,
      [id],
    );
    const row = rows[0];
    if (!row) return null;
    const found: { run: RunRecord; state: StateRecord | null; flowRun?: FlowRunSummary | null } =
      this.splitRunWithState(kind, row);
    if (flow) found.flowRun = flowRunSummaryOf(row);
    if ((found.state?.id ?? null) !== (found.run.stateId ?? null)) {
      found.state = found.run.stateId ? await this.readState(tx, kind, found.run.stateId) : null;
    }
    return found;
  }

  /** Splits a row of `run.*` plus `s_*` state columns into the run and its state. */
  splitRunWithState(kind: RunKind, row: Row): { run: RunRecord; state: StateRecord | null } {
    // One pass, decoding as it splits (this runs for every proposed state).
    const codec = this.db.codec;
    const runKinds = this.runCodecs[kind].kinds;
    const stateKinds = this.stateCodecs[kind].kinds;
    const run: Row = {};
    const state: Row = {};
    for (const key of Object.keys(row)) {
      if (key.startsWith('f_')) continue;
      if (key.startsWith('s_')) {
        const column = key.slice(2);
        state[column] = codec.decode(stateKinds.get(column), row[key]);
      } else run[key] = codec.decode(runKinds.get(key), row[key]);
    }
    return { run: run as unknown as RunRecord, state: state.id == null ? null : (state as unknown as StateRecord) };
  }

  async readState(q: Queryable, kind: RunKind, id: string): Promise<StateRecord | null> {
    const rows = await q.query(`SELECT * FROM "${TABLES[kind].state}" WHERE "id" = ?`, [id]);
    return rows[0] ? this.decodeState(kind, rows[0]) : null;
  }

  private stateValues(tx: Tx, runId: string, state: StateRecord): unknown[] {
    const c = tx.codec;
    return [
      state.id,
      c.encodeTimestamp(state.timestamp),
      runId,
      state.type,
      state.name,
      c.encodeTimestamp(state.timestamp),
      state.message,
      JSON.stringify(state.stateDetails),
      state.data == null ? null : JSON.stringify(state.data),
    ];
  }

  async insertState(tx: Tx, kind: RunKind, runId: string, state: StateRecord): Promise<void> {
    await tx.execute(
      kind === 'flow' ? this.sql.insertFlowState : this.sql.insertTaskState,
      this.stateValues(tx, runId, state),
    );
  }

  private runValues(tx: Tx, kind: RunKind, run: RunRecord): unknown[] {
    const fields = kind === 'flow' ? RUN_FIELDS : TASK_RUN_FIELDS;
    const kinds = this.runCodecs[kind].kinds;
    const record = run as unknown as Record<string, unknown>;
    const values = fields.map((f) => tx.codec.encode(kinds.get(f), record[f]));
    values.push(run.id);
    return values;
  }

  async saveRun(tx: Tx, kind: RunKind, run: RunRecord): Promise<void> {
    tx.send(kind === 'flow' ? this.sql.updateFlowRun : this.sql.updateTaskRun, this.runValues(tx, kind, run));
  }

  /**
   * Writes a transition: the new state row, and the run row's engine-owned fields. PostgreSQL does it
   * in one statement (the state INSERT as a data-modifying WITH), sent without waiting for its answer
   * (it shares the round trip of COMMIT: see `Tx.send`).
   */
  async writeTransition(tx: Tx, kind: RunKind, run: RunRecord, state: StateRecord): Promise<void> {
    if (tx.dialect !== 'postgres') {
      await this.insertState(tx, kind, run.id, state);
      await this.saveRun(tx, kind, run);
      return;
    }
    const sql = kind === 'flow' ? this.sql.writeFlowTransition : this.sql.writeTaskTransition;
    tx.send(sql, [...this.stateValues(tx, run.id, state), ...this.runValues(tx, kind, run)]);
  }

  /** The engine-owned fields of a run as they are now, to tell later whether a hook changed any. */
  runSnapshot(kind: RunKind, run: RunRecord): unknown[] {
    const record = run as unknown as Record<string, unknown>;
    return (kind === 'flow' ? RUN_FIELDS : TASK_RUN_FIELDS).map((f) => record[f]);
  }

  /** Whether a field of `run` was given another value since `snapshot` (fields are replaced, never mutated). */
  runChangedSince(kind: RunKind, run: RunRecord, snapshot: unknown[]): boolean {
    const record = run as unknown as Record<string, unknown>;
    return (kind === 'flow' ? RUN_FIELDS : TASK_RUN_FIELDS).some((f, i) => record[f] !== snapshot[i]);
  }

  /**
   * A new run record as the database would give it back after inserting `values` (entity properties;
   * columns not given are null): each value goes through the codec both ways, so JSON values are plain
   * copies and timestamps have the database's precision. The row itself is written by `insertNewRun`.
   */
  newRunRecord(kind: RunKind, values: Record<string, unknown>): RunRecord {
    const codec = this.runCodecs[kind];
    const c = this.db.codec;
    const record: Record<string, unknown> = {};
    for (const column of codec.columns) {
      const columnKind = codec.kinds.get(column);
      const value = values[column];
      // Timestamps are kept as (copies of) the Dates given, which have the database's millisecond precision.
      record[column] =
        columnKind === 'timestamp' && value instanceof Date
          ? new Date(value.getTime())
          : c.decode(columnKind, c.encode(columnKind, value));
    }
    return record as unknown as RunRecord;
  }

  /**
   * Inserts a new run row (every column, from the record) unless a run with the same unique key exists
   * (`conflict`, e.g. `("flowRunId", "taskKey", "dynamicKey")`); false when it did, and nothing was written.
   */
  async insertNewRun(tx: Tx, kind: RunKind, run: RunRecord, conflict: string): Promise<boolean> {
    return (await tx.execute(this.newRunSql(kind, conflict), this.newRunValues(tx, kind, run))) > 0;
  }

  /**
   * `insertNewRun` and then `insertState` for its first state. PostgreSQL does both in one statement
   * (the state is inserted from the run INSERT's RETURNING), sent without waiting for its answer (see
   * `Tx.send`): it always answers true, and a run whose unique key exists makes the transaction fail
   * with a unique violation of that key's constraint, raised by the next statement or the commit (the
   * caller treats it as the false answer).
   */
  async insertNewRunWithState(
    tx: Tx,
    kind: RunKind,
    run: RunRecord,
    state: StateRecord,
    conflict: string,
  ): Promise<boolean> {
    if (tx.dialect !== 'postgres') {
      if (!(await this.insertNewRun(tx, kind, run, conflict))) return false;
      await this.insertState(tx, kind, run.id, state);
      return true;
    }
    const { state: table, fk } = TABLES[kind];
    const sql = `WITH r AS (${this.newRunSql(kind, null)} RETURNING "id")
      INSERT INTO "${table}" ("id", "created", "${fk}", "type", "name", "timestamp", "message", "stateDetails", "data")
      SELECT ?::uuid, ?::timestamptz, r."id", ?::varchar, ?::varchar, ?::timestamptz, ?::text, ?::jsonb, ?::jsonb FROM r`;
    const stateValues = this.stateValues(tx, run.id, state);
    stateValues.splice(2, 1); // the run id comes from r
    tx.send(sql, [...this.newRunValues(tx, kind, run), ...stateValues]);
    return true;
  }

  /** The INSERT of a new run; with `conflict`, one that does nothing when that unique key exists. */
  private newRunSql(kind: RunKind, conflict: string | null): string {
    const key = `${kind} ${conflict}`;
    let sql = this.newRunStatements.get(key);
    if (!sql) {
      const columns = this.runCodecs[kind].columns;
      sql = `INSERT INTO "${TABLES[kind].run}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns
        .map(() => '?')
        .join(', ')})${conflict ? ` ON CONFLICT ${conflict} DO NOTHING` : ''}`;
      this.newRunStatements.set(key, sql);
    }
    return sql;
  }

  private newRunValues(tx: Tx, kind: RunKind, run: RunRecord): unknown[] {
    const codec = this.runCodecs[kind];
    const record = run as unknown as Record<string, unknown>;
    return codec.columns.map((c) => tx.codec.encode(codec.kinds.get(c), record[c]));
  }

  async insertDecisions(tx: Tx, input: DecisionRecordInput): Promise<void> {
    for (const d of input.decisions) {
      const row = this.rowStatement(tx, this.decisionCodec, {
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
      tx.send(row.sql, row.params);
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
    this.onConcurrencySlotsChanged?.(limitId);
  }

  /**
   * Inserts many new runs (with their state fields already set) in multi-row statements, skipping any
   * whose unique key exists (`conflict`); returns the ids that were inserted.
   */
  async insertRuns(tx: Tx, kind: RunKind, runs: RunRecord[], conflict: string): Promise<Set<string>> {
    const inserted = new Set<string>();
    const codec = this.runCodecs[kind];
    const columns = codec.columns;
    const chunk = Math.max(1, Math.floor(20_000 / columns.length));
    for (let i = 0; i < runs.length; i += chunk) {
      const part = runs.slice(i, i + chunk);
      const row = `(${columns.map(() => '?').join(', ')})`;
      const values = part.flatMap((run) => {
        const record = run as unknown as Record<string, unknown>;
        return columns.map((c) => tx.codec.encode(codec.kinds.get(c), record[c]));
      });
      const rows = await tx.query<{ id: string }>(
        `INSERT INTO "${TABLES[kind].run}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${part.map(() => row).join(', ')}
         ON CONFLICT ${conflict} DO NOTHING RETURNING "id"`,
        values,
      );
      for (const r of rows) inserted.add(String(r.id));
    }
    return inserted;
  }

  /** Inserts many states in multi-row statements. */
  async insertStates(tx: Tx, kind: RunKind, states: { runId: string; state: StateRecord }[]): Promise<void> {
    const { state: table, fk } = TABLES[kind];
    for (let i = 0; i < states.length; i += 1000) {
      const part = states.slice(i, i + 1000);
      await tx.execute(
        `INSERT INTO "${table}" ("id", "created", "${fk}", "type", "name", "timestamp", "message", "stateDetails", "data")
         VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        part.flatMap(({ runId, state }) => [
          state.id,
          tx.codec.encodeTimestamp(state.timestamp),
          runId,
          state.type,
          state.name,
          tx.codec.encodeTimestamp(state.timestamp),
          state.message,
          JSON.stringify(state.stateDetails),
          state.data == null ? null : JSON.stringify(state.data),
        ]),
      );
    }
  }

  /** A deployment's concurrency settings and slots, locked until commit. */
  async lockDeploymentSlots(
    tx: Tx,
    deploymentId: string,
  ): Promise<{ concurrencyLimit: number | null; collisionStrategy: string; activeSlots: string[] } | null> {
    const rows = await tx.query<Record<string, unknown>>(
      `SELECT "concurrencyLimit", "collisionStrategy", "activeSlots" FROM "deployment" WHERE "id" = ?${tx.forUpdate}`,
      [deploymentId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      concurrencyLimit: row.concurrencyLimit == null ? null : Number(row.concurrencyLimit),
      collisionStrategy: String(row.collisionStrategy),
      activeSlots: tx.codec.decode('json', row.activeSlots) as string[],
    };
  }

  async saveDeploymentSlots(tx: Tx, deploymentId: string, slots: string[]): Promise<void> {
    await tx.execute(`UPDATE "deployment" SET "activeSlots" = ? WHERE "id" = ?`, [JSON.stringify(slots), deploymentId]);
  }

  /** Inserts a row given as entity properties (columns not given take NULL). */
  async insertRow(q: Queryable, codec: EntityCodec, values: Record<string, unknown>): Promise<void> {
    const { sql, params } = this.rowStatement(q, codec, values);
    await q.execute(sql, params);
  }

  private rowStatement(
    q: Queryable,
    codec: EntityCodec,
    values: Record<string, unknown>,
  ): { sql: string; params: unknown[] } {
    const columns = codec.columns.filter((c) => c in values);
    return {
      sql: `INSERT INTO "${codec.table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      params: columns.map((c) => q.codec.encode(codec.kinds.get(c), values[c])),
    };
  }
}
