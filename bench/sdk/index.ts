/**
 * S1 and S2 (performance.md) for each database and transport: a fresh database, a server process for
 * HTTP mode, and the SDK work in a process of its own (bench/sdk/client-process.ts).
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { freshPostgres, freshSqlite, type BenchDatabase, type BenchDialect } from '../lib/databases';
import { startServerProcess } from '../lib/server';
import type { S1Result, S2Result } from './scenarios';

export type SdkMode = 'ephemeral' | 'http';

export interface SdkScenarioReport {
  scenario: 'S1' | 'S2';
  dialect: BenchDialect;
  mode: SdkMode;
  result: S1Result | S2Result;
}

function runClient(env: Record<string, string>): Promise<S1Result | S2Result> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'client-process.js'), [], {
      env: { ...process.env, ...env },
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
  postgresUrl: string;
  log: (line: string) => void;
}

export async function runSdkScenarios(options: SdkScenarioOptions): Promise<SdkScenarioReport[]> {
  const reports: SdkScenarioReport[] = [];
  for (const scenario of options.scenarios) {
    for (const dialect of options.dialects) {
      for (const mode of options.modes) {
        const db: BenchDatabase =
          dialect === 'sqlite'
            ? await freshSqlite()
            : await freshPostgres(options.postgresUrl, `${scenario}_${mode}`.toLowerCase());
        const server = mode === 'http' ? await startServerProcess({ databaseUrl: db.url, home: db.home }) : null;
        try {
          options.log(`${scenario} ${dialect} ${mode}: ${options.tasks} tasks …`);
          const result = await runClient({
            RIGEL_BENCH_SCENARIO: scenario,
            RIGEL_BENCH_MODE: mode,
            RIGEL_BENCH_TASKS: String(options.tasks),
            RIGEL_DATABASE_URL: db.url,
            RIGEL_HOME: db.home,
            ...(server ? { RIGEL_BENCH_API_URL: server.apiUrl } : {}),
          });
          reports.push({ scenario, dialect, mode, result });
          options.log(`  ${JSON.stringify(result)}`);
        } finally {
          await server?.stop();
          await db.dispose();
        }
      }
    }
  }
  return reports;
}

export function formatSdkReports(reports: SdkScenarioReport[]): string {
  const lines = ['scenario  database    mode        tasks    result'];
  for (const r of reports) {
    const detail =
      r.scenario === 'S1'
        ? `${(r.result as S1Result).overheadMsPerTask.toFixed(3)} ms overhead per task (flow ${(r.result as S1Result).seconds.toFixed(2)} s, plain loop ${((r.result as S1Result).baselineSeconds * 1000).toFixed(1)} ms)`
        : `${Math.round((r.result as S2Result).taskRunsPerSecond)} task runs/s, peak RSS ${Math.round((r.result as S2Result).peakRssMb)} MB`;
    lines.push(
      `${r.scenario.padEnd(10)}${r.dialect.padEnd(12)}${r.mode.padEnd(12)}${String(r.result.tasks).padEnd(9)}${detail}`,
    );
  }
  return lines.join('\n');
}
