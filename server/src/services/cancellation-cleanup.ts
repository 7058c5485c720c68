/**
 * When a flow run is cancelled, what ran inside it follows: its subflow runs that have not finished are
 * cancelled (CANCELLING when a process of their own may be running them — a deployment run, or one not
 * started yet or paused, which the rules turn into Cancelled when there is no process — otherwise, an
 * inline subflow that ran in the cancelled parent's process, Cancelled), and its unfinished task runs
 * are marked Cancelled.
 */
import type { Database } from '../db/database';
import type { Clock } from '../orchestration/clock';
import { LoopService } from './loop';
import type { OrchestrationService } from './orchestration.service';

const NOT_FINAL = `('SCHEDULED', 'PENDING', 'RUNNING', 'PAUSED')`;

export class CancellationCleanupService extends LoopService {
  readonly name = 'cancellation cleanup';

  constructor(
    private readonly db: Database,
    private readonly orchestration: OrchestrationService,
    private readonly clock: Clock,
    loopSeconds: number,
    log?: (message: string, error?: unknown) => void,
  ) {
    super(loopSeconds, log);
  }

  /** Cancels what still runs inside cancelled flow runs; returns the ids of the runs it moved. */
  async runOnce(): Promise<string[]> {
    const moved: string[] = [];
    const subflows = await this.db.query<{ id: string; stateType: string; deploymentId: string | null }>(
      `SELECT c."id", c."stateType", c."deploymentId" FROM "flow_run" c JOIN "task_run" t ON t."id" = c."parentTaskRunId"
       JOIN "flow_run" p ON p."id" = t."flowRunId"
       WHERE p."stateType" = 'CANCELLED' AND c."stateType" IN ${NOT_FINAL} LIMIT 500`,
    );
    for (const child of subflows) {
      const ownProcess = child.deploymentId != null || child.stateType === 'SCHEDULED' || child.stateType === 'PAUSED';
      const type = ownProcess ? 'CANCELLING' : 'CANCELLED';
      const outcome = await this.orchestration
        .setState('flow', child.id, { type, message: 'The parent flow run was cancelled' })
        .catch(() => null);
      if (outcome?.written) moved.push(child.id);
    }
    const tasks = await this.db.query<{ id: string }>(
      `SELECT t."id" FROM "task_run" t JOIN "flow_run" p ON p."id" = t."flowRunId"
       WHERE p."stateType" = 'CANCELLED' AND t."stateType" IN ${NOT_FINAL} AND t."id" NOT IN
         (SELECT c."parentTaskRunId" FROM "flow_run" c WHERE c."parentTaskRunId" IS NOT NULL AND c."parentTaskRunId" = t."id") LIMIT 500`,
    );
    for (const task of tasks) {
      const outcome = await this.orchestration
        .setState('task', task.id, { type: 'CANCELLED', message: 'Its flow run was cancelled' }, { force: true })
        .catch(() => null);
      if (outcome?.written) moved.push(task.id);
    }
    return moved;
  }
}
