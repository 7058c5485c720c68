/**
 * The scheduler keeps each active schedule of each active deployment filled with future runs: at
 * least `minRuns` and `minTime` ahead, at most `maxRuns` and `maxTime` ahead (3 runs / 1 hour; 100 runs /
 * 100 days by default). Runs get deterministic idempotency keys (`scheduled <deployment> <schedule>
 * <time>`), so passes are idempotent and two schedulers never duplicate a run; on PostgreSQL only the
 * holder of the leader lease schedules at all. New runs are written in bulk, their first state
 * (SCHEDULED) orchestrated like any other.
 */
import type { Database, Row } from '../db/database';
import { DeploymentEntity, DeploymentScheduleEntity } from '../db/entities';
import { uuid7 } from '../db/ids';
import type { Clock } from '../orchestration/clock';
import type { RunRecord } from '../orchestration/records';
import { occurrences, type ScheduleSpec } from '../scheduling/schedules';
import { readableRunName } from './flow-runs.service';
import { LeaderLease } from './leader-lease';
import { LoopService } from './loop';
import { ChangeSet, type OrchestrationService } from './orchestration.service';

export interface SchedulerLimits {
  minRuns: number;
  maxRuns: number;
  minTimeSeconds: number;
  maxTimeSeconds: number;
}

export const DEFAULT_SCHEDULER_LIMITS: SchedulerLimits = {
  minRuns: 3,
  maxRuns: 100,
  minTimeSeconds: 3600,
  maxTimeSeconds: 100 * 86400,
};
const DEPLOYMENT_BATCH = 200;
const SCHEDULER_LOCK_KEY = 7243002;

export interface SchedulerPass {
  leader: boolean;
  deployments: number;
  created: number;
}

export function scheduledRunKey(deploymentId: string, scheduleId: string, time: Date): string {
  return `scheduled ${deploymentId} ${scheduleId} ${time.toISOString()}`;
}

/** The times a schedule should have runs for, counted from `now`. */
export function timesToFill(spec: ScheduleSpec, now: Date, limits: SchedulerLimits, maxRuns?: number | null): Date[] {
  const cap = Math.min(maxRuns ?? limits.maxRuns, limits.maxRuns);
  const end = new Date(now.getTime() + limits.maxTimeSeconds * 1000);
  const minEnd = now.getTime() + limits.minTimeSeconds * 1000;
  const out: Date[] = [];
  for (const when of occurrences(spec, now, end, cap)) {
    if (out.length >= limits.minRuns && when.getTime() > minEnd) break;
    out.push(when);
  }
  return out;
}

export class SchedulerService extends LoopService {
  readonly name = 'scheduler';
  private readonly lease: LeaderLease;

  constructor(
    private readonly db: Database,
    private readonly orchestration: OrchestrationService,
    private readonly clock: Clock,
    loopSeconds: number,
    private readonly limits: SchedulerLimits = DEFAULT_SCHEDULER_LIMITS,
    log?: (message: string, error?: unknown) => void,
  ) {
    super(loopSeconds, log);
    this.lease = new LeaderLease(db, SCHEDULER_LOCK_KEY);
  }

  async runOnce(now: Date = this.clock()): Promise<SchedulerPass> {
    if (!(await this.lease.acquire())) return { leader: false, deployments: 0, created: 0 };
    let created = 0;
    let deployments = 0;
    // Keyset pagination by id, from the nil UUID (a valid uuid on PostgreSQL, sorting before every id on both).
    for (let after = '00000000-0000-0000-0000-000000000000'; ;) {
      const batch = await this.db.query(
        `SELECT * FROM "deployment" WHERE "paused" = ? AND "id" > ? AND EXISTS
           (SELECT 1 FROM "deployment_schedule" s WHERE s."deploymentId" = "deployment"."id" AND s."active" = ?)
         ORDER BY "id" LIMIT ?`,
        [this.db.codec.encode('boolean', false), after, this.db.codec.encode('boolean', true), DEPLOYMENT_BATCH],
      );
      if (batch.length === 0) break;
      deployments += batch.length;
      created += await this.fill(batch, now);
      after = String(batch[batch.length - 1]!.id);
    }
    return { leader: true, deployments, created };
  }

