/**
 * Deployments: a flow made runnable on its own (its entrypoint, default parameters and their JSON
 * schema, work pool and queue, concurrency limit, schedules). Creating a run from a deployment checks
 * the parameters against the schema (422 naming the field) and puts the run in the deployment's
 * queue, SCHEDULED. Pausing a deployment or changing its schedules deletes its future auto-scheduled
 * runs; the scheduler fills them again. Every change (schedules included: they change the
 * deployment's `updated`) is published live as `deployment.updated` / `deployment.deleted`.
 */
import type { ValidateFunction } from 'ajv';
import type { Database, Queryable, Row, Tx } from '../db/database';
import { DeploymentEntity, DeploymentScheduleEntity } from '../db/entities';
import { uuid7 } from '../db/ids';
import type { Clock } from '../orchestration/clock';
import { scheduleProblems } from '../scheduling/schedules';
import { DEFAULT_LIMIT } from '../schemas/dto/common.dto';
import type {
  DeploymentCreateDto,
  DeploymentFlowRunCreateDto,
  DeploymentScheduleCreateDto,
  DeploymentScheduleUpdateDto,
  DeploymentUpdateDto,
} from '../schemas/dto/deployment.dto';
import type { DeploymentFilterDto, DeploymentFiltersDto } from '../schemas/dto/filters.dto';
import { ObjectNotFoundError, ValidationFailedError } from '../schemas/errors';
import { Where } from './filters';
import type { CreateRunResult, FlowRunsService } from './flow-runs.service';
import { compileSchema, newAjv, schemaProblems } from './json-schema';
import type { ObjectEvents } from './object-events';
import { placeholders } from './rows';
import type { WorkPoolsService } from './work-pools.service';

export type ApiDeployment = Record<string, unknown> & {
  id: string;
  updated: string;
  name: string;
  flowId: string;
  paused: boolean;
  parameters: Record<string, unknown>;
  parameterSchema: Record<string, unknown>;
  enforceParameterSchema: boolean;
  workPoolName: string | null;
  workQueueName: string | null;
  workQueueId: string | null;
  tags: string[];
  version: string | null;
  schedules: ApiSchedule[];
};

export type ApiSchedule = Record<string, unknown> & {
  id: string;
  deploymentId: string;
  schedule: Record<string, unknown>;
  active: boolean;
};

const ORDER: Record<string, string> = {
  NAME_ASC: 'd."name" ASC, d."id"',
  NAME_DESC: 'd."name" DESC, d."id"',
  CREATED_DESC: 'd."created" DESC, d."id" DESC',
  UPDATED_DESC: 'd."updated" DESC, d."id" DESC',
};

const NO_POOL = 'names a queue, but the deployment has no work pool (set workPoolName)';

/** Compiled parameter schemas kept (the cache is emptied when it reaches this size). */
const MAX_CACHED_VALIDATORS = 500;

function iso<T extends Record<string, unknown>>(row: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = v instanceof Date ? v.toISOString() : v;
  return out as T;
}

export class DeploymentsService {
  private readonly ajv = newAjv();
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(
    private readonly db: Database,
    private readonly flowRuns: FlowRunsService,
    private readonly workPools: WorkPoolsService,
    private readonly clock: Clock,
    private readonly objects: ObjectEvents,
  ) {}

  private decode(row: Row): Omit<ApiDeployment, 'schedules'> {
    return iso(this.db.codec.decodeRow<Omit<ApiDeployment, 'schedules'>>(this.db.entity(DeploymentEntity), row));
  }

  private decodeSchedule(row: Row): ApiSchedule {
    return iso(this.db.codec.decodeRow<ApiSchedule>(this.db.entity(DeploymentScheduleEntity), row));
  }

