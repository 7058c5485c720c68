/**
 * Deployments, schedulers and the rows they produce, over a `harness()` (services on the spec database
 * with a FakeClock). Rows are only read here; every write goes through the services.
 */
import type { Services } from '@rigel/server/services';
import type { DeploymentCreateDto } from '@rigel/server/schemas/dto/deployment.dto';
import type { ApiDeployment } from '@rigel/server/services/deployments.service';
import { SchedulerService, type SchedulerLimits } from '@rigel/server/services/scheduler';
import type { Harness } from './orchestration';

export type ScheduledRunRow = {
  id: string;
  idempotencyKey: string;
  expectedStartTime: Date;
  nextScheduledStartTime: Date | null;
  stateId: string | null;
  stateType: string | null;
  stateName: string | null;
  autoScheduled: boolean;
  workQueueId: string | null;
  parameters: Record<string, unknown>;
  tags: string[];
};

/** A deployment of the harness flow (`nightly`, entrypoint `flows/etl.ts:Etl.run`) with `dto` on top. */
export async function createDeployment(h: Harness, dto: Partial<DeploymentCreateDto> = {}): Promise<ApiDeployment> {
  const input = { name: 'nightly', flowId: h.flowId, entrypoint: 'flows/etl.ts:Etl.run', ...dto };
  return (await h.services.deployments.create(input as DeploymentCreateDto)).deployment;
}

const started: SchedulerService[] = [];

/**
 * A scheduler over the harness's services and clock (it logs nothing). On PostgreSQL it holds the
 * leader lease's connection once it led a pass: `stopSchedulers()` (afterEach) gives it back.
 */
export function schedulerFor(
  h: Harness,
  options: { limits?: SchedulerLimits; services?: Pick<Services, 'db' | 'orchestration'> } = {},
): SchedulerService {
  const { db, orchestration } = options.services ?? h.services;
  const scheduler = new SchedulerService(db, orchestration, h.clock.now, 30, options.limits, () => undefined);
  started.push(scheduler);
  return scheduler;
}

/** Stops every scheduler `schedulerFor` made (releasing their leases). */
export async function stopSchedulers(): Promise<void> {
  await Promise.all(started.splice(0).map((s) => s.stop()));
}

/** The flow runs of a deployment (or of all deployments), by expected start time, decoded. */
export async function deploymentRuns(h: Harness, deploymentId?: string): Promise<ScheduledRunRow[]> {
  const where = deploymentId ? `WHERE "deploymentId" = ?` : `WHERE "deploymentId" IS NOT NULL`;
  const rows = await h.db.query(
    `SELECT * FROM "flow_run" ${where} ORDER BY "expectedStartTime", "idempotencyKey"`,
    deploymentId ? [deploymentId] : [],
  );
  const codec = h.services.orchestration.store;
  return rows.map((row) => codec.decodeRun('flow', row) as unknown as ScheduledRunRow);
}

/** The ISO expected start times of `runs`. */
export function startTimes(runs: ScheduledRunRow[]): string[] {
  return runs.map((r) => r.expectedStartTime.toISOString());
}

/** The ISO time `seconds` from the harness clock's now. */
export function inSeconds(h: Harness, seconds: number): string {
  return new Date(h.clock.now().getTime() + seconds * 1000).toISOString();
}
