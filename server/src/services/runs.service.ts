/**
 * What flow runs and task runs share: reading a run with its current state, lists and counts with
 * filters, deletion, proposing a state, the recorded decisions and the state history. Creation differs
 * per kind and lives in flow-runs.service.ts and task-runs.service.ts.
 */
import type { Database, Queryable, Row } from '../db/database';
import { OrchestrationDecisionEntity } from '../db/entities';
import type { Clock } from '../orchestration/clock';
import type { RunRecord, StateRecord } from '../orchestration/records';
import { DEFAULT_LIMIT } from '../schemas/dto/common.dto';
import type {
  FlowFilter,
  FlowRunCountDto,
  FlowRunFilterDto,
  FlowRunFiltersDto,
  TaskRunCountDto,
  TaskRunFilterDto,
  TaskRunFiltersDto,
} from '../schemas/dto/filters.dto';
import type { SetStateDto } from '../schemas/dto/state.dto';
import { ObjectNotFoundError } from '../schemas/errors';
import type { OrchestrationDecision, OrchestrationResult, RunKind, State } from '../schemas/states';
import { flowRunOrder, taskRunOrder, Where } from './filters';
import { RUN_LABEL, type OrchestrationService } from './orchestration.service';
import { FlowRunSearch, type SearchUse } from './run-search';
import { runToApi, stateToApi, type ApiRun } from './serializers';

const TABLE: Record<RunKind, { run: string; state: string; fk: string; alias: string }> = {
  flow: { run: 'flow_run', state: 'flow_run_state', fk: 'flowRunId', alias: 'r' },
  task: { run: 'task_run', state: 'task_run_state', fk: 'taskRunId', alias: 't' },
};

const STATE_COLUMNS = ['id', 'type', 'name', 'timestamp', 'message', 'stateDetails', 'data'] as const;

/** `SELECT <run>.*, <state columns as s_*> FROM run LEFT JOIN state` — a run with its current state. */
export function runWithStateSelect(kind: RunKind): string {
  const { run, state, alias } = TABLE[kind];
  const stateColumns = STATE_COLUMNS.map((c) => `s."${c}" AS "s_${c}"`).join(', ');
  return `SELECT ${alias}.*, ${stateColumns} FROM "${run}" ${alias} LEFT JOIN "${state}" s ON s."id" = ${alias}."stateId"`;
}

/** A `flows` filter matching at most this many flows is resolved to their ids first (see `flowIdsOf`). */
const MAX_RESOLVED_FLOWS = 100;

/** A flow-run page of up to this many state types is merged from one index range per type on SQLite. */
const MAX_MERGED_STATE_TYPES = 10;

export class RunsService {
  private readonly search: FlowRunSearch;

  constructor(
    readonly db: Database,
    readonly orchestration: OrchestrationService,
    readonly clock: Clock,
  ) {
    this.search = new FlowRunSearch(db);
  }

  /** Splits a joined row into the run and its state, decoded. */
  decodeRunWithState(kind: RunKind, row: Row): { run: RunRecord; state: StateRecord | null } {
    const runRow: Row = {};
    const stateRow: Row = {};
    for (const [key, value] of Object.entries(row)) {
      if (key.startsWith('s_')) stateRow[key.slice(2)] = value;
      else runRow[key] = value;
    }
    const store = this.orchestration.store;
    const state = stateRow.id == null ? null : store.decodeState(kind, stateRow);
    return { run: store.decodeRun(kind, runRow), state };
  }

  toApi(kind: RunKind, row: Row, now = this.clock()): ApiRun {
    const { run, state } = this.decodeRunWithState(kind, row);
    return runToApi(kind, run, state, now);
  }

  async read(kind: RunKind, id: string, q: Pick<Queryable, 'query'> = this.db): Promise<ApiRun> {
    const { alias } = TABLE[kind];
    const rows = await q.query(`${runWithStateSelect(kind)} WHERE ${alias}."id" = ?`, [id]);
    if (!rows[0]) throw new ObjectNotFoundError(RUN_LABEL[kind], id);
    return this.toApi(kind, rows[0]);
  }

