/**
 * Flow runs: idempotent creation with the first state proposed through the orchestration rules in the
 * same transaction, updates of the non-state fields, the run-history buckets for charts, and the
 * task-run graph of one run.
 */
import { animals, colors, uniqueNamesGenerator } from 'unique-names-generator';
import type { Database, Row, Tx } from '../db/database';
import { FlowRunEntity, TaskRunEntity } from '../db/entities';
import { uuid7 } from '../db/ids';
import type { Clock } from '../orchestration/clock';
import type { FlowRunSummary, RunRecord, StateRecord } from '../orchestration/records';
import { nextUpdated } from '../orchestration/transforms/state';
import type { FlowRunHistoryDto } from '../schemas/dto/filters.dto';
import type { FlowRunCreateDto, FlowRunUpdateDto } from '../schemas/dto/flow-run.dto';
import { ObjectNotFoundError, PayloadTooLargeError, ValidationFailedError } from '../schemas/errors';
import type { OrchestrationResult, StateProposal } from '../schemas/states';
import { Where } from './filters';
import { ChangeSet, type NewRun, type OrchestrationService } from './orchestration.service';
import type { RunsService } from './runs.service';
import { runToApi, type ApiRun } from './serializers';

export const MAX_HISTORY_BUCKETS = 500;

export interface CreateRunResult {
  run: ApiRun;
  created: boolean;
  /** The outcome of proposing the first state (absent when an existing run was returned). */
  orchestrationResult?: OrchestrationResult;
}

export function readableRunName(): string {
  return uniqueNamesGenerator({ dictionaries: [colors, animals], separator: '-', length: 2 });
}

/** Inserts a run row without a state, or finds the existing one for the idempotency key. */
export async function insertRun(
  tx: Tx,
  db: Database,
  table: 'flow_run' | 'task_run',
  values: Record<string, unknown>,
  conflict: string,
  findExisting: () => Promise<string | null>,
): Promise<InsertedRun> {
  const codec = db.entity(table === 'flow_run' ? FlowRunEntity : TaskRunEntity);
  const columns = codec.columns.filter((c) => c in values);
  const inserted = await tx.query(
    `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
     ON CONFLICT ${conflict} DO NOTHING RETURNING *`,
    columns.map((c) => tx.codec.encode(codec.kinds.get(c), values[c])),
  );
  if (inserted[0]) return { id: String(inserted[0].id), created: true, row: inserted[0] };
  const existing = await findExisting();
  if (!existing) throw new Error(`insert into ${table} conflicted but no existing row was found`);
  return { id: existing, created: false };
}

/** What a run created from a deployment carries besides the API's create fields. */
export interface DeploymentRunFields {
  deploymentVersion?: string | null;
  workPoolName?: string | null;
  workQueueName?: string | null;
  workQueueId?: string | null;
  jobVariables?: Record<string, unknown> | null;
  autoScheduled?: boolean;
}

export interface InsertedRun {
  id: string;
  created: boolean;
  /** The new row (when created), as the database returned it. */
  row?: Row;
  /** A task run's enclosing flow run, when the insert already read it. */
  flowRun?: FlowRunSummary | null;
}

/** Common run-row values for a new flow run or task run. */
export function newRunValues(now: Date, name: string, tags: string[] | undefined, policy: object | undefined) {
  return {
    id: uuid7(now.getTime()),
    created: now,
    updated: now,
    name,
    tags: tags ?? [],
    empiricalPolicy: policy ?? {},
    runCount: 0,
    totalRunTime: 0,
  };
}

/**
 * Proposes the first state of a new run inside the creating transaction. If nothing was written (a
 * WAIT, say), the run is still given a Pending state, so that no run is ever without one. With
 * `newRun`, the run row is not stored yet: the first transition stores it (see OrchestrationService).
 */
