/**
 * A running Rigel server: the database, the services, the HTTP listener with the events WebSocket and
 * the cross-process change feed. `startServer` is what `rigel-server start`, `npm start`, the SDK's
 * test helpers and the specs use; `stop()` closes everything in order.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestListener, type AppOptions } from './app';
import { attachEvents, type EventsEndpoint } from './api/events';
import { Database } from './db/database';
import type { Clock } from './orchestration/clock';
import { createServices, type Services } from './services';
import { ChangeFeed } from './services/change-feed';
import { CancellationCleanupService } from './services/cancellation-cleanup';
import { CrashedRunsService } from './services/crashed-runs';
import { HistoryRollupService } from './services/flow-run-history';
import { LateRunsService } from './services/late-runs';
import { PauseExpiryService } from './services/pause-expiry';
import { SchedulerService } from './services/scheduler';
import { WorkerStatusWatch } from './services/worker-status-watch';
import type { LoopService } from './services/loop';
import { loadSettings, type Settings } from './settings';

export interface ServerOptions extends AppOptions {
  settings?: Settings;
  /**
   * An already-open database (specs); otherwise `settings.databaseUrl` is opened and migrated. While the
   * server runs, its SQLite writes are collected per I/O phase (`Database.collectWrites`).
   */
  db?: Database;
  clock?: Clock;
  random?: () => number;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface RunningServer {
  url: string;
  apiUrl: string;
  port: number;
  http: Server;
  services: Services;
  feed: ChangeFeed;
  events: EventsEndpoint;
  /** The background loops this process runs (none when `servicesEnabled` is false). */
  loops: LoopService[];
  stop(): Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const settings = options.settings ?? loadSettings();
  const ownsDb = !options.db;
  const db =
    options.db ?? (await Database.open({ url: settings.databaseUrl, busyTimeoutMs: settings.sqliteBusyTimeoutMs }));
  const collectedWrites = db.collectWrites;
  db.collectWrites = true;
  const services = createServices(db, { settings, clock: options.clock, random: options.random });
  const http = createServer(createRequestListener(services, options));
  http.keepAliveTimeout = 65_000;
  const feed = new ChangeFeed(
    db,
    services.events,
    services.runs,
    services.logs,
    settings.eventsPollIntervalMs,
    services.clock,
    services.objects,
    new WorkerStatusWatch(services.events, services.workPools, services.clock),
  );
  const events = attachEvents(http, services, feed, settings.apiKey);
  const host = options.host ?? settings.serverHost;
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? settings.serverPort, host, () => resolve());
  });
  const loops: LoopService[] = settings.servicesEnabled ? backgroundServices(services, settings) : [];
  for (const loop of loops) loop.start();
  const port = (http.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let stopped = false;
  return {
    url,
    apiUrl: `${url}/api`,
    port,
    http,
    services,
    feed,
    events,
    loops,
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all(loops.map((loop) => loop.stop()));
      await feed.stop();
      await events.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      services.events.complete();
      if (ownsDb) await db.close();
      else db.collectWrites = collectedWrites;
    },
  };
}

/** The background loops a server runs (each also has `runOnce(now)` for specs and tools). */
export function backgroundServices(services: Services, settings: Settings): LoopService[] {
  const { db, orchestration, clock } = services;
  return [
    new SchedulerService(db, orchestration, clock, settings.schedulerLoopSeconds),
    new LateRunsService(db, orchestration, clock, settings.lateAfterSeconds, settings.lateRunsLoopSeconds),
    new CrashedRunsService(
      db,
      orchestration,
      clock,
      settings.heartbeatIntervalSeconds,
      settings.crashedRunsLoopSeconds,
    ),
    new PauseExpiryService(db, orchestration, clock, settings.pauseExpiryLoopSeconds),
    new CancellationCleanupService(db, orchestration, clock, settings.cancellationCleanupLoopSeconds),
    new HistoryRollupService(services.flowRunHistory, clock, settings.historyRollupLoopSeconds),
  ];
}
