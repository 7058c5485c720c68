/**
 * S3 (performance.md): deployment flow runs × 10 tasks through 4 workers, each worker in its own
 * process starting each run in a child process. Runs are scheduled at a steady rate; reports the
 * schedule-to-start latency (start time − scheduled time) p50/p99 and checks that no run was claimed
 * twice (exactly one Pending state per run) and that every run completed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { freshPostgres, freshSqlite, type BenchDialect } from '../lib/databases';
import { startServerProcess } from '../lib/server';
import { percentile } from '../lib/stats';

export interface S3Options {
  dialect: BenchDialect;
  postgresUrl: string;
  runs: number;
  /** Runs scheduled per second. */
  rate: number;
  workers: number;
  pollIntervalSeconds: number;
  log: (line: string) => void;
}

export interface S3Result {
  dialect: BenchDialect;
  runs: number;
  completed: number;
  doubleClaims: number;
  startLatencyP50Ms: number;
  startLatencyP99Ms: number;
  pollIntervalSeconds: number;
  seconds: number;
}

const ROOT = resolve(__dirname, '..', '..', '..');

async function call<T>(apiUrl: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${apiUrl}/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

function startWorker(apiUrl: string, home: string, name: string, pollIntervalSeconds: number): ChildProcess {
  return spawn(
    process.execPath,
    [
      join(ROOT, 'client-sdk/dist/cli/main.js'),
      'worker',
      'start',
      '--pool',
      's3',
      '--name',
      name,
      '--limit',
      '8',
      '--poll-interval',
      String(pollIntervalSeconds),
      '--prefetch',
      '5',
    ],
    {
      env: { ...process.env, RIGEL_API_URL: apiUrl, RIGEL_HOME: home, RIGEL_LOGGING_LEVEL: 'WARNING' },
      stdio: 'ignore',
    },
  );
}

export async function runS3(options: S3Options): Promise<S3Result> {
  const db = options.dialect === 'sqlite' ? await freshSqlite() : await freshPostgres(options.postgresUrl, 's3');
  const server = await startServerProcess({ databaseUrl: db.url, home: db.home });
  const workers: ChildProcess[] = [];
  try {
    const api = server.apiUrl;
    const flow = await call<{ id: string }>(api, 'POST', 'flows', { name: 's3-ten-tasks' });
    await call(api, 'POST', 'work-pools', { name: 's3' });
    const deployment = await call<{ id: string }>(api, 'POST', 'deployments', {
      name: 's3',
      flowId: flow.id,
      entrypoint: 'dist/bench/s3/flow.js:S3Bench.run',
      path: ROOT,
      workPoolName: 's3',
      parameterSchema: {},
    });
    for (let i = 0; i < options.workers; i++)
      workers.push(startWorker(api, db.home, `s3-worker-${i}`, options.pollIntervalSeconds));
    const started = Date.now() + 3000;
    options.log(
      `S3 ${options.dialect}: ${options.runs} runs at ${options.rate}/s through ${options.workers} workers …`,
    );
    const ids: string[] = [];
    for (let i = 0; i < options.runs; i++) {
      const scheduledTime = new Date(started + (i * 1000) / options.rate).toISOString();
      const run = await call<{ id: string }>(api, 'POST', `deployments/${deployment.id}/create-flow-run`, {
        state: { type: 'SCHEDULED', stateDetails: { scheduledTime } },
      });
      ids.push(run.id);
    }
    const deadline = started + (options.runs / options.rate) * 1000 + 120_000;
    let done: Record<string, unknown>[] = [];
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 2000));
      const count = await call<number>(api, 'POST', 'flow-runs/count', {
        deployments: { id: { any: [deployment.id] } },
        flowRuns: { state: { type: { any: ['COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED'] } } },
      });
      if (count >= options.runs) break;
    }
    const seconds = (Date.now() - started) / 1000;
    for (let offset = 0; offset < options.runs; offset += 1000) {
      done = done.concat(
        await call<Record<string, unknown>[]>(api, 'POST', 'flow-runs/filter', {
          deployments: { id: { any: [deployment.id] } },
          limit: 1000,
          offset,
        }),
      );
    }
    const latencies = done
      .filter((r) => r.startTime && r.expectedStartTime)
      .map((r) => Date.parse(String(r.startTime)) - Date.parse(String(r.expectedStartTime)))
      .sort((a, b) => a - b);
    let doubleClaims = 0;
    for (const id of ids) {
      const states = await call<{ type: string }[]>(api, 'GET', `flow-run-states?flowRunId=${id}`);
      if (states.filter((s) => s.type === 'PENDING').length > 1) doubleClaims++;
    }
    return {
      dialect: options.dialect,
      runs: options.runs,
      completed: done.filter((r) => r.stateType === 'COMPLETED').length,
      doubleClaims,
      startLatencyP50Ms: percentile(latencies, 50),
      startLatencyP99Ms: percentile(latencies, 99),
      pollIntervalSeconds: options.pollIntervalSeconds,
      seconds,
    };
  } finally {
    for (const worker of workers) worker.kill('SIGKILL');
    await server.stop();
    await db.dispose();
  }
}
