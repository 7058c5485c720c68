/**
 * The parts of scenario S4 (set-state throughput through the real HTTP API):
 *   a1  64 clients, each driving its own flow runs SCHEDULED → PENDING → RUNNING → COMPLETED;
 *   a2  64 clients, each driving the task runs of its own RUNNING flow run PENDING → RUNNING → COMPLETED;
 *   b   16 clients proposing on ONE running flow run (fresh RUNNING, re-sent RUNNING, PENDING);
 *   c   an open-loop paced rate of flow-run transitions (the target's half load: 2,000/s SQLite, 1,200/s
 *       PostgreSQL), latency measured from the scheduled send time;
 *   c2  the same at half of the throughput a1 measured on this machine in the same repeat.
 * Runs are created before the timed phase; only set-state requests are timed.
 */
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { inParallel } from '../lib/stats';
import {
  createFlowRun,
  createTaskRun,
  proposal,
  setState,
  type CreatedRun,
  type RunKind,
  type SetStateResponse,
  type Status,
} from './api';
import { Ledger } from './ledger';
import { measure, type PartContext, type PartResult } from './measure';

const FLOW_CYCLE = ['PENDING', 'RUNNING', 'COMPLETED'];
const TASK_CYCLE = ['RUNNING', 'COMPLETED'];
const MANY_CLIENTS = 64;
const ONE_RUN_CLIENTS = 16;
const WARM_UP_RUNS = 3;

/**
 * One set-state request, recorded in the ledger with its latency since `since`. An error answer is
 * recorded as a problem (so the check fails) rather than stopping the benchmark.
 */
async function propose(
  ctx: PartContext,
  ledger: Ledger,
  target: { kind: RunKind; runId: string },
  body: Record<string, unknown>,
  expected: Status | undefined,
  latencies?: number[],
  since = performance.now(),
): Promise<SetStateResponse | null> {
  try {
    const response = await setState(ctx.client, target.kind, target.runId, body);
    latencies?.push(performance.now() - since);
    ledger.record(target.runId, response, expected);
    return response;
  } catch (error) {
    ledger.problem(`run ${target.runId}: ${(error as Error).message}`);
    return null;
  }
}

/** Proposes each state of `cycle` in turn for one run, expecting ACCEPT every time. */
async function drive(
  ctx: PartContext,
  ledger: Ledger,
  kind: RunKind,
  runId: string,
  cycle: readonly string[],
  latencies?: number[],
): Promise<void> {
  for (const type of cycle) {
    if (!(await propose(ctx, ledger, { kind, runId }, proposal(type), 'ACCEPT', latencies))) return;
  }
}

/** Warms up with the first runs of every client, then times the rest. */
async function driveClients(
  ctx: PartContext,
  ledger: Ledger,
  kind: RunKind,
  runsByClient: string[][],
  cycle: readonly string[],
  meta: { part: string; description: string },
): Promise<PartResult> {
  await Promise.all(
    runsByClient.map(async (runs) => {
      for (const id of runs.slice(0, WARM_UP_RUNS)) await drive(ctx, ledger, kind, id, cycle);
    }),
  );
  return measure(ctx, { ...meta, ordered: true }, ledger, async () => {
    const latenciesMs: number[] = [];
    await Promise.all(
      runsByClient.map(async (runs) => {
        for (const id of runs.slice(WARM_UP_RUNS)) await drive(ctx, ledger, kind, id, cycle, latenciesMs);
      }),
    );
    return { latenciesMs };
  });
}

export async function distinctFlowRuns(ctx: PartContext): Promise<PartResult> {
  const perClient = Math.max(1, Math.round(80 * ctx.settings.scale)) + WARM_UP_RUNS;
  const ledger = new Ledger();
  const runsByClient: string[][] = Array.from({ length: MANY_CLIENTS }, () => []);
  await inParallel(MANY_CLIENTS * perClient, MANY_CLIENTS, async (i) => {
    const run = await createFlowRun(ctx.client, ctx.flowId);
    ledger.addRun('flow', run);
    runsByClient[i % MANY_CLIENTS]!.push(run.id);
  });
  return driveClients(ctx, ledger, 'flow', runsByClient, FLOW_CYCLE, {
    part: 'a1',
    description: `${MANY_CLIENTS} clients, own flow runs, PENDING→RUNNING→COMPLETED`,
  });
}

export async function distinctTaskRuns(ctx: PartContext): Promise<PartResult> {
  const perClient = Math.max(1, Math.round(100 * ctx.settings.scale)) + WARM_UP_RUNS;
  const ledger = new Ledger();
  const runsByClient = await Promise.all(
    Array.from({ length: MANY_CLIENTS }, async () => {
      const flowRun = await createFlowRun(ctx.client, ctx.flowId, { type: 'RUNNING' });
      ledger.addRun('flow', flowRun);
      const taskRuns: string[] = [];
      for (let j = 0; j < perClient; j++) {
        const taskRun = await createTaskRun(ctx.client, flowRun.id, String(j));
        ledger.addRun('task', taskRun);
        taskRuns.push(taskRun.id);
      }
      return taskRuns;
    }),
  );
  return driveClients(ctx, ledger, 'task', runsByClient, TASK_CYCLE, {
    part: 'a2',
    description: `${MANY_CLIENTS} clients, task runs of own flow run, RUNNING→COMPLETED`,
  });
}

