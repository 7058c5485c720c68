/**
 * A real Rigel server on a free port over the spec database, and a tiny JSON client for API specs.
 */
import { FakeClock } from '@rigel/server/orchestration/clock';
import { startServer, type RunningServer } from '@rigel/server/server';
import { loadSettings, type Settings } from '@rigel/server';
import { freshDatabase } from './database';

export interface TestServer extends RunningServer {
  clock?: FakeClock;
  api: ApiClient;
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const response = await fetch(`${this.baseUrl}${path}`, init);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (e.g. the docs page)
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }

  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }

  patch<T = any>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }

  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }
}

export interface TestServerOptions {
  /** Pin the server's clock (rules, timestamps) to a FakeClock. */
  fakeClock?: boolean | FakeClock;
  settings?: Partial<Settings>;
  random?: () => number;
}

/** Starts a server on an emptied spec database; stop it in `after`/`afterEach`. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const db = await freshDatabase();
  const clock =
    options.fakeClock instanceof FakeClock ? options.fakeClock : options.fakeClock ? new FakeClock() : undefined;
  const settings: Settings = {
    ...loadSettings(),
    eventsPollIntervalMs: 100,
    servicesEnabled: false,
    ...options.settings,
  };
  const server = await startServer({
    db,
    settings,
    host: '127.0.0.1',
    port: 0,
    clock: clock?.now,
    random: options.random,
  });
  return Object.assign(server, { clock, api: new ApiClient(server.apiUrl) });
}
