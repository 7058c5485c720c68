/**
 * How the CLI reaches Rigel: the API at RIGEL_API_URL, or — with no server configured — an in-process
 * server over the local database (no background loops), so every command works in both modes through
 * the same routes and validation.
 */
import type { Settings } from '@rigel/server';
import { startServer } from '@rigel/server/server';
import { HttpClient } from '../client/http-client';

export interface AdminApi {
  /** Where the commands go, for messages. */
  readonly target: string;
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export async function adminApi(settings: Settings): Promise<AdminApi> {
  if (settings.apiUrl) {
    // A command gives up on an unreachable API sooner than a flow run does (at most 10 s).
    const retryBudgetSeconds = Math.min(10, settings.clientRetryBudgetSeconds);
    const http = new HttpClient({ apiUrl: settings.apiUrl, apiKey: settings.apiKey, retryBudgetSeconds });
    return { target: settings.apiUrl, call: (m, p, b) => http.call(m, p, b), close: () => http.close() };
  }
  const server = await startServer({
    settings: {
      ...settings,
      servicesEnabled: false,
      eventsPollIntervalMs: 0,
      rateLimitPerSecond: 0,
      apiKey: undefined,
    },
    host: '127.0.0.1',
    port: 0,
  });
  const http = new HttpClient({ apiUrl: server.apiUrl, retryBudgetSeconds: 5 });
  return {
    target: `the local database (${settings.databaseUrl})`,
    call: (m, p, b) => http.call(m, p, b),
    close: async () => {
      await http.close();
      await server.stop();
    },
  };
}
