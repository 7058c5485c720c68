/**
 * Workers against a real server: deployments whose entrypoint is `spec/support/worker-flows.js`
 * (compiled next to this file), runs created through the API, `Worker`s with short poll intervals
 * whose child processes talk to the server over HTTP. Everything a spec starts here is stopped in
 * `cleanup()`: workers are stopped, and flow processes they left behind are killed through their handles.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpClient } from '@rigel/sdk';
import type { AdminApi } from '@rigel/sdk/cli/admin';
import { Worker, type WorkerOptions } from '@rigel/sdk/worker/worker';
import type { State } from '@rigel/server';
import type { ApiRun } from '@rigel/server/services/serializers';
import { sdkSettings } from './sdk';
import { startTestServer, type TestServer } from './server';

export const FLOWS_DIR = __dirname;
export const FLOWS_FILE = 'worker-flows.js';

export type Qualifier = 'quick' | 'sleepy' | 'stubborn' | 'journal' | 'flaky' | 'resilient' | 'named';
const FLOW_NAMES: Record<Qualifier, string> = {
  quick: 'wf-quick',
  sleepy: 'wf-sleepy',
  stubborn: 'wf-stubborn',
  journal: 'wf-journal',
  flaky: 'wf-flaky',
  resilient: 'wf-resilient',
  named: 'wf-named',
};

export interface WorkerWorld {
  server: TestServer;
  /** Output lines of every worker started here (its own and its children's). */
  lines: string[];
  /** A deployment of one of the support flows in `pool` (created if missing). */
  deployment(flow: Qualifier, extra?: Record<string, unknown>): Promise<{ id: string; name: string }>;
  createRun(deploymentId: string, parameters?: Record<string, unknown>): Promise<ApiRun>;
  run(id: string): Promise<ApiRun>;
  states(id: string): Promise<State[]>;
  setState(id: string, state: Record<string, unknown>): Promise<{ status: string; state: State | null }>;
  /** Polls the run until `accept` holds (fails with the run's history after `timeoutMs`). */
  waitFor(id: string, accept: (run: ApiRun) => boolean, timeoutMs?: number): Promise<ApiRun>;
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  worker(options?: Partial<WorkerOptions>): Worker;
  /** Starts a worker's polling loop (it runs until the spec stops it, or cleanup does). */
  start(options?: Partial<WorkerOptions>): Worker;
  cleanup(): Promise<void>;
}

/** The environment of the flow processes: the server over HTTP, heartbeats every second. */
export function flowProcessEnv(apiUrl: string): NodeJS.ProcessEnv {
  return { RIGEL_API_URL: apiUrl, RIGEL_HEARTBEAT_INTERVAL_SECONDS: '1', RIGEL_CLIENT_RETRY_BUDGET_SECONDS: '5' };
}

export function httpAdminApi(apiUrl: string): AdminApi {
  const http = new HttpClient({ apiUrl, retryBudgetSeconds: 5 });
  return { target: apiUrl, call: (m, p, b) => http.call(m, p, b), close: () => http.close() };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function workerWorld(pool = 'specs'): Promise<WorkerWorld> {
  const server = await startTestServer({ settings: { ...sdkSettings(), servicesEnabled: false } });
  const lines: string[] = [];
  const workers: { worker: Worker; api: AdminApi; loop?: Promise<void> }[] = [];
  const flowIds = new Map<string, string>();
  const api = server.api;
  const ok = <T>(response: { status: number; body: T }, what: string): T => {
    if (response.status >= 300) throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const world: WorkerWorld = {
    server,
    lines,
    async deployment(flow, extra = {}) {
      const name = FLOW_NAMES[flow];
      if (!flowIds.has(name)) flowIds.set(name, ok(await api.post('/flows', { name }), 'flow').id as string);
      ok(await api.post('/work-pools', { name: String(extra.workPoolName ?? pool) }), 'pool');
      const body = {
        name: 'spec',
        flowId: flowIds.get(name),
        entrypoint: `${FLOWS_FILE}:WorkerFlows.${flow}`,
        path: FLOWS_DIR,
        workPoolName: pool,
        ...extra,
      };
      return ok(await api.post('/deployments', body), 'deployment');
    },
    async createRun(deploymentId, parameters = {}) {
      return ok(await api.post(`/deployments/${deploymentId}/create-flow-run`, { parameters }), 'run');
    },
    async run(id) {
      return ok(await api.get(`/flow-runs/${id}`), 'read run');
    },
    async states(id) {
      return ok(await api.get(`/flow-run-states?flowRunId=${id}`), 'states');
    },
    async setState(id, state) {
      return ok(await api.post(`/flow-runs/${id}/set-state`, { state }), 'set-state');
    },
    async waitFor(id, accept, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const run = await world.run(id);
        if (accept(run)) return run;
        if (Date.now() > deadline) {
          const history = (await world.states(id)).map((s) => `${s.name}${s.message ? ` (${s.message})` : ''}`);
          throw new Error(`run ${id} is ${run.stateName}: ${history.join(' → ')}\n${lines.slice(-30).join('\n')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async waitForLine(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (const line of lines) {
          const match = pattern.exec(line);
          if (match) return match;
        }
        if (Date.now() > deadline) throw new Error(`no line matching ${pattern}:\n${lines.slice(-30).join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    worker(options = {}) {
      const workerApi = httpAdminApi(server.apiUrl);
      const worker = new Worker(workerApi, {
        pool,
        pollIntervalSeconds: 0.2,
        heartbeatSeconds: 1,
        cancelGraceSeconds: 1,
        env: flowProcessEnv(server.apiUrl),
        log: (line) => lines.push(line),
        ...options,
      });
      workers.push({ worker, api: workerApi });
      return worker;
    },
    start(options = {}) {
      const worker = world.worker(options);
      workers.find((w) => w.worker === worker)!.loop = worker.start();
      return worker;
    },
    async cleanup() {
      // Flow processes still going (a spec failed, or a stubborn one) are killed through their worker's handle.
      for (const { worker } of workers) {
        const running = (worker as unknown as { running: Map<string, { child?: ChildProcess }> }).running;
        for (const entry of running.values()) entry.child?.kill('SIGKILL');
      }
      for (const { worker, api: workerApi, loop } of workers.splice(0)) {
        await worker.stop({ handBack: true });
        await loop?.catch(() => undefined);
        await workerApi.close();
      }
      await server.stop();
    },
  };
  return world;
}

/** State names of a history, oldest first. */
export function stateNames(states: State[]): string[] {
  return states.map((s) => s.name);
}