  /** `use`: what the query reads (a page of `offset + limit` in an indexed order, or a count). */
  private async where(
    kind: RunKind,
    dto: FlowRunFiltersDto | TaskRunFiltersDto,
    use: SearchUse = 'count',
  ): Promise<Where> {
    const where = new Where(this.db.dialect, this.db.codec);
    if (kind === 'task') return where.taskRunFilters(dto as TaskRunFiltersDto);
    const flowRuns = dto as FlowRunFiltersDto;
    where.flowRunFilters(flowRuns, flowRuns.flows ? await this.flowIdsOf(flowRuns.flows) : null);
    await this.search.narrow(where, flowRuns.flowRuns, use);
    return where;
  }

  /**
   * The ids of the flows a `flows` filter matches, when there are few: the run query then filters on
   * `flowId IN (ids)` (one id: an equality, which the `(flowId, expectedStartTime, id)` index serves in
   * the list's order) instead of a sub-select the planner cannot know to be one flow. Null when more
   * than MAX_RESOLVED_FLOWS match (the sub-select stays).
   */
  private async flowIdsOf(filter: FlowFilter): Promise<string[] | null> {
    const where = new Where(this.db.dialect, this.db.codec).flow('f', filter);
    const rows = await this.db.query<{ id: string }>(
      `SELECT f."id" FROM "flow" f WHERE ${where.sql()} ORDER BY f."id" LIMIT ?`,
      [...where.params, MAX_RESOLVED_FLOWS + 1],
    );
    return rows.length > MAX_RESOLVED_FLOWS ? null : rows.map((r) => r.id);
  }

  async filter(kind: RunKind, dto: FlowRunFilterDto | TaskRunFilterDto): Promise<ApiRun[]> {
    const limit = dto.limit ?? DEFAULT_LIMIT;
    const offset = dto.offset ?? 0;
    const merged = kind === 'flow' ? await this.mergedStatePages(dto as FlowRunFilterDto, limit, offset) : null;
    if (merged) return merged;
    const where = await this.where(kind, dto, { page: offset + limit });
    const order =
      kind === 'flow' ? flowRunOrder((dto as FlowRunFilterDto).sort) : taskRunOrder((dto as TaskRunFilterDto).sort);
    const { run, alias } = TABLE[kind];
    // The page's runs are found without their states, and only they are joined to theirs: past the
    // first page the skipped rows are read without a join (an index-only scan where the filter's index
    // covers the sort: page 200 of a state joined 5,000 states to return 25); on PostgreSQL the first
    // page too, since a filter not read in the list's order (a name search: 2,900 runs found by the
    // trigram index, then sorted) otherwise joins every match before the top 25 are kept (22 → 5 ms).
    const direct = offset === 0 && this.db.dialect === 'sqlite';
    const rows = await this.db.queryUnprepared(
      direct
        ? `${runWithStateSelect(kind)} WHERE ${where.sql()} ORDER BY ${order} LIMIT ?`
        : `${runWithStateSelect(kind)} WHERE ${alias}."id" IN (
             SELECT ${alias}."id" FROM "${run}" ${alias} WHERE ${where.sql()} ORDER BY ${order} LIMIT ? OFFSET ?
           ) ORDER BY ${order}`,
      direct ? [...where.params, limit] : [...where.params, limit, offset],
    );
    const now = this.clock();
    return rows.map((row) => this.toApi(kind, row, now));
  }

  /**
   * SQLite, a flow-run page of several state types in expected-start-time order: SQLite cannot merge
   * the `(stateType, expectedStartTime, id)` index ranges of the types in order, so `stateType IN (…)`
   * sorts every run of those types (0.2 s for Failed + Crashed over 1,000,000 runs). Each type's first
   * `offset + limit` runs are read in index order instead, and the page is cut from their union.
   * Null when this does not apply (PostgreSQL merges the ranges itself).
   */
  private async mergedStatePages(dto: FlowRunFilterDto, limit: number, offset: number): Promise<ApiRun[] | null> {
    const types = dto.flowRuns?.state?.type?.any;
    const sort = dto.sort ?? 'ID_DESC';
    if (this.db.dialect !== 'sqlite' || !types || types.length < 2 || types.length > MAX_MERGED_STATE_TYPES)
      return null;
    if (sort !== 'EXPECTED_START_TIME_DESC' && sort !== 'EXPECTED_START_TIME_ASC') return null;
    const order = flowRunOrder(sort);
    const branches: string[] = [];
    const params: unknown[] = [];
    for (const type of new Set(types)) {
      const state = { ...dto.flowRuns!.state, type: { ...dto.flowRuns!.state!.type, any: [type] } };
      const where = await this.where(
        'flow',
        { ...dto, flowRuns: { ...dto.flowRuns, state } },
        { page: offset + limit },
      );
      branches.push(
        `SELECT * FROM (SELECT r."id", r."expectedStartTime" FROM "flow_run" r WHERE ${where.sql()} ORDER BY ${order} LIMIT ?)`,
      );
      params.push(...where.params, offset + limit);
    }
    const rows = await this.db.queryUnprepared(
      `${runWithStateSelect('flow')} WHERE r."id" IN (
         SELECT r."id" FROM (${branches.join(' UNION ALL ')}) r ORDER BY ${order} LIMIT ? OFFSET ?
       ) ORDER BY ${order}`,
      [...params, limit, offset],
    );
    const now = this.clock();
    return rows.map((row) => this.toApi('flow', row, now));
  }

