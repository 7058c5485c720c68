/**
 * S1 and S2 (performance.md) for each database and transport: a fresh database, a server process for
 * HTTP mode, and the SDK work in a process of its own (bench/sdk/client-process.ts). Each combination
 * runs `repeats` times (a fresh database and server each time) and reports the median of the repeats.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { freshPostgres, freshSqlite, type BenchDatabase, type BenchDialect } from '../lib/databases';
import { startLatencyProxy } from '../lib/latency-proxy';
import { startServerProcess } from '../lib/server';
import { median } from '../lib/stats';
import type { S1Result, S2Result } from './scenarios';

export type SdkMode = 'ephemeral' | 'http';

/** One repeat: the client's result, plus (HTTP mode) the server's CPU time and rows written per task. */
export type SdkRepeat = (S1Result | S2Result) & {
  /** HTTP mode: CPU time of the server process per task (the whole client run, warm-up included). */
  serverCpuMsPerTask?: number;
  /** HTTP mode: of which system (kernel) time. */
  serverSystemCpuMsPerTask?: number;
  /** HTTP mode: database rows inserted, updated or deleted per task (the whole client run). */
  rowsPerTask?: number;
};

export interface SdkScenarioReport {
  scenario: 'S1' | 'S2';
  dialect: BenchDialect;
  mode: SdkMode;
  /** The median of the repeats, field by field. */
  result: SdkRepeat;
  repeats: SdkRepeat[];
}

function runClient(env: Record<string, string>, execArgv: string[]): Promise<S1Result | S2Result> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'client-process.js'), [], {
      env: { ...process.env, ...env },
      execArgv,
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`the bench client exited with code ${code}`));
      try {
        resolve(JSON.parse(line) as S1Result | S2Result);
      } catch {
        reject(new Error(`the bench client printed no result: ${out.slice(-500)}`));
      }
    });
  });
}

export interface SdkScenarioOptions {
  scenarios: ('S1' | 'S2')[];
  dialects: BenchDialect[];
  modes: SdkMode[];
  tasks: number;
  repeats: number;
  postgresUrl: string;
  /** PostgreSQL through a proxy that delays each direction this long (ms; 0: direct). */
  pgDelayMs?: number;
  /** Extra Node flags for the client process (e.g. `--cpu-prof`). */
  clientNodeArgs?: string[];
  /** Writes a CPU profile of the client (and, in HTTP mode, of the server) per repeat here. */
  profileDir?: string;
  log: (line: string) => void;
}

/** Field-by-field median of the repeats (every field of a result is a number). */
function medianOf(repeats: SdkRepeat[]): SdkRepeat {
  const keys = Object.keys(repeats[0]!) as (keyof SdkRepeat)[];
  return Object.fromEntries(
    keys.map((key) => [key, median(repeats.map((r) => r[key] as number | undefined).filter((v) => v !== undefined))]),
  ) as unknown as SdkRepeat;
}

