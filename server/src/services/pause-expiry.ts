/**
 * Paused runs past their pause timeout are failed ("paused and never resumed"), through the rules:
 * HandleResumingPausedFlows turns any proposal after the timeout into that Failed state.
 */
import type { Database } from '../db/database';
import type { Clock } from '../orchestration/clock';
import { LoopService } from './loop';
import type { OrchestrationService } from './orchestration.service';

export class PauseExpiryService extends LoopService {
  readonly name = 'pause expiry';

  constructor(
    private readonly db: Database,
    private readonly orchestration: OrchestrationService,
    private readonly clock: Clock,
    loopSeconds: number,
    log?: (message: string, error?: unknown) => void,
  ) {
    super(loopSeconds, log);
  }

  async runOnce(now: Date = this.clock()): Promise<string[]> {
    const rows = await this.db.query<{ id: string; stateDetails: unknown }>(
      `SELECT r."id", s."stateDetails" FROM "flow_run" r JOIN "flow_run_state" s ON s."id" = r."stateId"
       WHERE r."stateType" = 'PAUSED' ORDER BY r."id" LIMIT 1000`,
    );
    const failed: string[] = [];
    for (const row of rows) {
      const details = this.db.codec.decode('json', row.stateDetails) as { pauseTimeout?: string };
      if (!details.pauseTimeout || Date.parse(details.pauseTimeout) >= now.getTime()) continue;
      const outcome = await this.orchestration
        .setState('flow', row.id, { type: 'FAILED', message: 'Paused and never resumed' })
        .catch(() => null);
      if (outcome?.written) failed.push(row.id);
    }
    return failed;
  }
}
