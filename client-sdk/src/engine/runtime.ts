/**
 * The process's connection to Rigel: the orchestration client chosen by the settings (RIGEL_API_URL
 * set → HTTP; unset → ephemeral, in-process on the local database), the log shipper, and caches that
 * live as long as the client (flow ids by name).
 */
import { loadSettings, type Settings } from '@rigel/server/contract';
import { HttpClient } from '../client/http-client';
import { InProcessClient } from '../client/in-process-client';
import type { OrchestrationClient } from '../client/types';
import { LogShipper } from '../logging/log-shipper';
import { levelNumber } from '../logging/levels';

export interface Runtime {
  client: OrchestrationClient;
  shipper: LogShipper;
  settings: Settings;
  logThreshold: number;
  flowIds: Map<string, Promise<string>>;
}

let current: Runtime | null = null;

export function clientFor(settings: Settings): OrchestrationClient {
  return settings.apiUrl
    ? new HttpClient({
        apiUrl: settings.apiUrl,
        apiKey: settings.apiKey,
        retryBudgetSeconds: settings.clientRetryBudgetSeconds,
      })
    : new InProcessClient(settings);
}

export function runtime(): Runtime {
  if (!current) {
    const settings = loadSettings();
    current = build(settings, clientFor(settings));
  }
  return current;
}

function build(settings: Settings, client: OrchestrationClient): Runtime {
  return {
    client,
    settings,
    shipper: new LogShipper(client),
    logThreshold: levelNumber(settings.loggingLevel),
    flowIds: new Map(),
  };
}

/**
 * Points the SDK at a client (and settings) of your choosing — e.g. `new HttpClient({ apiUrl })` — or
 * back to the environment's default with no arguments. Closes the previous client.
 */
export async function configure(options: { client?: OrchestrationClient; settings?: Settings } = {}): Promise<void> {
  const previous = current;
  current = null;
  if (previous) {
    await previous.shipper.flush();
    await previous.client.close();
  }
  if (options.client || options.settings) {
    const settings = options.settings ?? loadSettings();
    current = build(settings, options.client ?? clientFor(settings));
  }
}

/** Flushes logs and closes the client (a script may call this before exiting; not required). */
export async function shutdown(): Promise<void> {
  await configure();
}

/** The flow's id on the server, created on first use (cached per client). */
export function flowId(rt: Runtime, name: string): Promise<string> {
  let id = rt.flowIds.get(name);
  if (!id) {
    id = rt.client.getOrCreateFlow(name).then((flow) => flow.id);
    id.catch(() => rt.flowIds.delete(name));
    rt.flowIds.set(name, id);
  }
  return id;
}

/** Creates or changes the concurrency limit of a task tag (tasks with the tag then share `limit` slots). */
export async function setConcurrencyLimit(tag: string, limit: number): Promise<void> {
  await runtime().client.setConcurrencyLimit(tag, limit);
}
