/**
 * Scenario S4 (performance.md): set-state API throughput against a real server in its own process,
 * on SQLite and PostgreSQL. Every repeat gets a fresh database and a fresh server; each part is
 * reported as the median of the repeats, with its check and its target.
 */
import { Database } from '@rigel/server';
import { durabilitySettings, freshPostgres, freshSqlite, type BenchDialect } from '../lib/databases';
import { JsonClient } from '../lib/http';
import { pauseText, type PauseStats } from '../lib/pauses';
import { startServerProcess } from '../lib/server';
import { median } from '../lib/stats';
import { createFlow } from './api';
import type { PartResult } from './measure';
import { S4_PARTS } from './parts';

export interface S4Options {
  dialects: BenchDialect[];
  parts: string[];
  repeats: number;
  scale: number;
  durationSeconds: number;
  pacedRates: Record<BenchDialect, number>;
  /** A PostgreSQL database the bench may use to create `<name>_s4`. */
  postgresUrl: string;
  /** libpq `options` for the server's PostgreSQL connections, e.g. `-c synchronous_commit=off`. */
  postgresOptions: string;
  serverNodeArgs: string[];
  serverEnv: Record<string, string>;
  /** Write a CPU profile of the server for each timed phase into this folder. */
  profileDir?: string;
  log: (line: string) => void;
}

/** performance.md, S4. */
export const S4_TARGETS: Record<BenchDialect, { transitionsPerSecond: number; pacedRate: number; p99Ms: number }> = {
  sqlite: { transitionsPerSecond: 4000, pacedRate: 2000, p99Ms: 10 },
  postgres: { transitionsPerSecond: 2500, pacedRate: 1200, p99Ms: 15 },
};

export interface S4PartReport {
  part: string;
  description: string;
  median: Omit<PartResult, 'part' | 'description' | 'problems' | 'targetRate'> & { targetRate?: number };
  repeats: PartResult[];
  correct: boolean;
  target: string | null;
  meetsTarget: boolean | null;
}

export interface S4DialectReport {
  dialect: BenchDialect;
  durability: Record<string, string>;
  parts: S4PartReport[];
}

function medianPauses(pauses: PauseStats[]): PauseStats {
  const m = (pick: (p: PauseStats) => number) => median(pauses.map(pick));
  return {
    loopP99Ms: m((p) => p.loopP99Ms),
    loopMaxMs: m((p) => p.loopMaxMs),
    gcMaxMs: m((p) => p.gcMaxMs),
    gcTotalMs: m((p) => p.gcTotalMs),
  };
}

function medianResult(results: PartResult[]): S4PartReport['median'] {
  const m = (pick: (r: PartResult) => number) => median(results.map(pick));
  return {
    transitions: m((r) => r.transitions),
    written: m((r) => r.written),
    seconds: m((r) => r.seconds),
    transitionsPerSecond: m((r) => r.transitionsPerSecond),
    latencyMs: {
      count: m((r) => r.latencyMs.count),
      p50: m((r) => r.latencyMs.p50),
      p99: m((r) => r.latencyMs.p99),
      max: m((r) => r.latencyMs.max),
    },
    statuses: {
      ACCEPT: m((r) => r.statuses.ACCEPT),
      REJECT: m((r) => r.statuses.REJECT),
      WAIT: m((r) => r.statuses.WAIT),
      ABORT: m((r) => r.statuses.ABORT),
    },
    requestsPerTransition: m((r) => r.requestsPerTransition),
    rowsPerTransition: m((r) => r.rowsPerTransition),
    peakRssMb: m((r) => r.peakRssMb),
    serverCpuMsPerTransition: m((r) => r.serverCpuMsPerTransition),
    clientCpuMsPerTransition: m((r) => r.clientCpuMsPerTransition),
    dbCpuMsPerTransition: m((r) => r.dbCpuMsPerTransition),
    serverPauses: medianPauses(results.map((r) => r.serverPauses)),
    clientPauses: medianPauses(results.map((r) => r.clientPauses)),
    targetRate: results[0]?.targetRate === undefined ? undefined : Math.round(m((r) => r.targetRate ?? NaN)),
  };
}

