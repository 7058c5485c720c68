/**
 * What flow runs and task runs share: reading a run with its current state, lists and counts with
 * filters, deletion, proposing a state, the recorded decisions and the state history. Creation differs
 * per kind and lives in flow-runs.service.ts and task-runs.service.ts.
 */
import type { Database, Queryable, Row } from '../db/database';
import { OrchestrationDecisionEntity } from '../db/entities';
import type { Clock } from '../orchestration/clock';
import { runWithStateSelect } from '../orchestration/store';
import { DEFAULT_LIMIT } from '../schemas/dto/common.dto';
import type {
  FlowRunFilterDto,
  FlowRunFiltersDto,
  TaskRunFilterDto,
  TaskRunFiltersDto,
} from '../schemas/dto/filters.dto';
import type { SetStateDto } from '../schemas/dto/state.dto';
import { ObjectNotFoundError } from '../schemas/errors';
import type { OrchestrationDecision, OrchestrationResult, RunKind, State } from '../schemas/states';
import { flowRunOrder, taskRunOrder, Where } from './filters';
import { RUN_LABEL, type OrchestrationService } from './orchestration.service';
import { runToApi, stateToApi, type ApiRun } from './serializers';

const TABLE: Record<RunKind, { run: string; state: string; fk: string; alias: string }> = {
  flow: { run: 'flow_run', state: 'flow_run_state', fk: 'flowRunId', alias: 'r' },
  task: { run: 'task_run', state: 'task_run_state', fk: 'taskRunId', alias: 't' },
};

export class RunsService {
  constructor(
    readonly db: Database,
    readonly orchestration: OrchestrationService,
    readonly clock: Clock,
  ) {}

  toApi(kind: RunKind, row: Row, now = this.clock()): ApiRun {
    const { run, state } = this.orchestration.store.decodeRunWithState(kind, row);
    return runToApi(kind, run, state, now);
  }

  async read(kind: RunKind, id: string, q: Pick<Queryable, 'query'> = this.db): Promise<ApiRun> {
    const { alias } = TABLE[kind];
    const rows = await q.query(`${runWithStateSelect(kind)} WHERE ${alias}."id" = ?`, [id]);
    if (!rows[0]) throw new ObjectNotFoundError(RUN_LABEL[kind], id);
    return this.toApi(kind, rows[0]);
  }

  private where(kind: RunKind, dto: FlowRunFiltersDto | TaskRunFiltersDto): Where {
    const where = new Where(this.db.dialect, this.db.codec);
    return kind === 'flow'
      ? where.flowRunFilters(dto as FlowRunFiltersDto)
      : where.taskRunFilters(dto as TaskRunFiltersDto);
  }

  async filter(kind: RunKind, dto: FlowRunFilterDto | TaskRunFilterDto): Promise<ApiRun[]> {
    const where = this.where(kind, dto);
    const order =
      kind === 'flow' ? flowRunOrder((dto as FlowRunFilterDto).sort) : taskRunOrder((dto as TaskRunFilterDto).sort);
    const rows = await this.db.query(
      `${runWithStateSelect(kind)} WHERE ${where.sql()} ORDER BY ${order} LIMIT ? OFFSET ?`,
      [...where.params, dto.limit ?? DEFAULT_LIMIT, dto.offset ?? 0],
    );
    const now = this.clock();
    return rows.map((row) => this.toApi(kind, row, now));
  }

  async count(kind: RunKind, dto: FlowRunFiltersDto | TaskRunFiltersDto): Promise<number> {
    const { run, alias } = TABLE[kind];
    const where = this.where(kind, dto);
    const rows = await this.db.query<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM "${run}" ${alias} WHERE ${where.sql()}`,
      where.params,
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
