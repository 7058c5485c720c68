/**
 * Task runs: idempotent creation on (flowRunId, taskKey, dynamicKey), with the first state proposed in
 * the same transaction — so the SDK's hot path creates a task run and starts it in one round trip.
 */
import type { Database, Tx } from '../db/database';
import type { Clock } from '../orchestration/clock';
import type { TaskRunCreateDto } from '../schemas/dto/task-run.dto';
import { ObjectNotFoundError } from '../schemas/errors';
import { createRun, insertRun, newRunValues, type CreateRunResult } from './flow-runs.service';
import type { OrchestrationService } from './orchestration.service';
import type { RunsService } from './runs.service';

export class TaskRunsService {
  constructor(
    private readonly db: Database,
    private readonly runs: RunsService,
    private readonly orchestration: OrchestrationService,
    private readonly clock: Clock,
  ) {}

  async create(dto: TaskRunCreateDto): Promise<CreateRunResult> {
    const insert = async (tx: Tx) => {
      // The flow run is read (not just checked) because the rules of the first state need it too.
      const flowRun = dto.flowRunId ? await this.orchestration.store.readRun(tx, 'flow', dto.flowRunId) : null;
      if (dto.flowRunId && !flowRun) throw new ObjectNotFoundError('Flow run', dto.flowRunId);
      const values = {
        ...newRunValues(this.clock(), dto.name ?? `${dto.taskKey}-${dto.dynamicKey}`, dto.tags, dto.empiricalPolicy),
        flowRunId: dto.flowRunId ?? null,
        taskKey: dto.taskKey,
        dynamicKey: dto.dynamicKey,
        cacheKey: dto.cacheKey ?? null,
        cacheExpiration: dto.cacheExpiration ? new Date(dto.cacheExpiration) : null,
        taskVersion: dto.taskVersion ?? null,
        taskInputs: dto.taskInputs ?? {},
        flowRunRunCount: 0,
      };
      const inserted = await insertRun(
        tx,
        this.db,
        'task_run',
        values,
        '("flowRunId", "taskKey", "dynamicKey")',
        async () => {
          const rows = await tx.query<{ id: string }>(
            `SELECT "id" FROM "task_run" WHERE "flowRunId" = ? AND "taskKey" = ? AND "dynamicKey" = ?`,
            [dto.flowRunId ?? null, dto.taskKey, dto.dynamicKey],
          );
          return rows[0]?.id ?? null;
        },
      );
      return { ...inserted, flowRun };
    };
    return createRun(this.db, this.orchestration, this.runs, 'task', insert, dto.state, this.clock);
  }
}