function verdict(dialect: BenchDialect, part: string, med: S4PartReport['median']) {
  const target = S4_TARGETS[dialect];
  if (part === 'a1' || part === 'a2') {
    return {
      target: `≥ ${target.transitionsPerSecond}/s`,
      meetsTarget: med.transitionsPerSecond >= target.transitionsPerSecond,
    };
  }
  if (part === 'c') {
    return {
      target: `p99 ≤ ${target.p99Ms} ms at ${med.targetRate}/s`,
      meetsTarget: med.latencyMs.p99 <= target.p99Ms,
    };
  }
  if (part === 'c2') {
    return {
      target: `p99 ≤ ${target.p99Ms} ms at ${med.targetRate}/s`,
      meetsTarget: med.latencyMs.p99 <= target.p99Ms,
    };
  }
  return { target: null, meetsTarget: null };
}

async function runRepeat(options: S4Options, dialect: BenchDialect): Promise<PartResult[]> {
  const database =
    dialect === 'sqlite'
      ? await freshSqlite()
      : await freshPostgres(options.postgresUrl, 's4', options.postgresOptions);
  const results: PartResult[] = [];
  try {
    const server = await startServerProcess({
      databaseUrl: database.url,
      home: database.home,
      nodeArgs: options.serverNodeArgs,
      // The bench clients drive runs without flow-run processes, so they send no heartbeats: a long
      // interval keeps the crashed-run service from crashing runs a slow (loaded) phase left RUNNING,
      // and a long lateness keeps the late-runs service off runs created SCHEDULED before a phase.
      env: {
        RIGEL_HEARTBEAT_INTERVAL_SECONDS: '3600',
        RIGEL_SERVICES_LATE_RUNS_AFTER_SECONDS: '3600',
        ...options.serverEnv,
      },
    });
    const client = new JsonClient(server.apiUrl);
    const checkDb = await Database.open({ url: database.url, migrate: false });
    try {
      const flowId = await createFlow(client, 'bench-s4');
      const settings = {
        scale: options.scale,
        durationSeconds: options.durationSeconds,
        pacedRate: options.pacedRates[dialect],
        halfMeasuredRate: S4_TARGETS[dialect].transitionsPerSecond / 2,
        profileDir: options.profileDir,
      };
      for (const part of options.parts) {
        const result = await S4_PARTS[part]!({ client, flowId, server, database, checkDb, settings });
        if (part === 'a1') settings.halfMeasuredRate = Math.round(result.transitionsPerSecond / 2);
        options.log(
          `  ${part}: ${result.transitionsPerSecond.toFixed(0)} transitions/s, p50 ${result.latencyMs.p50.toFixed(2)} ms, ` +
            `p99 ${result.latencyMs.p99.toFixed(2)} ms, server CPU ${result.serverCpuMsPerTransition.toFixed(3)} ms/transition, ` +
            `server loop p99/max ${pauseText(result.serverPauses)}, clients' ${pauseText(result.clientPauses)}, ${result.problems.length ? 'CHECK FAILED' : 'check ok'}`,
        );
        for (const problem of result.problems.slice(0, 5)) options.log(`    ${problem}`);
        results.push(result);
      }
    } finally {
      client.close();
      await checkDb.close();
      await server.stop();
    }
  } finally {
    await database.dispose();
  }
  return results;
}

export async function runS4(options: S4Options): Promise<S4DialectReport[]> {
  const reports: S4DialectReport[] = [];
  for (const dialect of options.dialects) {
    const byPart = new Map<string, PartResult[]>(options.parts.map((p) => [p, []]));
    for (let repeat = 1; repeat <= options.repeats; repeat++) {
      options.log(`S4 on ${dialect}, repeat ${repeat} of ${options.repeats}`);
      for (const result of await runRepeat(options, dialect)) byPart.get(result.part)!.push(result);
    }
    const parts = [...byPart].map(([part, results]): S4PartReport => {
      const med = medianResult(results);
      return {
        part,
        description: results[0]?.description ?? part,
        median: med,
        repeats: results,
        correct: results.every((r) => r.problems.length === 0),
        ...verdict(dialect, part, med),
      };
    });
    reports.push({
      dialect,
      durability: await durabilitySettings(dialect, options.postgresUrl, options.postgresOptions),
      parts,
    });
  }
  return reports;
}
