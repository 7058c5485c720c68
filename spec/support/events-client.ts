/**
 * A real WebSocket client (`ws`) for the events endpoint: records every message and waits, with a
 * bounded timeout, for one that matches.
 */
import { WebSocket } from 'ws';

export type EventMessage = {
  type?: string;
  occurred?: string;
  flowRunId?: string | null;
  payload?: Record<string, any>;
  subscribed?: Record<string, unknown>;
  error?: { code: string; message: string };
};

export interface Subscribe {
  resource:
    'flow-run' | 'task-run' | 'log' | 'deployment' | 'work-pool' | 'work-queue' | 'worker' | 'concurrency-limit';
  flowRunId?: string;
}

/** `ws://…/api/events` for a server at `baseUrl` (http://host:port). */
export function eventsUrl(baseUrl: string, query = ''): string {
  return `${baseUrl.replace(/^http/, 'ws')}/api/events${query}`;
}

/** The HTTP status the upgrade gets: 101 when the WebSocket opens, otherwise the refusal's status. */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

export class EventsClient {
  readonly messages: EventMessage[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as EventMessage);
      for (const wake of [...this.waiters]) wake();
    });
  }

  static connect(baseUrl: string, options: { headers?: Record<string, string>; query?: string } = {}) {
    return new Promise<EventsClient>((resolve, reject) => {
      const ws = new WebSocket(eventsUrl(baseUrl, options.query), { headers: options.headers });
      const client = new EventsClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Subscribes and waits for the acknowledgement (after any catch-up). */
  async subscribe(subscribe: Subscribe, since?: string): Promise<void> {
    const acknowledged = this.messages.filter((m) => m.subscribed).length;
    this.send({ subscribe, ...(since ? { since } : {}) });
    await this.waitFor(() => this.messages.filter((m) => m.subscribed).length > acknowledged, 'subscription ack');
  }

  /** Events received so far (not acknowledgements or errors), optionally filtered. */
  events(predicate: (m: EventMessage) => boolean = () => true): EventMessage[] {
    return this.messages.filter((m) => m.type !== undefined && predicate(m));
  }

  /** The first message (received already or later) that matches, within `timeoutMs`. */
  async next(predicate: (m: EventMessage) => boolean, timeoutMs = 2000): Promise<EventMessage> {
    let found: EventMessage | undefined;
    await this.waitFor(() => (found = this.messages.find(predicate)) !== undefined, 'a matching message', timeoutMs);
    return found!;
  }

  /** Resolves once `condition()` holds; rejects after `timeoutMs` with what was received. */
  waitFor(condition: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
    return new Promise((resolve, reject) => {
      if (condition()) return resolve();
      const wake = () => {
        if (!condition()) return;
        this.waiters.delete(wake);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        const seen = this.messages.map((m) => m.type ?? JSON.stringify(m)).join(', ');
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received: [${seen}]`));
      }, timeoutMs);
      this.waiters.add(wake);
    });
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