export async function proposeFirstState(
  orchestration: OrchestrationService,
  tx: Tx,
  kind: 'flow' | 'task',
  run: RunRecord,
  proposal: StateProposal | undefined,
  changes: ChangeSet,
  flowRun?: FlowRunSummary | null,
  newRun?: NewRun,
): Promise<{ result: OrchestrationResult; run: RunRecord; state: StateRecord | null }> {
  const known = { initialState: null, flowRun };
  const outcome = await orchestration.transition(tx, kind, run, proposal ?? { type: 'PENDING' }, {}, changes, {
    initialState: null,
    flowRun,
    newRun,
  });
  if (outcome.written) return { result: outcome.result, run: outcome.run, state: outcome.state };
  const pending = await orchestration.transition(
    tx,
    kind,
    outcome.run,
    { type: 'PENDING' },
    { force: true },
    changes,
    known,
  );
  return { result: outcome.result, run: pending.run, state: pending.state };
}

export async function createRun(
  db: Database,
  orchestration: OrchestrationService,
  runs: RunsService,
  kind: 'flow' | 'task',
  insert: (tx: Tx) => Promise<InsertedRun>,
  proposal: StateProposal | undefined,
  clock: Clock,
): Promise<CreateRunResult> {
  const changes = new ChangeSet();
  const outcome = await db.transaction(async (tx) => {
    changes.clear();
    const { id, created, row, flowRun } = await insert(tx);
    if (!created || !row) return { id, created, first: null };
    const run = orchestration.store.decodeRun(kind, row);
    return { id, created, first: await proposeFirstState(orchestration, tx, kind, run, proposal, changes, flowRun) };
  });
  orchestration.publish(changes);
  if (!outcome.first) return { run: await runs.read(kind, outcome.id), created: false };
  const { result, run, state } = outcome.first;
  return { run: runToApi(kind, run, state, clock()), created: true, orchestrationResult: result };
}

export class FlowRunsService {
  constructor(
    private readonly db: Database,
    private readonly runs: RunsService,
    private readonly orchestration: OrchestrationService,
    private readonly clock: Clock,
    private readonly parametersLimitBytes: number,
  ) {}

  /** Creates a flow run; `extra` carries the fields a deployment run gets from its deployment. */
  async create(dto: FlowRunCreateDto, extra: DeploymentRunFields = {}): Promise<CreateRunResult> {
    const parameters = dto.parameters ?? {};
    if (Buffer.byteLength(JSON.stringify(parameters)) > this.parametersLimitBytes) {
      throw new PayloadTooLargeError(this.parametersLimitBytes, 'parameters');
    }
    const insert = async (tx: Tx) => {
      const flow = await tx.query(`SELECT "id" FROM "flow" WHERE "id" = ?`, [dto.flowId]);
      if (!flow[0]) throw new ObjectNotFoundError('Flow', dto.flowId);
      if (dto.deploymentId) {
        const deployment = await tx.query(`SELECT "id" FROM "deployment" WHERE "id" = ?`, [dto.deploymentId]);
        if (!deployment[0]) throw new ObjectNotFoundError('Deployment', dto.deploymentId);
      }
      const values = {
        ...newRunValues(this.clock(), dto.name ?? readableRunName(), dto.tags, dto.empiricalPolicy),
        flowId: dto.flowId,
        flowVersion: dto.flowVersion ?? null,
        parameters,
        idempotencyKey: dto.idempotencyKey ?? null,
        parentTaskRunId: dto.parentTaskRunId ?? null,
        deploymentId: dto.deploymentId ?? null,
        infrastructurePid: dto.infrastructurePid ?? null,
        autoScheduled: false,
        ...extra,
      };
      return insertRun(tx, this.db, 'flow_run', values, '("flowId", "idempotencyKey")', async () => {
        const rows = await tx.query<{ id: string }>(
          `SELECT "id" FROM "flow_run" WHERE "flowId" = ? AND "idempotencyKey" = ?`,
          [dto.flowId, dto.idempotencyKey ?? null],
        );
        return rows[0]?.id ?? null;
      });
    };
    return createRun(this.db, this.orchestration, this.runs, 'flow', insert, dto.state, this.clock);
  }

