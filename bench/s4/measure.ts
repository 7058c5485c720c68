/**
 * The frame around every S4 part: count database rows and client requests before and after the timed
 * phase, take the server's peak RSS during it, time it, summarise the latencies, and run the check.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Database } from '@rigel/server';
import type { BenchDatabase } from '../lib/databases';
import type { JsonClient } from '../lib/http';
import { PauseWatch, type PauseStats } from '../lib/pauses';
import { postgresCpuByPid } from '../lib/process-cpu';
import type { ServerProcess } from '../lib/server';
import { summarize, type LatencySummary } from '../lib/stats';
import type { Status } from './api';
import { checkLedger } from './check';
import type { Ledger } from './ledger';

export interface S4Settings {
  /** Multiplies the amount of work of every part (1 = the documented sizes). */
  scale: number;
  /** Seconds of the time-bound parts (b, c). */
  durationSeconds: number;
  /** Paced rate of part c (the target's "half load"). */
  pacedRate: number;
  /** Paced rate of part c2: half of what part a1 measured in this repeat (half the target without a1). */
  halfMeasuredRate: number;
  /** Where to write a CPU profile of the server for each timed phase (none when unset). */
  profileDir?: string;
}

export interface PartContext {
  client: JsonClient;
  flowId: string;
  server: ServerProcess;
  database: BenchDatabase;
  checkDb: Database;
  settings: S4Settings;
}

export interface PartResult {
  part: string;
  description: string;
  /** Set-state answers in the timed phase. */
  transitions: number;
  /** Of which wrote a state (201). */
  written: number;
  seconds: number;
  transitionsPerSecond: number;
  latencyMs: LatencySummary;
  statuses: Record<Status, number>;
  requestsPerTransition: number;
  rowsPerTransition: number;
  peakRssMb: number;
  /** Server CPU time (user + system) per transition: steadier than throughput on a shared machine. */
  serverCpuMsPerTransition: number;
  /** CPU time of the bench process (the clients) per transition. */
  clientCpuMsPerTransition: number;
  /**
   * PostgreSQL: CPU time per transition of the bench database's backends and the shared WAL writer,
   * checkpointer and background writer (NaN on SQLite, which runs inside the server).
   */
  dbCpuMsPerTransition: number;
  /** Event-loop delay and GC pauses during the phase: the server's, and the bench process's (the clients'). */
  serverPauses: PauseStats;
  clientPauses: PauseStats;
  /** Part c: the rate asked for. */
  targetRate?: number;
  problems: string[];
}

export interface TimedWork {
  /** Latency of each request in ms. */
  latenciesMs: number[];
  /** When the work ended (performance.now()), if not when the promise settled. */
  endedAt?: number;
}

/**
 * CPU per process of the bench database's backends and the shared WAL writer, checkpointer and
 * background writer — not other databases' backends on the same machine.
 */
async function databaseCpu(db: Database): Promise<Map<number, number> | null> {
  const rows = await db.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() OR backend_type IN ('checkpointer', 'background writer', 'walwriter')`,
  );
  return postgresCpuByPid(rows.map((row) => Number(row.pid)));
}

/** CPU spent between two readings; a process that started in between counts from zero. */
function cpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let spent = 0;
  for (const [pid, micros] of after) spent += micros - (before.get(pid) ?? 0);
  return spent;
}

export async function measure(
  ctx: PartContext,
  part: { part: string; description: string; ordered: boolean; targetRate?: number },
  ledger: Ledger,
  work: () => Promise<TimedWork>,
): Promise<PartResult> {
  const rowsBefore = await ctx.database.rowsWritten(ctx.server);
  const { cpuMicros: cpuBefore } = await ctx.server.stats(); // also starts a new peak-RSS window
  const clientCpuBefore = process.cpuUsage();
  const dbCpuBefore = ctx.database.dialect === 'postgres' ? await databaseCpu(ctx.checkDb) : null;
  const requestsBefore = ctx.client.requests;
  const transitionsBefore = ledger.transitions;
  const writtenBefore = ledger.written;
  const statusesBefore = { ...ledger.statuses };

  if (ctx.settings.profileDir) await ctx.server.profile('start');
  const clientPauses = new PauseWatch();
  const start = performance.now();
  const { latenciesMs, endedAt } = await work();
  const clientPauseStats = clientPauses.take();
  clientPauses.stop();
  const seconds = ((endedAt ?? performance.now()) - start) / 1000;
  if (ctx.settings.profileDir) {
    const file = join(ctx.settings.profileDir, `S4-${ctx.database.dialect}-${part.part}-${Date.now()}.cpuprofile`);
    await ctx.server.profile('stop', file);
  }

  const clientCpu = process.cpuUsage(clientCpuBefore);
  const dbCpuAfter = dbCpuBefore === null ? null : await databaseCpu(ctx.checkDb);
  const requests = ctx.client.requests - requestsBefore;
  const { peakRssBytes, cpuMicros: cpuAfter, pauses: serverPauses } = await ctx.server.stats();
  const rows = (await ctx.database.rowsWritten(ctx.server)) - rowsBefore;
  const transitions = ledger.transitions - transitionsBefore;
  const statuses = { ...ledger.statuses };
  for (const key of Object.keys(statuses) as Status[]) statuses[key] -= statusesBefore[key];
  const problems = await checkLedger(ctx.checkDb, ledger, { ordered: part.ordered });
  return {
    part: part.part,
    description: part.description,
    transitions,
    written: ledger.written - writtenBefore,
    seconds,
    transitionsPerSecond: transitions / seconds,
    latencyMs: summarize(latenciesMs),
    statuses,
    requestsPerTransition: requests / transitions,
    rowsPerTransition: rows / transitions,
    peakRssMb: peakRssBytes / 2 ** 20,
    serverCpuMsPerTransition: (cpuAfter - cpuBefore) / 1000 / transitions,
    clientCpuMsPerTransition: (clientCpu.user + clientCpu.system) / 1000 / transitions,
    dbCpuMsPerTransition: dbCpuBefore && dbCpuAfter ? cpuSpent(dbCpuBefore, dbCpuAfter) / 1000 / transitions : NaN,
    serverPauses,
    clientPauses: clientPauseStats,
    targetRate: part.targetRate,
    problems,
  };
}
