/**
 * The one connection to `GET /api/events` (api.md "Live updates"), an RxJS `webSocket`. Pages ask for
 * a stream with `on({ resource, flowRunId? })`; the service subscribes on the socket once per distinct
 * subscription (reference-counted), reconnects with backoff when the socket drops, and on reconnect
 * re-subscribes with `since` = the last event time it saw, so the server replays what was missed.
 * `status` drives the connection indicator; `reconnected$` lets pages re-read what they show.
 */
import { Injectable, inject, signal } from '@angular/core';
import { filter, Observable, Subject, type Subscription } from 'rxjs';
import { webSocket, type WebSocketSubject } from 'rxjs/webSocket';
import { Settings } from './settings';

export type LiveResource =
  'flow-run' | 'task-run' | 'log' | 'deployment' | 'work-pool' | 'work-queue' | 'worker' | 'concurrency-limit';
export type ConnectionStatus = 'idle' | 'connecting' | 'live' | 'down';

export interface LiveSubscription {
  resource: LiveResource;
  /** Only for flow-run, task-run and log subscriptions. */
  flowRunId?: string;
}

export type LiveEventType =
  | 'flow-run.updated'
  | 'task-run.updated'
  | 'log'
  | 'deployment.updated'
  | 'deployment.deleted'
  | 'work-pool.updated'
  | 'work-pool.deleted'
  | 'work-queue.updated'
  | 'work-queue.deleted'
  | 'worker.updated'
  | 'concurrency-limit.updated'
  | 'concurrency-limit.deleted';

export interface LiveEvent<T = Record<string, unknown> & { id: string }> {
  type: LiveEventType;
  occurred: string;
  flowRunId: string | null;
  payload: T;
}

const RESOURCE_OF: Record<LiveEventType, LiveResource> = {
  'flow-run.updated': 'flow-run',
  'task-run.updated': 'task-run',
  log: 'log',
  'deployment.updated': 'deployment',
  'deployment.deleted': 'deployment',
  'work-pool.updated': 'work-pool',
  'work-pool.deleted': 'work-pool',
  'work-queue.updated': 'work-queue',
  'work-queue.deleted': 'work-queue',
  'worker.updated': 'worker',
  'concurrency-limit.updated': 'concurrency-limit',
  'concurrency-limit.deleted': 'concurrency-limit',
};
/** Subscriptions nobody wants any more (the protocol has no unsubscribe) before the socket is renewed. */
const MAX_STALE = 10;
/** A subscription added on an open socket replays this much, covering the gap before the server had it. */
const JOIN_REPLAY_MS = 5000;
const MAX_BACKOFF_MS = 5000;

const keyOf = (s: LiveSubscription) => `${s.resource}|${s.flowRunId ?? ''}`;
const matches = (e: LiveEvent, s: LiveSubscription) =>
  RESOURCE_OF[e.type] === s.resource && (!s.flowRunId || e.flowRunId === s.flowRunId);

@Injectable({ providedIn: 'root' })
export class LiveEvents {
  private readonly settings = inject(Settings);
  readonly status = signal<ConnectionStatus>('idle');
  private readonly events = new Subject<LiveEvent>();
  private readonly reconnected = new Subject<void>();
  /** Emits after the socket came back (pages re-read their data). */
  readonly reconnected$ = this.reconnected.asObservable();

  private readonly wanted = new Map<string, { subscription: LiveSubscription; count: number }>();
  private onSocket = new Set<string>();
  private socket?: WebSocketSubject<unknown>;
  private connection?: Subscription;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private attempts = 0;
  private everOpened = false;
  private lastOccurred: string | null = null;
  private lostAt: number | null = null;
  private requestedAt = Date.now();
  private seen = new Set<string>();
  /** Server clock − browser clock, as far as events tell (never more than the truth). */
  private clockOffsetMs: number | null = null;

  /** Events matching `subscription` for as long as the returned stream is subscribed. */
  on<T = Record<string, unknown> & { id: string }>(subscription: LiveSubscription): Observable<LiveEvent<T>> {
    return new Observable<LiveEvent<T>>((observer) => {
      this.acquire(subscription);
      const inner = this.events.pipe(filter((e) => matches(e, subscription))).subscribe(observer as never);
      return () => {
        inner.unsubscribe();
        this.release(subscription);
      };
    });
  }

