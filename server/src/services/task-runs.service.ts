/**
 * Task runs: idempotent creation on (flowRunId, taskKey, dynamicKey), with the first state proposed in
 * the same transaction — so the SDK's hot path creates a task run and starts it in one round trip. The
 * new row is written once, already carrying its first state (the flow run read, the run INSERT, the
 * state INSERT); a create whose key exists rolls back and answers with the existing run.
 */
import type { Database } from '../db/database';
import type { Clock } from '../orchestration/clock';
import type { TaskRunCreateDto } from '../schemas/dto/task-run.dto';
import { ObjectNotFoundError } from '../schemas/errors';
import { newRunValues, proposeFirstState, type CreateRunResult } from './flow-runs.service';
import { ChangeSet, RunExistsError, type NewRun, type OrchestrationService } from './orchestration.service';
import type { RunsService } from './runs.service';
import { runToApi } from './serializers';

const TASK_RUN_KEY: NewRun = { conflict: '("flowRunId", "taskKey", "dynamicKey")', constraint: 'uq_task_run_key' };

export class TaskRunsService {
  constructor(
    private readonly db: Database,
    private readonly runs: RunsService,
    private readonly orchestration: OrchestrationService,
    private readonly clock: Clock,
  ) {}

  async create(dto: TaskRunCreateDto): Promise<CreateRunResult> {
    const { store } = this.orchestration;
    const changes = new ChangeSet();
    let first: Awaited<ReturnType<typeof proposeFirstState>>;
    try {
      first = await this.db.transaction(
        async (tx) => {
          changes.clear();
          // The flow run is read (not just checked) because the rules of the first state need it too.
          const flowRun = dto.flowRunId ? await store.readFlowRunSummary(tx, dto.flowRunId) : null;
          if (dto.flowRunId && !flowRun) throw new ObjectNotFoundError('Flow run', dto.flowRunId);
          // Fields added to the common values, not spread into a new object (a V8 hidden class per object).
          const values: Record<string, unknown> = newRunValues(
            this.clock(),
            dto.name ?? `${dto.taskKey}-${dto.dynamicKey}`,
            dto.tags,
            dto.empiricalPolicy,
          );
          values.flowRunId = dto.flowRunId ?? null;
          values.taskKey = dto.taskKey;
          values.dynamicKey = dto.dynamicKey;
          values.cacheKey = dto.cacheKey ?? null;
          values.cacheExpiration = dto.cacheExpiration ? new Date(dto.cacheExpiration) : null;
          values.taskVersion = dto.taskVersion ?? null;
          values.taskInputs = dto.taskInputs ?? {};
          values.flowRunRunCount = 0;
          const run = store.newRunRecord('task', values);
          return proposeFirstState(this.orchestration, tx, 'task', run, dto.state, changes, flowRun, TASK_RUN_KEY);
        },
        // Creates in a flow run (whose read is the first statement) share PostgreSQL group commits
        // (Database.runPgGroup); the group key is the new run's unique key.
        dto.flowRunId ? { group: `task-create:${dto.flowRunId}/${dto.taskKey}/${dto.dynamicKey}` } : undefined,
      );
    } catch (error) {
      if (!RunExistsError.caused(error, TASK_RUN_KEY)) throw error;
      return { run: await this.runs.read('task', await this.existingId(dto)), created: false };
    }
    this.orchestration.publish(changes);
    return {
      run: runToApi('task', first.run, first.state, this.clock()),
      created: true,
      orchestrationResult: first.result,
    };
  }

  private async existingId(dto: TaskRunCreateDto): Promise<string> {
    const rows = await this.db.query<{ id: string }>(
      `SELECT "id" FROM "task_run" WHERE "flowRunId" = ? AND "taskKey" = ? AND "dynamicKey" = ?`,
      [dto.flowRunId ?? null, dto.taskKey, dto.dynamicKey],
    );
    if (!rows[0]) throw new Error('insert into task_run conflicted but no existing row was found');
    return String(rows[0].id);
  }
}