  private async withSchedules(
    q: Pick<Queryable, 'query'>,
    deployments: Omit<ApiDeployment, 'schedules'>[],
  ): Promise<ApiDeployment[]> {
    if (deployments.length === 0) return [];
    const ids = deployments.map((d) => d.id);
    const rows = await q.query(
      `SELECT * FROM "deployment_schedule" WHERE "deploymentId" IN (${ids.map(() => '?').join(', ')}) ORDER BY "created", "id"`,
      ids,
    );
    const schedules = rows.map((row) => this.decodeSchedule(row));
    return deployments.map(
      (d) => ({ ...d, schedules: schedules.filter((s) => s.deploymentId === d.id) }) as ApiDeployment,
    );
  }

  private checkSchedules(schedules: { schedule?: Record<string, unknown> }[], prefix: string): void {
    const problems = schedules.flatMap((s, i) =>
      s.schedule
        ? scheduleProblems(s.schedule).map((p) => ({
            field: `${prefix}${prefix ? `[${i}].` : ''}${p.field}`,
            message: p.message,
          }))
        : [],
    );
    if (problems.length)
      throw new ValidationFailedError(
        `Invalid schedule: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
        problems,
      );
  }

  private checkSchema(schema: Record<string, unknown> | undefined): void {
    if (!schema) return;
    try {
      compileSchema(this.ajv, schema);
    } catch (error) {
      throw ValidationFailedError.field('parameterSchema', `is not a valid JSON schema: ${(error as Error).message}`);
    }
  }

  /** Resolves the pool and queue a deployment names (404 when the pool does not exist). */
  private async queueFields(dto: { workPoolName?: string; workQueueName?: string }) {
    if (!dto.workPoolName) {
      if (dto.workQueueName) throw ValidationFailedError.field('workQueueName', NO_POOL);
      return { workPoolName: null, workQueueName: null, workQueueId: null };
    }
    const queue = await this.workPools.resolveQueue(dto.workPoolName, dto.workQueueName);
    return { workPoolName: dto.workPoolName, workQueueName: queue.name, workQueueId: queue.id };
  }

  /** Creates the deployment, or updates the one with the same flow and name (`created` tells which). */
  async create(dto: DeploymentCreateDto): Promise<{ deployment: ApiDeployment; created: boolean }> {
    this.checkSchedules(dto.schedules ?? [], 'schedules');
    this.checkSchema(dto.parameterSchema);
    const queue = await this.queueFields(dto);
    const now = this.clock();
    const values: Record<string, unknown> = {
      name: dto.name,
      flowId: dto.flowId,
      version: dto.version ?? null,
      description: dto.description ?? null,
      tags: dto.tags ?? [],
      entrypoint: dto.entrypoint,
      path: dto.path ?? null,
      parameters: dto.parameters ?? {},
      parameterSchema: dto.parameterSchema ?? {},
      enforceParameterSchema: dto.enforceParameterSchema ?? true,
      ...queue,
      paused: dto.paused ?? false,
      concurrencyLimit: dto.concurrencyLimit ?? null,
      collisionStrategy: dto.collisionStrategy ?? 'ENQUEUE',
      jobVariables: dto.jobVariables ?? {},
      updated: now,
    };
    const codec = this.db.entity(DeploymentEntity);
    const result = await this.db.transaction(async (tx) => {
      const flow = await tx.query(`SELECT "id" FROM "flow" WHERE "id" = ?`, [dto.flowId]);
      if (!flow[0]) throw new ObjectNotFoundError('Flow', dto.flowId);
      const existing = await tx.query<{ id: string }>(
        `SELECT "id" FROM "deployment" WHERE "flowId" = ? AND "name" = ?${tx.forUpdate}`,
        [dto.flowId, dto.name],
      );
      const id = existing[0]?.id ?? uuid7(now.getTime());
      const enc = (k: string) => tx.codec.encode(codec.kinds.get(k), values[k]);
      if (existing[0]) {
        const keys = Object.keys(values);
        await tx.execute(`UPDATE "deployment" SET ${keys.map((k) => `"${k}" = ?`).join(', ')} WHERE "id" = ?`, [
          ...keys.map(enc),
          id,
        ]);
        await this.deleteFutureAutoScheduledRuns(tx, id);
      } else {
        const all = { ...values, id, created: now, activeSlots: [] };
        const keys = Object.keys(all);
        await tx.execute(
          `INSERT INTO "deployment" (${keys.map((k) => `"${k}"`).join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`,
          [...keys.map((k) => tx.codec.encode(codec.kinds.get(k), all[k as keyof typeof all]))],
        );
      }
      if (dto.schedules) {
        await tx.execute(`DELETE FROM "deployment_schedule" WHERE "deploymentId" = ?`, [id]);
        for (const schedule of dto.schedules) await this.insertSchedule(tx, id, schedule, now);
      }
      return { id, created: !existing[0] };
    });
    return { deployment: await this.readAndPublish(result.id), created: result.created };
  }

  /** Reads the deployment after a committed change and publishes it. */
  private async readAndPublish(id: string): Promise<ApiDeployment> {
    const deployment = await this.read(id);
    this.objects.updated('deployment', deployment);
    return deployment;
  }

  /** Deployments by id (live events). */
  async byIds(ids: string[]): Promise<ApiDeployment[]> {
    const rows = await this.db.query(`SELECT * FROM "deployment" WHERE "id" IN (${placeholders(ids.length)})`, ids);
    return this.withSchedules(
      this.db,
      rows.map((row) => this.decode(row)),
    );
  }

  /** A schedule changed: so did the deployment (its `updated` tells the change feeds). */
  private async touch(tx: Tx, id: string, now: Date): Promise<void> {
    await tx.execute(`UPDATE "deployment" SET "updated" = ? WHERE "id" = ?`, [tx.codec.encodeTimestamp(now), id]);
  }

  private async insertSchedule(
    tx: Tx,
    deploymentId: string,
    dto: DeploymentScheduleCreateDto,
    now: Date,
  ): Promise<string> {
    const id = uuid7(now.getTime());
    await tx.execute(
      `INSERT INTO "deployment_schedule" ("id", "created", "updated", "deploymentId", "schedule", "active", "parameters", "maxScheduledRuns")
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        tx.codec.encodeTimestamp(now),
        tx.codec.encodeTimestamp(now),
        deploymentId,
        JSON.stringify(dto.schedule),
        tx.codec.encode('boolean', dto.active ?? true),
        JSON.stringify(dto.parameters ?? {}),
        dto.maxScheduledRuns ?? null,
      ],
    );
    return id;
  }

  async read(id: string, q: Pick<Queryable, 'query'> = this.db): Promise<ApiDeployment> {
    const rows = await q.query(`SELECT * FROM "deployment" WHERE "id" = ?`, [id]);
    if (!rows[0]) throw new ObjectNotFoundError('Deployment', id);
    return (await this.withSchedules(q, [this.decode(rows[0])]))[0]!;
  }

  async readByName(flowName: string, deploymentName: string): Promise<ApiDeployment> {
    const rows = await this.db.query(
      `SELECT d.* FROM "deployment" d JOIN "flow" f ON f."id" = d."flowId" WHERE f."name" = ? AND d."name" = ?`,
      [flowName, deploymentName],
    );
    if (!rows[0]) throw new ObjectNotFoundError('Deployment', `${flowName}/${deploymentName}`);
    return (await this.withSchedules(this.db, [this.decode(rows[0])]))[0]!;
  }

  private where(dto: DeploymentFiltersDto): Where {
    const where = new Where(this.db.dialect, this.db.codec);
    const d = dto.deployments;
    where
      .uuid('d."id"', d?.id)
      .string('d."name"', d?.name)
      .tags('d."tags"', d?.tags)
      .string('d."workPoolName"', d?.workPoolName);
    if (d?.paused !== undefined) where.add('d."paused" = ?', this.db.codec.encode('boolean', d.paused));
    where.sub(
      (w) => w.flow('f', dto.flows),
      (inner) => `d."flowId" IN (SELECT f."id" FROM "flow" f WHERE ${inner})`,
    );
    return where;
  }

  async filter(dto: DeploymentFilterDto): Promise<ApiDeployment[]> {
    const where = this.where(dto);
    const rows = await this.db.query(
      `SELECT d.* FROM "deployment" d WHERE ${where.sql()} ORDER BY ${ORDER[dto.sort ?? 'NAME_ASC']} LIMIT ? OFFSET ?`,
      [...where.params, dto.limit ?? DEFAULT_LIMIT, dto.offset ?? 0],
    );
    return this.withSchedules(
      this.db,
      rows.map((row) => this.decode(row)),
    );
  }

  async count(dto: DeploymentFiltersDto): Promise<number> {
    const where = this.where(dto);
    const rows = await this.db.query<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM "deployment" d WHERE ${where.sql()}`,
      where.params,
    );
    return Number(rows[0]?.n ?? 0);
  }

  async update(id: string, dto: DeploymentUpdateDto): Promise<ApiDeployment> {
    const current = await this.read(id);
    this.checkSchema(dto.parameterSchema);
    const values: Record<string, unknown> = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined));
    if (dto.workPoolName !== undefined || dto.workQueueName !== undefined) {
      Object.assign(
        values,
        await this.queueFields({
          workPoolName: dto.workPoolName ?? current.workPoolName ?? undefined,
          workQueueName: dto.workQueueName ?? current.workQueueName ?? undefined,
        }),
      );
    }
    if (Object.keys(values).length === 0) return current;
    values.updated = this.clock();
    const codec = this.db.entity(DeploymentEntity);
    await this.db.transaction(async (tx) => {
      const keys = Object.keys(values);
      await tx.execute(`UPDATE "deployment" SET ${keys.map((k) => `"${k}" = ?`).join(', ')} WHERE "id" = ?`, [
        ...keys.map((k) => tx.codec.encode(codec.kinds.get(k), values[k])),
        id,
      ]);
      await this.deleteFutureAutoScheduledRuns(tx, id);
    });
    return this.readAndPublish(id);
  }

  async setPaused(id: string, paused: boolean): Promise<ApiDeployment> {
    return this.update(id, { paused });
  }

  /** Deletes the deployment with its schedules and its runs that have not started. */
  async delete(id: string): Promise<void> {
    const event = await this.db.transaction(async (tx) => {
      const rows = await tx.query<{ name: string; flowId: string }>(
        `SELECT "name", "flowId" FROM "deployment" WHERE "id" = ?`,
        [id],
      );
      await tx.execute(`DELETE FROM "flow_run" WHERE "deploymentId" = ? AND "stateType" = 'SCHEDULED'`, [id]);
      const deleted = await tx.execute(`DELETE FROM "deployment" WHERE "id" = ?`, [id]);
      if (deleted === 0 || !rows[0]) throw new ObjectNotFoundError('Deployment', id);
      return this.objects.recordDeletion(tx, 'deployment', {
        id,
        name: String(rows[0].name),
        flowId: String(rows[0].flowId),
      });
    });
    this.objects.publish(event);
  }

  /** Removes SCHEDULED runs the scheduler made for the future (they are rebuilt from the new settings). */
  async deleteFutureAutoScheduledRuns(tx: Tx, deploymentId: string, scheduleId?: string): Promise<number> {
    const now = tx.codec.encodeTimestamp(this.clock());
    const bySchedule = scheduleId ? ` AND "idempotencyKey" LIKE ?` : '';
    return tx.execute(
      `DELETE FROM "flow_run" WHERE "deploymentId" = ? AND "autoScheduled" = ? AND "stateType" = 'SCHEDULED'
       AND "nextScheduledStartTime" > ?${bySchedule}`,
      [
        deploymentId,
        tx.codec.encode('boolean', true),
        now,
        ...(scheduleId ? [`scheduled ${deploymentId} ${scheduleId} %`] : []),
      ],
    );
  }

  async addSchedule(id: string, dto: DeploymentScheduleCreateDto): Promise<ApiSchedule> {
    this.checkSchedules([dto], '');
    await this.read(id);
    const now = this.clock();
    const scheduleId = await this.db.transaction(async (tx) => {
      await this.touch(tx, id, now);
      return this.insertSchedule(tx, id, dto, now);
    });
    return (await this.readAndPublish(id)).schedules.find((s) => s.id === scheduleId)!;
  }

  async updateSchedule(id: string, scheduleId: string, dto: DeploymentScheduleUpdateDto): Promise<ApiSchedule> {
    this.checkSchedules([dto], '');
    const codec = this.db.entity(DeploymentScheduleEntity);
    const now = this.clock();
    const values: Record<string, unknown> = {
      ...Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)),
      updated: now,
    };
    await this.db.transaction(async (tx) => {
      const keys = Object.keys(values);
      const changed = await tx.execute(
        `UPDATE "deployment_schedule" SET ${keys.map((k) => `"${k}" = ?`).join(', ')} WHERE "id" = ? AND "deploymentId" = ?`,
        [...keys.map((k) => tx.codec.encode(codec.kinds.get(k), values[k])), scheduleId, id],
      );
      if (changed === 0) throw new ObjectNotFoundError('Deployment schedule', scheduleId);
      await this.touch(tx, id, now);
      await this.deleteFutureAutoScheduledRuns(tx, id, scheduleId);
    });
    return (await this.readAndPublish(id)).schedules.find((s) => s.id === scheduleId)!;
  }

  async deleteSchedule(id: string, scheduleId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const deleted = await tx.execute(`DELETE FROM "deployment_schedule" WHERE "id" = ? AND "deploymentId" = ?`, [
        scheduleId,
        id,
      ]);
      if (deleted === 0) throw new ObjectNotFoundError('Deployment schedule', scheduleId);
      await this.touch(tx, id, this.clock());
      await this.deleteFutureAutoScheduledRuns(tx, id, scheduleId);
    });
    await this.readAndPublish(id);
  }

  /** Checks parameters against the deployment's schema; throws 422 naming every bad field. */
  validateParameters(deployment: ApiDeployment, parameters: Record<string, unknown>): void {
    const schema = deployment.parameterSchema;
    if (!deployment.enforceParameterSchema || !schema || Object.keys(schema).length === 0) return;
    // Keyed by the schema itself: `updated` can stay the same across a change (same millisecond).
    const key = JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (!validate) {
      validate = compileSchema(this.ajv, schema);
      if (this.validators.size >= MAX_CACHED_VALIDATORS) this.validators.clear();
      this.validators.set(key, validate);
    }
    if (!validate(parameters)) {
      const problems = schemaProblems(validate.errors, 'parameters', 'is not a parameter of this flow');
      throw new ValidationFailedError(
        `Invalid parameters: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
        problems,
      );
    }
  }

  /** A run of the deployment, in its queue; SCHEDULED for now unless another state is proposed. */
  async createFlowRun(id: string, dto: DeploymentFlowRunCreateDto): Promise<CreateRunResult> {
    const deployment = await this.read(id);
    const parameters = { ...deployment.parameters, ...(dto.parameters ?? {}) };
    this.validateParameters(deployment, parameters);
    if (dto.workQueueName && !deployment.workPoolName) throw ValidationFailedError.field('workQueueName', NO_POOL);
    const queue =
      dto.workQueueName && deployment.workPoolName
        ? await this.workPools.resolveQueue(deployment.workPoolName, dto.workQueueName)
        : null;
    return this.flowRuns.create(
      {
        flowId: deployment.flowId,
        deploymentId: deployment.id,
        name: dto.name,
        parameters,
        tags: [...new Set([...deployment.tags, ...(dto.tags ?? [])])],
        idempotencyKey: dto.idempotencyKey,
        state: dto.state ?? { type: 'SCHEDULED', stateDetails: { scheduledTime: this.clock().toISOString() } },
      },
      {
        deploymentVersion: deployment.version,
        workPoolName: deployment.workPoolName,
        workQueueName: queue?.name ?? deployment.workQueueName,
        workQueueId: queue?.id ?? deployment.workQueueId,
        jobVariables: { ...((deployment.jobVariables as Record<string, unknown>) ?? {}), ...(dto.jobVariables ?? {}) },
      },
    );
  }
}