  /** Drops the socket and opens a new one (after the API URL or key changed). */
  restart(): void {
    this.close();
    this.lostAt = Date.now();
    if (this.wanted.size > 0) this.connect();
  }

  private acquire(subscription: LiveSubscription): void {
    const key = keyOf(subscription);
    const entry = this.wanted.get(key);
    if (entry) return void entry.count++;
    this.wanted.set(key, { subscription, count: 1 });
    if (!this.socket) return this.connect();
    if (this.status() === 'live' && !this.onSocket.has(key)) {
      this.send(subscription, new Date(this.serverNow() - JOIN_REPLAY_MS).toISOString());
    }
  }

  private release(subscription: LiveSubscription): void {
    const key = keyOf(subscription);
    const entry = this.wanted.get(key);
    if (!entry || --entry.count > 0) return;
    this.wanted.delete(key);
    const stale = [...this.onSocket].filter((k) => !this.wanted.has(k)).length;
    if (stale >= MAX_STALE && this.status() === 'live') this.restart();
  }

  private connect(): void {
    clearTimeout(this.retryTimer);
    if (!this.everOpened && this.attempts === 0) this.requestedAt = Date.now();
    this.status.set(this.attempts > 0 ? 'down' : 'connecting');
    const socket = webSocket<unknown>({
      url: this.settings.eventsUrl(),
      openObserver: { next: () => this.onOpen() },
    });
    this.socket = socket;
    this.connection = socket.subscribe({
      next: (message) => this.onMessage(message),
      error: () => this.onLost(socket),
      complete: () => this.onLost(socket),
    });
  }

  private onOpen(): void {
    const reconnect = this.everOpened;
    this.everOpened = true;
    this.attempts = 0;
    this.onSocket = new Set();
    this.status.set('live');
    // Replay from the last event seen; before any, from a little before the socket was asked for, so a
    // change committed between a page's first read and this subscription is not lost.
    const from = (this.lostAt ?? this.requestedAt) + (this.clockOffsetMs ?? 0);
    const since = this.lastOccurred ?? new Date(from - JOIN_REPLAY_MS).toISOString();
    for (const { subscription } of this.wanted.values()) this.send(subscription, since);
    this.lostAt = null;
    if (reconnect) this.reconnected.next();
  }

  /** The server's time as best known (the browser's clock corrected by what events told). */
  private serverNow(): number {
    return Date.now() + (this.clockOffsetMs ?? 0);
  }

  private send(subscription: LiveSubscription, since?: string): void {
    this.onSocket.add(keyOf(subscription));
    this.socket?.next({ subscribe: subscription, ...(since ? { since } : {}) });
  }

  private onMessage(message: unknown): void {
    const event = message as Partial<LiveEvent>;
    if (!event.type || !event.payload || !event.occurred) return;
    const key = `${event.type}:${event.payload.id}:${event.occurred}`;
    if (this.seen.has(key)) return;
    if (this.seen.size > 10_000) this.seen.clear();
    this.seen.add(key);
    if (!this.lastOccurred || event.occurred > this.lastOccurred) this.lastOccurred = event.occurred;
    // An event happened no later than now on the server: the largest (occurred − received) is the
    // best lower bound of the clock offset; replays computed with it start early rather than late.
    const offset = Date.parse(event.occurred) - Date.now();
    if (this.clockOffsetMs === null || offset > this.clockOffsetMs) this.clockOffsetMs = offset;
    this.events.next(event as LiveEvent);
  }

  private onLost(socket: WebSocketSubject<unknown>): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.lostAt ??= Date.now();
    this.status.set('down');
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempts++);
    this.retryTimer = setTimeout(() => {
      if (!this.socket && this.wanted.size > 0) this.connect();
    }, delay);
  }

  private close(): void {
    clearTimeout(this.retryTimer);
    const connection = this.connection;
    this.socket = undefined;
    this.connection = undefined;
    connection?.unsubscribe();
    this.status.set('idle');
  }
}
