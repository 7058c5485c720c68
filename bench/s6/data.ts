/**
 * The S6 data set: flow runs of ~50 flows and ~20 deployments spread over 90 days, in the mix a busy
 * installation shows (mostly Completed, some Failed, Crashed and Cancelled, a few Running, Pending and
 * Late, Scheduled runs ahead), each row shaped exactly as the server's transforms leave it
 * (orchestration/transforms: start/end/expected times, run count, run time, the current state
 * denormalised onto the run). Deterministic: a seeded generator, so two databases get the same mix.
 */
import { randomBytes } from 'node:crypto';
import { readableRunName } from '@rigel/server/services/flow-runs.service';
import { scheduledRunKey } from '@rigel/server/services/scheduler';

export const DAY_MS = 86_400_000;
export const HISTORY_DAYS = 90;
/** One run in this many (past, finished) gets the full state history, task runs and logs. */
export const DETAIL_SAMPLE_EVERY = 100;
export const TASKS_PER_SAMPLE = 5;
export const LOGS_PER_SAMPLE = 8;
/** The run whose graph performance.md times ("graph of a 10,000-task run"). */
export const BIG_RUN_TASKS = 10_000;

export const TAG_POOL = [
  'etl',
  'reports',
  'ml',
  'billing',
  'daily',
  'hourly',
  'critical',
  'team-data',
  'team-platform',
  'team-growth',
  'backfill',
  'warehouse',
  's3',
  'postgres',
  'api',
];

/** Mulberry32: small, fast, seeded. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A version-7 UUID for the given millisecond (random tail: no per-process ordering needed here). */
export function uuid7At(ms: number): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface FlowSeed {
  id: string;
  name: string;
  runTags: string[];
  version: string | null;
  hasDayParameter: boolean;
  /** Relative share of the runs. */
  weight: number;
}

export interface DeploymentSeed {
  id: string;
  flowId: string;
  name: string;
  version: string | null;
  tags: string[];
  scheduleId: string;
  workQueueId: string;
  workQueueName: string;
  workPoolName: string;
}

export type Row = Record<string, unknown>;

export interface StateRow extends Row {
  id: string;
  created: Date;
  type: string;
  name: string;
  timestamp: Date;
  message: string | null;
  stateDetails: Record<string, unknown>;
  data: unknown;
}

export interface GeneratedRun {
  run: Row;
  /** Oldest first; the last one is the current state. */
  states: StateRow[];
  detailed: boolean;
}

const FAILURES = [
  'Error: connection to warehouse timed out after 30000 ms',
  'Error: disk full on /var/data',
  'TypeError: Cannot read properties of undefined (reading "rows")',
  'Error: upstream API answered 503 Service Unavailable',
  'Error: validation failed: 12 rows without a customer id',
];

interface Outcome {
  type: string;
  name: string;
  started: boolean;
  finished: boolean;
}

/** The current state of a run expected to start `ageMs` ago (negative: in the future). */
function outcome(ageMs: number, r: number): Outcome {
  const o = (type: string, name: string, started: boolean, finished: boolean) => ({ type, name, started, finished });
  if (ageMs < 0) return o('SCHEDULED', 'Scheduled', false, false);
  if (ageMs < 3_600_000) {
    if (r < 0.3) return o('RUNNING', 'Running', true, false);
    if (r < 0.34) return o('PENDING', 'Pending', false, false);
    if (r < 0.36) return o('SCHEDULED', 'Late', false, false);
    if (r < 0.365) return o('PAUSED', 'Paused', true, false);
    if (r < 0.37) return o('CANCELLING', 'Cancelling', true, false);
  }
  if (r < 0.0005) return o('SCHEDULED', 'Late', false, false);
  if (r < 0.06) return o('FAILED', 'Failed', true, true);
  if (r < 0.065) return o('CRASHED', 'Crashed', true, true);
  if (r < 0.075) return o('CANCELLED', 'Cancelled', false, true);
  if (r < 0.085) return o('CANCELLED', 'Cancelled', true, true);
  return o('COMPLETED', 'Completed', true, true);
}

export class RunGenerator {
  private readonly random: () => number;
  private readonly flowCumulative: number[] = [];
  private readonly flowDeployments = new Map<string, DeploymentSeed[]>();

  constructor(
    readonly flows: FlowSeed[],
    readonly deployments: DeploymentSeed[],
    readonly now: number,
    seed = 6,
  ) {
    this.random = rng(seed);
    let sum = 0;
    for (const f of flows) this.flowCumulative.push((sum += f.weight));
    for (const d of deployments) this.flowDeployments.set(d.flowId, [...(this.flowDeployments.get(d.flowId) ?? []), d]);
  }

