/**
 * Runs SDK engine specs in both modes, with one behaviour expected of both: `ephemeral` (the SDK calls
 * the server's services in-process on the spec database) and `http` (a real server on a free port, the
 * SDK's HttpClient talking to it). Outcomes are read back from the spec database through the server's
 * own read services (runs, state history, decisions, logs), never from SDK internals.
 */
import { configure, HttpClient, InProcessClient } from '@rigel/sdk';
import { loadSettings, type Database, type OrchestrationDecision, type Settings, type State } from '@rigel/server';
import { createServices, type Services } from '@rigel/server/services';
import type { ApiLog } from '@rigel/server/services/logs.service';
import type { ApiRun } from '@rigel/server/services/serializers';
import { freshDatabase } from './database';
import { startTestServer, type TestServer } from './server';

export const SDK_MODES = ['ephemeral', 'http'] as const;
export type SdkMode = (typeof SDK_MODES)[number];

/** Settings shared by the engine and the server: short waits so specs stay fast. */
export function sdkSettings(overrides: Partial<Settings> = {}): Settings {
  return { ...loadSettings(), taskConcurrencyWaitSeconds: 0.1, clientRetryBudgetSeconds: 5, ...overrides };
}

export interface SdkWorld {
  mode: SdkMode;
  db: Database;
  services: Services;
  server?: TestServer;
  /** Flow runs, oldest first (optionally of one flow). */
  flowRuns(flowName?: string): Promise<ApiRun[]>;
  /** The only flow run of `flowName` (fails when there is not exactly one). */
  onlyFlowRun(flowName: string): Promise<ApiRun>;
  /** Task runs, oldest first (optionally of one flow run; `null` = tasks called outside any flow). */
  taskRuns(flowRunId?: string | null): Promise<ApiRun[]>;
  run(kind: 'flow' | 'task', id: string): Promise<ApiRun>;
  /** The state history, oldest first. */
  states(kind: 'flow' | 'task', id: string): Promise<State[]>;
  decisions(kind: 'flow' | 'task', id: string): Promise<OrchestrationDecision[]>;
  logs(filter: { flowRunId?: string; taskRunId?: string }): Promise<ApiLog[]>;
}

function makeWorld(mode: SdkMode, db: Database, server: TestServer | undefined): SdkWorld {
  const services = createServices(db, { settings: sdkSettings() });
  const world: SdkWorld = {
    mode,
    db,
    services,
    server,
    async flowRuns(flowName) {
      const filter = flowName ? { flows: { name: { any: [flowName] } } } : {};
      return services.runs.filter('flow', { ...filter, sort: 'EXPECTED_START_TIME_ASC', limit: 1000 } as never);
    },
    async onlyFlowRun(flowName) {
      const runs = await world.flowRuns(flowName);
      if (runs.length !== 1) throw new Error(`expected one flow run of ${flowName}, found ${runs.length}`);
      return runs[0]!;
    },
    async taskRuns(flowRunId) {
      const taskRuns =
        flowRunId === undefined
          ? {}
          : { taskRuns: { flowRunId: flowRunId === null ? { isNull: true } : { any: [flowRunId] } } };
      const runs = await services.runs.filter('task', { ...taskRuns, limit: 1000 } as never);
      return runs.sort((a, b) => String(a.created).localeCompare(String(b.created)) || a.id.localeCompare(b.id));
    },
    run: (kind, id) => services.runs.read(kind, id),
    states: (kind, id) => services.runs.states(kind, id),
    decisions: (kind, id) => services.runs.decisions(kind, id),
    async logs({ flowRunId, taskRunId }) {
      const logs = {
        ...(flowRunId ? { flowRunId: { any: [flowRunId] } } : {}),
        ...(taskRunId ? { taskRunId: { any: [taskRunId] } } : {}),
      };
      return services.logs.filter({ logs, sort: 'TIMESTAMP_ASC', limit: 1000 } as never);
    },
  };
  return world;
}

/**
 * `describe(subject)` with one nested `describe('in <mode> mode')` per mode; `define` receives a getter
 * for the current world (fresh database and SDK configuration for every test).
 */
export function describeInBothModes(subject: string, define: (world: () => SdkWorld) => void): void {
  describe(subject, () => {
    for (const mode of SDK_MODES) {
      describe(`in ${mode} mode`, () => {
        let server: TestServer | undefined;
        let current: SdkWorld | undefined;
        before(async () => {
          if (mode === 'http') server = await startTestServer({ settings: sdkSettings() });
        });
        after(async () => {
          await server?.stop();
          server = undefined;
        });
        beforeEach(async () => {
          const db = await freshDatabase();
          const settings = sdkSettings();
          const client =
            mode === 'http'
              ? new HttpClient({ apiUrl: server!.apiUrl, retryBudgetSeconds: settings.clientRetryBudgetSeconds })
              : new InProcessClient(settings);
          await configure({ client, settings });
          current = makeWorld(mode, db, server);
        });
        afterEach(async () => {
          await configure();
          current = undefined;
        });
        define(() => {
          if (!current) throw new Error('the SDK world exists only inside a test');
          return current;
        });
      });
    }
  });
}

/** Polls `read` until `accept` holds (for things that settle after the call returns, e.g. shipped logs). */
export async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 3000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** State names of a history, oldest first: `['Pending', 'Running', 'Completed']`. */
export function names(states: State[]): string[] {
  return states.map((s) => s.name);
}