  async update(id: string, dto: FlowRunUpdateDto): Promise<ApiRun> {
    const fields = Object.entries(dto).filter(([, value]) => value !== undefined);
    if (fields.length === 0) return this.runs.read('flow', id);
    if (dto.parameters && Buffer.byteLength(JSON.stringify(dto.parameters)) > this.parametersLimitBytes) {
      throw new PayloadTooLargeError(this.parametersLimitBytes, 'parameters');
    }
    const codec = this.db.entity(FlowRunEntity);
    const now = this.clock();
    const changes = new ChangeSet();
    await this.db.transaction(async (tx) => {
      changes.clear();
      const run = await this.orchestration.store.lockRun(tx, 'flow', id);
      if (!run) throw new ObjectNotFoundError('Flow run', id);
      const values: Record<string, unknown> = { ...Object.fromEntries(fields), updated: nextUpdated(run.updated, now) };
      if (dto.empiricalPolicy) values.empiricalPolicy = { ...run.empiricalPolicy, ...dto.empiricalPolicy };
      const columns = Object.keys(values);
      await tx.execute(`UPDATE "flow_run" SET ${columns.map((c) => `"${c}" = ?`).join(', ')} WHERE "id" = ?`, [
        ...columns.map((c) => tx.codec.encode(codec.kinds.get(c), values[c])),
        id,
      ]);
      const updated = (await this.orchestration.store.readRun(tx, 'flow', id))!;
      const state = updated.stateId ? await this.orchestration.store.readState(tx, 'flow', updated.stateId) : null;
      changes.add('flow', updated, state);
    });
    this.orchestration.publish(changes);
    return this.runs.read('flow', id);
  }

  /** Records a heartbeat of the process running the flow run (crashed-run detection reads it). */
  /** Returns the run's current state, so the process learns of a cancellation at its next heartbeat. */
  async heartbeat(id: string): Promise<{ stateType: string | null; stateName: string | null }> {
    const now = this.db.codec.encodeTimestamp(this.clock());
    const rows = await this.db.transaction((tx) =>
      tx.query<{ stateType: string | null; stateName: string | null }>(
        `UPDATE "flow_run" SET "heartbeatTime" = ? WHERE "id" = ? RETURNING "stateType", "stateName"`,
        [now, id],
      ),
    );
    if (!rows[0]) throw new ObjectNotFoundError('Flow run', id);
    return { stateType: rows[0].stateType, stateName: rows[0].stateName };
  }