  private pickFlow(): FlowSeed {
    const total = this.flowCumulative[this.flowCumulative.length - 1]!;
    const x = this.random() * total;
    let lo = 0;
    let hi = this.flowCumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.flowCumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return this.flows[lo]!;
  }

  /** Run `index` of `count` past runs: expected start times evenly spread over the history window. */
  past(index: number, count: number): GeneratedRun {
    const span = HISTORY_DAYS * DAY_MS;
    const expected = this.now - span + Math.floor(((index + this.random()) * span) / count);
    const flow = this.pickFlow();
    const deployments = this.flowDeployments.get(flow.id);
    const deployment = deployments && this.random() < 0.8 ? deployments[index % deployments.length]! : null;
    return this.build(flow, deployment, expected, false, index % DETAIL_SAMPLE_EVERY === DETAIL_SAMPLE_EVERY - 1);
  }

  /** A run the scheduler made for `deployment` at `when` (in the future: Scheduled). */
  scheduled(deployment: DeploymentSeed, when: number): GeneratedRun {
    const flow = this.flows.find((f) => f.id === deployment.flowId)!;
    return this.build(flow, deployment, when, true, false);
  }

  private build(
    flow: FlowSeed,
    deployment: DeploymentSeed | null,
    expected: number,
    autoScheduled: boolean,
    sampled: boolean,
  ): GeneratedRun {
    const r = this.random();
    const age = this.now - expected;
    const result = outcome(age, r);
    const detailed = sampled && result.finished;
    // Created a little before the expected start (a scheduler fills ahead; a manual run starts at once).
    const created = autoScheduled ? this.now - 3_600_000 : expected - Math.floor(this.random() * 2000);
    const lateness = result.started ? 200 + Math.floor(this.random() * (this.random() < 0.05 ? 120_000 : 3000)) : 0;
    const start = expected + lateness;
    const durationMs = Math.floor(2000 + Math.exp(this.random() * 8) * 200);
    let end = result.finished ? (result.started ? start + durationMs : expected + 1000) : null;
    if (end !== null && end > this.now) end = this.now - Math.floor(this.random() * 1000);
    const running = result.type === 'RUNNING' || result.type === 'CANCELLING';
    const stateTime =
      end ??
      (running || result.type === 'PAUSED'
        ? Math.min(start, this.now - 10)
        : result.type === 'SCHEDULED'
          ? result.name === 'Late'
            ? expected + 15_000
            : created
          : Math.max(created, expected));
    const runCount = result.started ? (result.type === 'FAILED' && this.random() < 0.3 ? 3 : 1) : 0;
    const day = new Date(expected).toISOString().slice(0, 10);
    const tags = [...flow.runTags, ...(deployment?.tags ?? []), ...(autoScheduled ? ['auto-scheduled'] : [])];
    const id = uuid7At(created);
    const scheduledTime = new Date(expected).toISOString();

    const states: StateRow[] = [];
    const state = (type: string, name: string, at: number, message: string | null = null): void => {
      const details: Record<string, unknown> = { flowRunId: id };
      if (type === 'SCHEDULED') details.scheduledTime = scheduledTime;
      states.push({
        id: uuid7At(at),
        created: new Date(at),
        type,
        name,
        timestamp: new Date(at),
        message,
        stateDetails: details,
        data: null,
      });
    };
    if (detailed) {
      state('SCHEDULED', 'Scheduled', created);
      if (result.started) {
        state('PENDING', 'Pending', Math.max(created + 1, start - 100));
        state('RUNNING', 'Running', Math.max(created + 2, start));
      }
    }
    const message =
      result.type === 'FAILED' || result.type === 'CRASHED'
        ? FAILURES[Math.floor(this.random() * FAILURES.length)]!
        : result.type === 'CANCELLED'
          ? 'Cancelled from the dashboard'
          : null;
    const last = states.length ? states[states.length - 1]!.timestamp.getTime() + 1 : stateTime;
    state(result.type, result.name, Math.max(last, stateTime), message);
    const current = states[states.length - 1]!;
    const runTime = result.started && end !== null ? (end - start) / 1000 : running ? (this.now - start) / 1000 : 0;

    const run: Row = {
      id,
      created: new Date(created),
      updated: current.timestamp,
      name: readableRunName(),
      tags,
      empiricalPolicy: {},
      stateId: current.id,
      stateType: current.type,
      stateName: current.name,
      stateTimestamp: current.timestamp,
      runCount,
      expectedStartTime: new Date(expected),
      nextScheduledStartTime: result.type === 'SCHEDULED' ? new Date(expected) : null,
      startTime: result.started ? new Date(start) : null,
      endTime: end === null ? null : new Date(end),
      // Time spent RUNNING is added when a run leaves RUNNING (IncrementRunTime).
      totalRunTime: running ? 0 : runTime,
      flowId: flow.id,
      flowVersion: flow.version,
      parameters: flow.hasDayParameter ? { day } : {},
      idempotencyKey:
        autoScheduled && deployment ? scheduledRunKey(deployment.id, deployment.scheduleId, new Date(expected)) : null,
      parentTaskRunId: null,
      deploymentId: deployment?.id ?? null,
      infrastructurePid: deployment && result.started ? `${1000 + Math.floor(this.random() * 60000)}` : null,
      heartbeatTime: running ? new Date(this.now - Math.floor(this.random() * 5000)) : null,
      autoScheduled,
      deploymentVersion: deployment?.version ?? null,
      workQueueId: deployment?.workQueueId ?? null,
      workQueueName: deployment?.workQueueName ?? null,
      workPoolName: deployment?.workPoolName ?? null,
      jobVariables: deployment ? {} : null,
    };
    return { run, states, detailed };
  }
}

