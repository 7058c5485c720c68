/**
 * `GET /api/events` as a WebSocket (api.md "Live updates").
 *
 * Protocol (JSON text frames):
 * - Connect to `/api/events`. With an API key configured, pass it as `Authorization: Bearer <key>` or,
 *   from a browser, as `?token=<key>`; otherwise the upgrade is refused with HTTP 401.
 * - Client → server, any number of times: `{ "subscribe": { "resource": "flow-run" | "task-run" | "log"
 *   | "deployment" | "work-pool" | "work-queue" | "worker" | "concurrency-limit", "flowRunId"?: uuid },
 *   "since"?: ISO-8601 }`. Subscriptions add up; an event is sent once even when several match.
 *   `flowRunId` narrows a run or log subscription to one flow run (a task run's or log's flow run).
 * - Server → client: with `since`, first the changes at or after `since` (catch-up, oldest first, at
 *   most 5,000; a run that changed several times appears once, as it is now), then
 *   `{ "subscribed": { resource, flowRunId? } }`, then every matching change as it is committed by any
 *   process on the database: `{ "type", "occurred", "flowRunId", "payload" }`. Types: `flow-run.updated`,
 *   `task-run.updated`, `log` (payload = the run as GET returns it, or the log line);
 *   `deployment.updated`, `work-pool.updated`, `work-queue.updated`, `worker.updated`,
 *   `concurrency-limit.updated` (payload = the object as GET returns it, with its status for pools and
 *   workers) and `deployment.deleted`, `work-pool.deleted`, `work-queue.deleted`,
 *   `concurrency-limit.deleted` (payload = its id and name or tag). See object-events.ts and
 *   worker-status-watch.ts for when objects are published (heartbeats and slot changes are throttled).
 * - To resume after a reconnect, subscribe with `since` = the last `occurred` seen: events at exactly
 *   that time are sent again (nothing is lost; drop duplicates by type, payload.id and occurred).
 * - A malformed message is answered with `{ "error": { "code": "VALIDATION_FAILED", "message" } }`
 *   and the connection stays open. The server pings every 30 s and drops a client that does not pong.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { EVENTS_PATH } from '../schemas/paths';
import type { Services } from '../services';
import type { ChangeFeed } from '../services/change-feed';
import { OBJECT_RESOURCES, RUN_RESOURCES, type RigelResource } from '../services/events';
import { EventConnection, type Subscription } from './event-connection';

const RESOURCES: readonly RigelResource[] = [...RUN_RESOURCES, ...OBJECT_RESOURCES];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_MESSAGE_BYTES = 64 * 1024;

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
  if (flowRunId !== undefined && !(RUN_RESOURCES as readonly string[]).includes(resource)) {
    return { error: `subscribe.flowRunId: narrows only ${RUN_RESOURCES.join(', ')} subscriptions` };
  }
  let since: Date | undefined;
  if (m.since !== undefined) {
    since = typeof m.since === 'string' ? new Date(m.since) : new Date(NaN);
    if (Number.isNaN(since.getTime())) return { error: 'since: must be an ISO-8601 timestamp' };
  }
  return {
    subscription: {
      resource: resource as RigelResource,
      ...(flowRunId ? { flowRunId: (flowRunId as string).toLowerCase() } : {}),
    },
    since,
  };
}

export interface EventsEndpoint {
  close(): Promise<void>;
  readonly clients: number;
}

function keyMatches(given: string | null, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuse(socket: Duplex, status: string, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}

/** Serves the events WebSocket on `server` at /api/events. */
export function attachEvents(server: Server, services: Services, feed: ChangeFeed, apiKey?: string): EventsEndpoint {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== EVENTS_PATH) {
      // Nobody else serves upgrades here: answer rather than leave the socket hanging.
      if (server.listenerCount('upgrade') === 1) refuse(socket, '404 Not Found', 'NOT_FOUND', 'No WebSocket here');
      return;
    }
    if (apiKey) {
      const header = req.headers.authorization ?? '';
      const token = header.startsWith('Bearer ') ? header.slice(7) : url.searchParams.get('token');
      if (!keyMatches(token, apiKey)) {
        return refuse(socket, '401 Unauthorized', 'UNAUTHORIZED', 'A valid API key is required');
      }
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', onUpgrade);

  wss.on('connection', (ws: WebSocket) => {
    const connection = new EventConnection(ws, services.events, feed);
    let alive = true;
    const ping = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, 30_000);
    ping.unref();
    ws.on('pong', () => (alive = true));
    ws.on('message', (data) => {
      const parsed = parseSubscribe(data.toString());
      if ('error' in parsed) return connection.send({ error: { code: 'VALIDATION_FAILED', message: parsed.error } });
      void connection.subscribe(parsed.subscription, parsed.since);
    });
    ws.on('close', () => {
      clearInterval(ping);
      connection.close();
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