/**
 * One proposal in eight is a fresh RUNNING (ACCEPT, written), three are PENDING (ABORT: the run is
 * already running), and four re-send the transition id of the state the client last saw as current
 * (REJECT as a duplicate, or ACCEPT when another client wrote in between).
 */
const ONE_RUN_MIX = ['fresh', 'resend', 'claim', 'resend', 'claim', 'resend', 'claim', 'resend'] as const;

export async function oneRun(ctx: PartContext): Promise<PartResult> {
  const ledger = new Ledger();
  const run: CreatedRun = await createFlowRun(ctx.client, ctx.flowId, { type: 'RUNNING' });
  ledger.addRun('flow', run);
  return measure(
    ctx,
    { part: 'b', description: `${ONE_RUN_CLIENTS} clients on one flow run (mostly REJECT/ABORT)`, ordered: false },
    ledger,
    async () => {
      const latenciesMs: number[] = [];
      const deadline = performance.now() + ctx.settings.durationSeconds * 1000;
      await Promise.all(
        Array.from({ length: ONE_RUN_CLIENTS }, async (_, client) => {
          let lastSeen: string = randomUUID();
          for (let i = client; performance.now() < deadline; i++) {
            const action = ONE_RUN_MIX[i % ONE_RUN_MIX.length]!;
            const body =
              action === 'fresh'
                ? proposal('RUNNING')
                : action === 'claim'
                  ? proposal('PENDING')
                  : proposal('RUNNING', lastSeen);
            const expected: Status | undefined =
              action === 'fresh' ? 'ACCEPT' : action === 'claim' ? 'ABORT' : undefined;
            const response = await propose(ctx, ledger, { kind: 'flow', runId: run.id }, body, expected, latenciesMs);
            lastSeen = (response?.result.state?.stateDetails.transitionId as string | undefined) ?? lastSeen;
          }
        }),
      );
      return { latenciesMs };
    },
  );
}

/** A FIFO of runs ready for their next transition; follow-ups go before fresh runs. */
class ReadyRuns {
  private readonly followUps: { id: string; step: number }[] = [];
  private followHead = 0;
  private freshHead = 0;

  constructor(private readonly fresh: string[]) {}

  push(id: string, step: number): void {
    this.followUps.push({ id, step });
  }

  next(): { id: string; step: number } | undefined {
    if (this.followHead < this.followUps.length) return this.followUps[this.followHead++];
    if (this.freshHead < this.fresh.length) return { id: this.fresh[this.freshHead++]!, step: 0 };
    return undefined;
  }
}

async function pacedFlowRuns(ctx: PartContext, part: string, rate: number, what: string): Promise<PartResult> {
  const total = Math.round(rate * ctx.settings.durationSeconds);
  const ledger = new Ledger();
  const fresh: string[] = [];
  await inParallel(Math.ceil(total / FLOW_CYCLE.length) + 200, MANY_CLIENTS, async () => {
    const run = await createFlowRun(ctx.client, ctx.flowId);
    ledger.addRun('flow', run);
    fresh.push(run.id);
  });
  const ready = new ReadyRuns(fresh);
  const meta = { part, description: `open loop at ${what}, latency from scheduled send`, targetRate: rate };
  return measure(ctx, { ...meta, ordered: true }, ledger, async () => {
    const latenciesMs: number[] = [];
    const pending: Promise<void>[] = [];
    const interval = 1000 / rate;
    const start = performance.now();
    // Requests that are due, by scheduled send time; one waits here only while no run is ready.
    const due: number[] = [];
    let dueHead = 0;
    let lastEnd = start;
    const dispatch = () => {
      while (dueHead < due.length) {
        const item = ready.next();
        if (!item) return;
        pending.push(fire(item.id, item.step, due[dueHead++]!));
      }
    };
    const fire = async (id: string, step: number, scheduled: number) => {
      const target = { kind: 'flow' as const, runId: id };
      const response = await propose(
        ctx,
        ledger,
        target,
        proposal(FLOW_CYCLE[step]!),
        'ACCEPT',
        latenciesMs,
        scheduled,
      );
      lastEnd = performance.now();
      if (response && step + 1 < FLOW_CYCLE.length) ready.push(id, step + 1);
      dispatch();
    };
    while (due.length < total) {
      const count = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
      while (due.length < count) due.push(start + due.length * interval);
      dispatch();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    while (dueHead < total) await new Promise((resolve) => setTimeout(resolve, 1));
    await Promise.all(pending);
    return { latenciesMs, endedAt: lastEnd };
  });
}

export const S4_PARTS: Record<string, (ctx: PartContext) => Promise<PartResult>> = {
  a1: distinctFlowRuns,
  a2: distinctTaskRuns,
  b: oneRun,
  c: (ctx) => pacedFlowRuns(ctx, 'c', ctx.settings.pacedRate, 'the target rate'),
  c2: (ctx) => pacedFlowRuns(ctx, 'c2', ctx.settings.halfMeasuredRate, "half of a1's measured rate"),
};