  /**
   * Run counts per time bucket and state, by expected start time, with the summed run time and
   * lateness (seconds) the dashboard's charts show.
   */
  async history(dto: FlowRunHistoryDto) {
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
    const where = new Where(this.db.dialect, this.db.codec).flowRunFilters(dto);
    const codec = this.db.codec;
    const epoch = (column: string) =>
      this.db.dialect === 'postgres'
        ? `EXTRACT(EPOCH FROM ${column})`
        : `((julianday(${column}) - 2440587.5) * 86400.0)`;
    const now = this.clock();
    const nowSeconds = now.getTime() / 1000;
    const runTime = `r."totalRunTime" + CASE WHEN r."stateType" = 'RUNNING' AND r."stateTimestamp" IS NOT NULL THEN ? - ${epoch('r."stateTimestamp"')} ELSE 0 END`;
    const lateness = `CASE WHEN r."startTime" IS NOT NULL THEN ${epoch('r."startTime"')} - ${epoch('r."expectedStartTime"')}
      WHEN r."stateType" IN ('SCHEDULED', 'PENDING') THEN ? - ${epoch('r."expectedStartTime"')} ELSE 0 END`;
    const bucket = `CAST(FLOOR((${epoch('r."expectedStartTime"')} - ?) / ?) AS INTEGER)`;
    const rows = await this.db.queryUnprepared<Record<string, unknown>>(
      `SELECT ${bucket} AS bucket, r."stateType" AS "stateType", r."stateName" AS "stateName", COUNT(*) AS "countRuns",
              SUM(${runTime}) AS "sumEstimatedRunTime", SUM(CASE WHEN (${lateness}) > 0 THEN (${lateness}) ELSE 0 END) AS "sumEstimatedLateness"
       FROM "flow_run" r
       WHERE r."expectedStartTime" >= ? AND r."expectedStartTime" < ? AND r."stateType" IS NOT NULL AND ${where.sql()}
       GROUP BY 1, 2, 3`,
      [
        start / 1000,
        interval / 1000,
        nowSeconds,
        nowSeconds,
        nowSeconds,
        codec.encodeTimestamp(new Date(start)),
        codec.encodeTimestamp(new Date(end)),
        ...where.params,
      ],
    );
    const out = Array.from({ length: buckets }, (_, i) => ({
      intervalStart: new Date(start + i * interval).toISOString(),
      intervalEnd: new Date(Math.min(start + (i + 1) * interval, end)).toISOString(),
      states: [] as {
        stateType: string;
        stateName: string;
        countRuns: number;
        sumEstimatedRunTime: number;
        sumEstimatedLateness: number;
      }[],
    }));
    for (const row of rows) {
      const target = out[Number(row.bucket)];
      if (!target) continue;
      target.states.push({
        stateType: String(row.stateType),
        stateName: String(row.stateName),
        countRuns: Number(row.countRuns),
        sumEstimatedRunTime: Number(row.sumEstimatedRunTime ?? 0),
        sumEstimatedLateness: Number(row.sumEstimatedLateness ?? 0),
      });
    }
    for (const b of out)
      b.states.sort((a, c) => a.stateType.localeCompare(c.stateType) || a.stateName.localeCompare(c.stateName));
    return out;
  }

  /** The task runs of a flow run for a Gantt view: timings, state and upstream task-run ids. */
  async graph(id: string) {
    await this.runs.assertExists('flow', id);
    const codec = this.db.codec;
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT t."id", t."name", t."taskKey", t."dynamicKey", t."stateType", t."stateName", t."startTime", t."endTime",
              t."expectedStartTime", t."totalRunTime", t."taskInputs", c."id" AS "childFlowRunId"
       FROM "task_run" t LEFT JOIN "flow_run" c ON c."parentTaskRunId" = t."id"
       WHERE t."flowRunId" = ? ORDER BY t."expectedStartTime" ASC NULLS LAST, t."id" ASC`,
      [id],
    );
    const iso = (v: unknown) => codec.decodeTimestamp(v)?.toISOString() ?? null;
    return {
      flowRunId: id,
      taskRuns: rows.map((row) => {
        const inputs = (typeof row.taskInputs === 'string' ? JSON.parse(row.taskInputs) : row.taskInputs) as Record<
          string,
          unknown
        > | null;
        const upstream = new Set<string>();
        for (const value of Object.values(inputs ?? {})) {
          for (const input of Array.isArray(value) ? value : []) {
            const ref = input as { inputType?: string; id?: string };
            if (ref?.inputType === 'task_run' && typeof ref.id === 'string') upstream.add(ref.id);
          }
        }
        return {
          id: row.id,
          name: row.name,
          taskKey: row.taskKey,
          dynamicKey: row.dynamicKey,
          state: row.stateType ? { type: row.stateType, name: row.stateName } : null,
          startTime: iso(row.startTime),
          endTime: iso(row.endTime),
          expectedStartTime: iso(row.expectedStartTime),
          totalRunTime: Number(row.totalRunTime ?? 0),
          upstreamDependencies: [...upstream],
          childFlowRunId: row.childFlowRunId ?? null,
        };
      }),
    };
  }
}