async function runOnce(
  options: SdkScenarioOptions,
  scenario: 'S1' | 'S2',
  dialect: BenchDialect,
  mode: SdkMode,
  repeat: number,
): Promise<SdkRepeat> {
  const db: BenchDatabase =
    dialect === 'sqlite'
      ? await freshSqlite()
      : await freshPostgres(options.postgresUrl, `${scenario}_${mode}`.toLowerCase());
  // The server (http) or the client (ephemeral) reaches the database through the delaying proxy.
  const proxy = dialect === 'postgres' && options.pgDelayMs ? await startLatencyProxy(db.url, options.pgDelayMs) : null;
  const databaseUrl = proxy ? proxy.url(db.url) : db.url;
  const server = mode === 'http' ? await startServerProcess({ databaseUrl, home: db.home }) : null;
  const label = `${scenario.toLowerCase()}-${dialect}-${mode}-${repeat}`;
  const execArgv = [...(options.clientNodeArgs ?? [])];
  if (options.profileDir)
    // A folder per client: Node writes one profile per thread (the SQLite checkpointer is a worker thread).
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${join(options.profileDir, `${label}-client`)}`);
  try {
    const before = server ? { stats: await server.stats(), rows: await db.rowsWritten(server) } : null;
    if (server && options.profileDir) await server.profile('start');
    const result = await runClient(
      {
        RIGEL_BENCH_SCENARIO: scenario,
        RIGEL_BENCH_MODE: mode,
        RIGEL_BENCH_TASKS: String(options.tasks),
        RIGEL_DATABASE_URL: databaseUrl,
        RIGEL_HOME: db.home,
        ...(server ? { RIGEL_BENCH_API_URL: server.apiUrl } : {}),
      },
      execArgv,
    );
    if (!server || !before) return result;
    if (options.profileDir) await server.profile('stop', join(options.profileDir, `${label}-server.cpuprofile`));
    const after = await server.stats();
    const rows = await db.rowsWritten(server);
    return {
      ...result,
      serverCpuMsPerTask: (after.cpuMicros - before.stats.cpuMicros) / 1000 / options.tasks,
      serverSystemCpuMsPerTask: (after.systemCpuMicros - before.stats.systemCpuMicros) / 1000 / options.tasks,
      rowsPerTask: (rows - before.rows) / options.tasks,
    };
  } finally {
    await server?.stop();
    await proxy?.close();
    await db.dispose();
  }
}

export async function runSdkScenarios(options: SdkScenarioOptions): Promise<SdkScenarioReport[]> {
  const reports: SdkScenarioReport[] = [];
  for (const scenario of options.scenarios) {
    for (const dialect of options.dialects) {
      for (const mode of options.modes) {
        const repeats: SdkRepeat[] = [];
        for (let repeat = 1; repeat <= options.repeats; repeat++) {
          options.log(
            `${scenario} ${dialect} ${mode}: ${options.tasks} tasks, repeat ${repeat} of ${options.repeats} …`,
          );
          const result = await runOnce(options, scenario, dialect, mode, repeat);
          options.log(`  ${JSON.stringify(result)}`);
          repeats.push(result);
        }
        reports.push({ scenario, dialect, mode, result: medianOf(repeats), repeats });
      }
    }
  }
  return reports;
}

function fixed(value: number | undefined, digits: number): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

export function formatSdkReports(reports: SdkScenarioReport[]): string {
  const repeats = reports[0]?.repeats.length ?? 0;
  const lines = [
    `S1/S2, median of ${repeats} repeat(s); cpu = CPU ms per task of the client process (S1: minus the plain loop's) and of the server process`,
    'scenario  database    mode        tasks    result',
  ];
  for (const r of reports) {
    const cpu = `client cpu ${fixed(r.result.clientCpuMsPerTask, 3)} ms/task${
      r.mode === 'http'
        ? `, server cpu ${fixed(r.result.serverCpuMsPerTask, 3)} ms/task (system ${fixed(r.result.serverSystemCpuMsPerTask, 3)}), ${fixed(r.result.rowsPerTask, 2)} rows/task`
        : ''
    }`;
    const detail =
      r.scenario === 'S1'
        ? `${(r.result as S1Result).overheadMsPerTask.toFixed(3)} ms overhead per task (flow ${(r.result as S1Result).seconds.toFixed(2)} s, plain loop ${((r.result as S1Result).baselineSeconds * 1000).toFixed(1)} ms); ${cpu}`
        : `${Math.round((r.result as S2Result).taskRunsPerSecond)} task runs/s, peak RSS ${Math.round((r.result as S2Result).peakRssMb)} MB; ${cpu}`;
    lines.push(
      `${r.scenario.padEnd(10)}${r.dialect.padEnd(12)}${r.mode.padEnd(12)}${String(r.result.tasks).padEnd(9)}${detail}`,
    );
  }
  return lines.join('\n');
}