  /** Builds the missing future runs of a batch of deployments and writes them in one transaction. */
  private async fill(deploymentRows: Row[], now: Date): Promise<number> {
    const codec = this.db.codec;
    const deployments = deploymentRows.map((row) =>
      codec.decodeRow<Record<string, unknown>>(this.db.entity(DeploymentEntity), row),
    );
    const ids = deployments.map((d) => String(d.id));
    const scheduleRows = await this.db.query(
      `SELECT * FROM "deployment_schedule" WHERE "active" = ? AND "deploymentId" IN (${ids.map(() => '?').join(', ')})`,
      [codec.encode('boolean', true), ...ids],
    );
    const runs: RunRecord[] = [];
    for (const row of scheduleRows) {
      const schedule = codec.decodeRow<Record<string, unknown>>(this.db.entity(DeploymentScheduleEntity), row);
      const deployment = deployments.find((d) => d.id === schedule.deploymentId)!;
      for (const when of timesToFill(
        schedule.schedule as unknown as ScheduleSpec,
        now,
        this.limits,
        schedule.maxScheduledRuns as number | null,
      )) {
        runs.push(this.newRun(deployment, schedule, when, now));
      }
    }
    if (runs.length === 0) return 0;
    const changes = new ChangeSet();
    const inserted = await this.db.transaction(async (tx) => {
      changes.clear();
      const existing = new Set(
        (
          await tx.query<{ idempotencyKey: string }>(
            `SELECT "idempotencyKey" FROM "flow_run" WHERE "deploymentId" IN (${ids.map(() => '?').join(', ')}) AND "autoScheduled" = ? AND "expectedStartTime" >= ?`,
            [...ids, codec.encode('boolean', true), codec.encodeTimestamp(now)],
          )
        ).map((r) => r.idempotencyKey),
      );
      const fresh = runs.filter((run) => !existing.has(run.idempotencyKey!));
      const firsts = await this.orchestration.firstStates(tx, 'flow', fresh, (run) => ({
        type: 'SCHEDULED',
        stateDetails: { scheduledTime: run.expectedStartTime!.toISOString() },
      }));
      const created = await this.orchestration.store.insertRuns(tx, 'flow', fresh, '("flowId", "idempotencyKey")');
      const states = firsts
        .filter((f) => f.state && created.has(f.run.id))
        .map((f) => ({ runId: f.run.id, state: f.state! }));
      await this.orchestration.store.insertStates(tx, 'flow', states);
      for (const f of firsts)
        if (f.decisions && created.has(f.run.id)) await this.orchestration.store.insertDecisions(tx, f.decisions);
      for (const f of firsts) if (created.has(f.run.id)) changes.add('flow', f.run, f.state);
      return created.size;
    });
    this.orchestration.publish(changes);
    return inserted;
  }

  private newRun(
    deployment: Record<string, unknown>,
    schedule: Record<string, unknown>,
    when: Date,
    now: Date,
  ): RunRecord {
    return {
      id: uuid7(now.getTime()),
      created: now,
      updated: now,
      name: readableRunName(),
      tags: [...new Set([...((deployment.tags as string[]) ?? []), 'auto-scheduled'])],
      empiricalPolicy: {},
      stateId: null,
      stateType: null,
      stateName: null,
      stateTimestamp: null,
      runCount: 0,
      expectedStartTime: when,
      nextScheduledStartTime: when,
      startTime: null,
      endTime: null,
      totalRunTime: 0,
      flowId: String(deployment.flowId),
      flowVersion: null,
      parameters: { ...(deployment.parameters as object), ...(schedule.parameters as object) },
      idempotencyKey: scheduledRunKey(String(deployment.id), String(schedule.id), when),
      parentTaskRunId: null,
      deploymentId: String(deployment.id),
      infrastructurePid: null,
      heartbeatTime: null,
      autoScheduled: true,
      ...({
        deploymentVersion: deployment.version ?? null,
        workQueueId: deployment.workQueueId ?? null,
        workQueueName: deployment.workQueueName ?? null,
        workPoolName: deployment.workPoolName ?? null,
        jobVariables: deployment.jobVariables ?? {},
      } as object),
    };
  }

  override async stop(): Promise<void> {
    await super.stop();
    await this.lease.release();
  }
}
