/**
 * Crashed-run detection (reliability.md promise 2): a flow run whose process stopped sending
 * heartbeats for 3 intervals (killed with SIGKILL, machine lost) is moved to CRASHED through the
 * orchestration rules, with the reason recorded; its running task runs follow. Also runs when a server
 * starts on a database that ephemeral scripts wrote.
 */
import type { Database } from '../db/database';
import type { Clock } from '../orchestration/clock';
import { LoopService } from './loop';
import type { OrchestrationService } from './orchestration.service';

export const MISSED_HEARTBEATS = 3;

export class CrashedRunsService extends LoopService {
  readonly name = 'crashed-run detection';

  constructor(
    private readonly db: Database,
    private readonly orchestration: OrchestrationService,
    private readonly clock: Clock,
    private readonly heartbeatIntervalSeconds: number,
    loopSeconds: number,
    log?: (message: string, error?: unknown) => void,
  ) {
    super(loopSeconds, log);
  }

  /** Crashes every silent run; returns the ids of the flow runs it crashed. */
  async runOnce(now: Date = this.clock()): Promise<string[]> {
    const silentFor = this.heartbeatIntervalSeconds * MISSED_HEARTBEATS;
    const cutoff = new Date(now.getTime() - silentFor * 1000);
    const encoded = this.db.codec.encodeTimestamp(cutoff);
    const rows = await this.db.query<{ id: string }>(
      `SELECT "id" FROM "flow_run" WHERE "stateType" IN ('RUNNING', 'CANCELLING')
       AND COALESCE("heartbeatTime", "stateTimestamp") < ? ORDER BY "id" LIMIT 500`,
      [encoded],
    );
    const crashed: string[] = [];
    for (const { id } of rows) {
      const message = `No heartbeat for more than ${silentFor} s: the process running this flow run stopped (killed, or its machine was lost)`;
      // A run being cancelled whose process is gone is simply Cancelled (its process cannot finish that).
      const cancelling = (
        await this.db.query<{ stateType: string }>(`SELECT "stateType" FROM "flow_run" WHERE "id" = ?`, [id])
      )[0];
      const proposal =
        cancelling?.stateType === 'CANCELLING'
          ? { type: 'CANCELLED' as const, message }
          : { type: 'CRASHED' as const, message };
      const outcome = await this.orchestration.setState('flow', id, proposal);
      if (!outcome.written) continue;
      crashed.push(id);
      // Its running task runs end the way the flow run did (Crashed, or Cancelled when it was being cancelled).
      const ended = outcome.state!.type === 'CANCELLED' ? 'CANCELLED' : 'CRASHED';
      const tasks = await this.db.query<{ id: string }>(
        `SELECT "id" FROM "task_run" WHERE "flowRunId" = ? AND "stateType" = 'RUNNING'`,
        [id],
      );
      for (const task of tasks) {
        await this.orchestration.setState('task', task.id, {
          type: ended,
          message: `Its flow run ${id} ${ended === 'CANCELLED' ? 'was cancelled' : 'crashed'}: ${message}`,
        });
      }
    }
    return crashed;
  }
}
