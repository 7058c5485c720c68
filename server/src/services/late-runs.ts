/**
 * Late runs: runs named Scheduled more than `lateAfterSeconds` (15 s) past their scheduled time become
 * Late, through the orchestration rules (MarkLateRunsPolicy), keeping their scheduled time. Runs that
 * wait on purpose (AwaitingRetry, AwaitingConcurrencySlot, Resuming) are not late.
 */
import type { Database } from '../db/database';
import type { Clock } from '../orchestration/clock';
import { MarkLateRunsPolicy } from '../orchestration/policies';
import { LoopService } from './loop';
import type { OrchestrationService } from './orchestration.service';

export class LateRunsService extends LoopService {
  readonly name = 'late-run detection';

  constructor(
    private readonly db: Database,
    private readonly orchestration: OrchestrationService,
    private readonly clock: Clock,
    private readonly lateAfterSeconds: number,
    loopSeconds: number,
    log?: (message: string, error?: unknown) => void,
  ) {
    super(loopSeconds, log);
  }

  /** Marks every overdue scheduled run Late; returns their ids. */
  async runOnce(now: Date = this.clock()): Promise<string[]> {
    const cutoff = this.db.codec.encodeTimestamp(new Date(now.getTime() - this.lateAfterSeconds * 1000));
    const rows = await this.db.query<{ id: string; nextScheduledStartTime: unknown }>(
      `SELECT "id", "nextScheduledStartTime" FROM "flow_run" WHERE "stateType" = 'SCHEDULED' AND "stateName" = 'Scheduled'
       AND "nextScheduledStartTime" <= ? ORDER BY "nextScheduledStartTime" LIMIT 500`,
      [cutoff],
    );
    const marked: string[] = [];
    for (const row of rows) {
      const scheduledTime = this.db.codec.decodeTimestamp(row.nextScheduledStartTime)!.toISOString();
      const outcome = await this.orchestration
        .setState(
          'flow',
          row.id,
          { type: 'SCHEDULED', name: 'Late', stateDetails: { scheduledTime } },
          { policy: MarkLateRunsPolicy },
        )
        .catch(() => null);
      if (outcome?.written) marked.push(row.id);
    }
    return marked;
  }
}
