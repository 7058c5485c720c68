/**
 * Flow runs: idempotent creation with the first state proposed through the orchestration rules in the
 * same transaction, updates of the non-state fields, and the task-run graph of one run (the run
 * history of the charts is flow-run-history.ts).
 */
import { animals, colors, uniqueNamesGenerator } from 'unique-names-generator';
import type { Database, Row, Tx } from '../db/database';
import { FlowRunEntity, TaskRunEntity } from '../db/entities';
import { uuid7 } from '../db/ids';
import type { Clock } from '../orchestration/clock';
import type { FlowRunSummary, RunRecord, StateRecord } from '../orchestration/records';
import { nextUpdated } from '../orchestration/transforms/state';
import type { FlowRunCreateDto, FlowRunUpdateDto } from '../schemas/dto/flow-run.dto';
import { ObjectNotFoundError, PayloadTooLargeError } from '../schemas/errors';
import type { OrchestrationResult, StateProposal } from '../schemas/states';
import { ChangeSet, type NewRun, type OrchestrationService } from './orchestration.service';
import type { RunsService } from './runs.service';
import { runToApi, type ApiRun } from './serializers';

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