export interface TaskRunSet {
  taskRuns: Row[];
  states: StateRow[];
  logs: Row[];
}

/**
 * Task runs (each with its current state), and log lines of a finished flow run: `tasks` tasks in a
 * chain (each consumes the previous one's result), spread over the run's running time.
 */
export function taskRunsOf(flowRun: Row, tasks: number, logsPerRun: number): TaskRunSet {
  const out: TaskRunSet = { taskRuns: [], states: [], logs: [] };
  const start = (flowRun.startTime as Date | null)?.getTime() ?? (flowRun.expectedStartTime as Date).getTime();
  const end = (flowRun.endTime as Date | null)?.getTime() ?? start + 1000;
  const failedRun = flowRun.stateType === 'FAILED';
  const span = Math.max(tasks * 2, end - start - 2);
  const keys = ['extract', 'transform', 'validate', 'load', 'notify'];
  let previous: string | null = null;
  for (let i = 0; i < tasks; i++) {
    const taskKey = `${keys[i % keys.length]}-${(i % 7) + 1}`;
    const dynamicKey = String(Math.floor(i / keys.length));
    const taskStart = start + 1 + Math.floor((i * span) / tasks);
    const taskEnd = taskStart + Math.max(1, Math.floor(span / tasks) - 1);
    const failed = failedRun && i === tasks - 1;
    const id = uuid7At(taskStart - 1);
    const stateId = uuid7At(taskEnd);
    const type = failed ? 'FAILED' : 'COMPLETED';
    out.states.push({
      id: stateId,
      created: new Date(taskEnd),
      type,
      name: failed ? 'Failed' : 'Completed',
      timestamp: new Date(taskEnd),
      message: failed ? (flowRun.stateName === 'Failed' ? 'Task run failed' : null) : null,
      stateDetails: { taskRunId: id, flowRunId: flowRun.id },
      data: failed ? null : { storageKey: `results/${id}.json`, serializer: 'json' },
      taskRunId: id,
    });
    out.taskRuns.push({
      id,
      created: new Date(taskStart - 1),
      updated: new Date(taskEnd),
      name: `${taskKey}-${id.slice(-8)}`,
      tags: [],
      empiricalPolicy: { retries: 0, retryDelaySeconds: 0 },
      stateId,
      stateType: type,
      stateName: failed ? 'Failed' : 'Completed',
      stateTimestamp: new Date(taskEnd),
      runCount: 1,
      expectedStartTime: new Date(taskStart - 1),
      nextScheduledStartTime: null,
      startTime: new Date(taskStart),
      endTime: new Date(taskEnd),
      totalRunTime: (taskEnd - taskStart) / 1000,
      flowRunId: flowRun.id,
      taskKey,
      dynamicKey,
      cacheKey: null,
      cacheExpiration: null,
      taskVersion: null,
      taskInputs: previous ? { rows: [{ inputType: 'task_run', id: previous }] } : {},
      flowRunRunCount: 1,
    });
    previous = id;
  }
  for (let i = 0; i < logsPerRun; i++) {
    const at = start + Math.floor((i * (end - start)) / Math.max(1, logsPerRun));
    const task = out.taskRuns.length ? out.taskRuns[i % out.taskRuns.length]! : null;
    const onTask = task !== null && i % 2 === 1;
    out.logs.push({
      id: uuid7At(at),
      created: new Date(at + 5),
      name: onTask ? 'rigel.task_runs' : 'rigel.flow_runs',
      level: failedRun && i === logsPerRun - 1 ? 40 : i % 5 === 0 ? 10 : 20,
      message: onTask ? `Processed ${(i + 1) * 1000} rows in ${task.taskKey as string}` : `Step ${i + 1} of the run`,
      timestamp: new Date(at),
      flowRunId: flowRun.id,
      taskRunId: onTask ? task.id : null,
    });
  }
  return out;
}
