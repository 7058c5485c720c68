/**
 * `GET /api/events` as a WebSocket (api.md "Live updates"). A client sends
 * `{ subscribe: { resource, flowRunId? }, since? }` (any number of times); it first receives what it
 * missed since `since` (catch-up), then every matching change as `{ type, occurred, payload }`.
 * Errors in a message are answered with `{ error: { code, message } }` and the connection stays open.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { filter } from 'rxjs';
import { WebSocket, WebSocketServer } from 'ws';
import { EVENTS_PATH } from '../schemas/paths';
import type { Services } from '../services';
import type { ChangeFeed } from '../services/change-feed';
import { RESOURCE_OF, type RigelEvent, type RigelResource } from '../services/events';

const RESOURCES: readonly RigelResource[] = ['flow-run', 'task-run', 'log'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_SUBSCRIPTIONS = 50;
const MAX_MESSAGE_BYTES = 64 * 1024;

interface Subscription {
  resource: RigelResource;
  flowRunId?: string;
}

function matches(event: RigelEvent, subscriptions: Subscription[]): boolean {
  const resource = RESOURCE_OF[event.type];
  return subscriptions.some((s) => s.resource === resource && (!s.flowRunId || s.flowRunId === event.flowRunId));
}

/** Parses one client message; returns an error message for anything malformed. */
export function parseSubscribe(raw: string): { subscription: Subscription; since?: Date } | { error: string } {
  let message: unknown;
  try {
    message = JSON.parse(raw);
  } catch {
    return { error: 'message: is not valid JSON' };
  }
  const m = message as { subscribe?: { resource?: unknown; flowRunId?: unknown }; since?: unknown };
  if (!m || typeof m !== 'object' || !m.subscribe || typeof m.subscribe !== 'object') {
    return { error: 'subscribe: is required, e.g. { "subscribe": { "resource": "flow-run" } }' };
  }
  const extra = Object.keys(m).filter((k) => k !== 'subscribe' && k !== 'since');
  if (extra.length) return { error: `${extra[0]}: is not a known field` };
  const { resource, flowRunId } = m.subscribe;
  if (typeof resource !== 'string' || !RESOURCES.includes(resource as RigelResource)) {
    return { error: `subscribe.resource: must be one of ${RESOURCES.join(', ')}` };
  }
  if (flowRunId !== undefined && (typeof flowRunId !== 'string' || !UUID.test(flowRunId))) {
    return { error: 'subscribe.flowRunId: must be a UUID' };
  }
  let since: Date | undefined;
  if (m.since !== undefined) {
    since = typeof m.since === 'string' ? new Date(m.since) : new Date(NaN);
    if (Number.isNaN(since.getTime())) return { error: 'since: must be an ISO-8601 timestamp' };
  }
  return {
    subscription: { resource: resource as RigelResource, ...(flowRunId ? { flowRunId: flowRunId as string } : {}) },
    since,
  };
}

export interface EventsEndpoint {
  close(): Promise<void>;
  readonly clients: number;
}

/** Serves the events WebSocket on `server` at /api/events. */
export function attachEvents(server: Server, services: Services, feed: ChangeFeed, apiKey?: string): EventsEndpoint {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== EVENTS_PATH) return;
    if (apiKey) {
      const header = req.headers.authorization ?? '';
      const token = header.startsWith('Bearer ') ? header.slice(7) : url.searchParams.get('token');
      if (token !== apiKey) {
        socket.end(
          'HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n\r\n{"error":{"code":"UNAUTHORIZED","message":"A valid API key is required"}}',
        );
        return;
      }
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', onUpgrade);

  wss.on('connection', (ws: WebSocket) => {
    const subscriptions: Subscription[] = [];
    const release = feed.addListener();
    let alive = true;
    const send = (data: unknown) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(data));
    };
    const live = services.events.events$
      .pipe(filter((event) => matches(event, subscriptions)))
      .subscribe((event) => send(event));
    const ping = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, 30_000);
    ping.unref();
    ws.on('pong', () => (alive = true));
    ws.on('message', async (data) => {
      const parsed = parseSubscribe(data.toString());
      if ('error' in parsed) return send({ error: { code: 'VALIDATION_FAILED', message: parsed.error } });
      if (subscriptions.length >= MAX_SUBSCRIPTIONS) {
        return send({
          error: {
            code: 'VALIDATION_FAILED',
            message: `subscribe: at most ${MAX_SUBSCRIPTIONS} subscriptions per connection`,
          },
        });
      }
      subscriptions.push(parsed.subscription);
      if (parsed.since) {
        try {
          const missed = await feed.changesSince({ since: parsed.since, ...parsed.subscription, limit: 5000 });
          for (const event of missed) send(event);
        } catch {
          send({
            error: {
              code: 'DATABASE_UNAVAILABLE',
              message: 'catch-up failed: the database is unavailable; reconnect to retry',
            },
          });
        }
      }
      send({ subscribed: parsed.subscription });
    });
    ws.on('close', () => {
      clearInterval(ping);
      live.unsubscribe();
      release();
    });
  });

  return {
    get clients() {
      return wss.clients.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.off('upgrade', onUpgrade);
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