  /** Matching runs; with `limit`, at most that many (counting stops there, so the cost is bounded). */
  async count(kind: RunKind, dto: FlowRunCountDto | TaskRunCountDto): Promise<number> {
    const { run, alias } = TABLE[kind];
    const where = await this.where(kind, dto);
    const rows = await this.db.queryUnprepared<{ n: unknown }>(
      dto.limit === undefined
        ? `SELECT COUNT(*) AS n FROM "${run}" ${alias} WHERE ${where.sql()}`
        : `SELECT COUNT(*) AS n FROM (SELECT 1 FROM "${run}" ${alias} WHERE ${where.sql()} LIMIT ?) c`,
      dto.limit === undefined ? where.params : [...where.params, dto.limit],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Deletes a run; its states, task runs, decisions and logs go with it (foreign keys). */
  async delete(kind: RunKind, id: string): Promise<void> {
    const deleted = await this.db.transaction((tx) =>
      tx.execute(`DELETE FROM "${TABLE[kind].run}" WHERE "id" = ?`, [id]),
    );
    if (deleted === 0) throw new ObjectNotFoundError(RUN_LABEL[kind], id);
  }

  /** Proposes a state; `written` tells the route whether to answer 201 or 200. */
  async setState(
    kind: RunKind,
    id: string,
    dto: SetStateDto,
  ): Promise<{ result: OrchestrationResult; written: boolean }> {
    const outcome = await this.orchestration.setState(kind, id, dto.state, { force: dto.force ?? false });
    return { result: outcome.result, written: outcome.written };
  }

  async decisions(kind: RunKind, id: string): Promise<OrchestrationDecision[]> {
    await this.assertExists(kind, id);
    const column = kind === 'flow' ? 'flowRunId' : 'taskRunId';
    const rows = await this.db.query(
      `SELECT * FROM "orchestration_decision" WHERE "${column}" = ? ORDER BY "timestamp", "id"`,
      [id],
    );
    const codec = this.db.entity(OrchestrationDecisionEntity);
    return rows.map((row) => {
      const d = this.db.codec.decodeRow<Record<string, unknown> & { timestamp: Date }>(codec, row);
      const { flowRunId, taskRunId, ...rest } = d;
      return {
        ...rest,
        runId: (flowRunId ?? taskRunId) as string,
        timestamp: d.timestamp.toISOString(),
      } as OrchestrationDecision;
    });
  }

  /** The state history of a run, oldest first. */
  async states(kind: RunKind, runId: string): Promise<State[]> {
    await this.assertExists(kind, runId);
    const { state, fk } = TABLE[kind];
    const rows = await this.db.query(`SELECT * FROM "${state}" WHERE "${fk}" = ? ORDER BY "timestamp"`, [runId]);
    return rows.map((row) => stateToApi(this.orchestration.store.decodeState(kind, row))!);
  }

  async state(kind: RunKind, stateId: string): Promise<State & { runId: string }> {
    const { state, fk } = TABLE[kind];
    const rows = await this.db.query(`SELECT * FROM "${state}" WHERE "id" = ?`, [stateId]);
    if (!rows[0]) throw new ObjectNotFoundError(kind === 'flow' ? 'Flow run state' : 'Task run state', stateId);
    return { ...stateToApi(this.orchestration.store.decodeState(kind, rows[0]))!, runId: String(rows[0][fk]) };
  }

  async assertExists(kind: RunKind, id: string): Promise<void> {
    const rows = await this.db.query(`SELECT 1 AS x FROM "${TABLE[kind].run}" WHERE "id" = ?`, [id]);
    if (!rows[0]) throw new ObjectNotFoundError(RUN_LABEL[kind], id);
  }
}
