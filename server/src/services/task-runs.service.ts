/**
 * Task runs: idempotent creation on (flowRunId, taskKey, dynamicKey), with the first state proposed in
 * the same transaction — so the SDK's hot path creates a task run and starts it in one round trip.
 */
import type { Database } from '../db/database';
import type { Clock } from '../orchestration/clock';
import type { TaskRunCreateDto } from '../schemas/dto/task-run.dto';
import { ObjectNotFoundError } from '../schemas/errors';
import { insertRun, newRunValues, proposeFirstState, type CreateRunResult } from './flow-runs.service';
import { ChangeSet, type OrchestrationService } from './orchestration.service';
import type { RunsService } from './runs.service';

export class TaskRunsService {
  constructor(
    private readonly db: Database,
    private readonly runs: RunsService,
    private readonly orchestration: OrchestrationService,
    private readonly clock: Clock,
  ) {}

  async create(dto: TaskRunCreateDto): Promise<CreateRunResult> {
    const changes = new ChangeSet();
    const result = await this.db.transaction(async (tx) => {
      changes.clear();
      if (dto.flowRunId) {
        const flowRun = await tx.query(`SELECT "id" FROM "flow_run" WHERE "id" = ?`, [dto.flowRunId]);
        if (!flowRun[0]) throw new ObjectNotFoundError('Flow run', dto.flowRunId);
      }
      const now = this.clock();
      const values = {
        ...newRunValues(now, dto.name ?? `${dto.taskKey}-${dto.dynamicKey}`, dto.tags, dto.empiricalPolicy),
        flowRunId: dto.flowRunId ?? null,
        taskKey: dto.taskKey,
        dynamicKey: dto.dynamicKey,
        cacheKey: dto.cacheKey ?? null,
        cacheExpiration: dto.cacheExpiration ? new Date(dto.cacheExpiration) : null,
        taskVersion: dto.taskVersion ?? null,
        taskInputs: dto.taskInputs ?? {},
        flowRunRunCount: 0,
      };
      const conflict = '("flowRunId", "taskKey", "dynamicKey")';
      const { id, created } = await insertRun(tx, this.db, 'task_run', values, conflict, async () => {
        const rows = await tx.query<{ id: string }>(
          `SELECT "id" FROM "task_run" WHERE "flowRunId" = ? AND "taskKey" = ? AND "dynamicKey" = ?`,
          [dto.flowRunId ?? null, dto.taskKey, dto.dynamicKey],
        );
        return rows[0]?.id ?? null;
      });
      if (!created) return { id, created, orchestrationResult: undefined };
      const locked = (await this.orchestration.store.lockRun(tx, 'task', id))!;
      const orchestrationResult = await proposeFirstState(this.orchestration, tx, 'task', locked, dto.state, changes);
      return { id, created, orchestrationResult };
    });
    this.orchestration.publish(changes);
    const run = await this.runs.read('task', result.id);
    return {
      run,
      created: result.created,
      ...(result.orchestrationResult ? { orchestrationResult: result.orchestrationResult } : {}),
    };
  }
}
