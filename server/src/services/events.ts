/**
 * Live events: every committed change is published on an in-process RxJS stream; the WebSocket route
 * (api/events.ts) filters it per subscriber, and the change feed (change-feed.ts) adds changes that
 * other processes wrote to the same database. The bus drops an event it has already delivered (same
 * type, id and change time — a run's `updated` is unique per change), so a change seen both locally
 * and through the feed arrives once. It remembers delivered events until the feed will never read
 * their rows again (the feed's horizon), or for a few seconds when no feed is running; a bus made
 * `withoutFeed` (the SDK's ephemeral client, which never runs a feed) remembers nothing.
 */
import { randomUUID } from 'node:crypto';
import { Observable, Subject } from 'rxjs';
import { systemClock, type Clock } from '../orchestration/clock';

export type RigelEventType =
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

/** Runs and logs: what a subscription may narrow with `flowRunId`. */
export type RunResource = 'flow-run' | 'task-run' | 'log';
/** Deployments, work pools, queues, workers and concurrency limits (object-events.ts). */
export type ObjectResource = 'deployment' | 'work-pool' | 'work-queue' | 'worker' | 'concurrency-limit';
export type RigelResource = RunResource | ObjectResource;

export const RUN_RESOURCES: readonly RunResource[] = ['flow-run', 'task-run', 'log'];
export const OBJECT_RESOURCES: readonly ObjectResource[] = [
  'deployment',
  'work-pool',
  'work-queue',
  'worker',
  'concurrency-limit',
];

export interface RigelEvent {
  type: RigelEventType;
  /** When the change was committed (server clock), ISO-8601; clients resume from it after a reconnect. */
  occurred: string;
  /** The flow run the change belongs to (for subscriber filters); null for objects. */
  flowRunId: string | null;
  payload: Record<string, unknown> & { id: string };
}

export const RESOURCE_OF: Record<RigelEventType, RigelResource> = {
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

/** The event a changed row of `resource` becomes. */
export const EVENT_TYPE_OF: Record<RigelResource, RigelEventType> = {
  'flow-run': 'flow-run.updated',
  'task-run': 'task-run.updated',
  log: 'log',
  deployment: 'deployment.updated',
  'work-pool': 'work-pool.updated',
  'work-queue': 'work-queue.updated',
  worker: 'worker.updated',
  'concurrency-limit': 'concurrency-limit.updated',
};

/** Identifies one version of one object: what de-duplication compares. */
export function eventKey(type: RigelEventType, id: string, occurred: string): string {
  return `${type}:${id}:${occurred}`;
}

/** Without a running feed nothing older than this is ever read again (the feed starts ≤ 4 s back). */
const IDLE_MEMORY_MS = 10_000;
/** Pruning scans the memory at most this often (by the bus's clock). */
const PRUNE_EVERY_MS = 1000;

export interface EventBusOptions {
  /**
   * No change feed ever runs on this bus (the SDK's ephemeral client): a delivered event cannot come
   * back, so none is remembered — with 4,000 task runs/s that memory would be ~80,000 keys.
   */
  withoutFeed?: boolean;
}

export class EventBus {
  /** Identifies this bus in cross-process notifications, so a process ignores its own. */
  readonly origin = randomUUID();
  private readonly subject = new Subject<RigelEvent>();
  /** Delivered event keys → the change time (ms) of the event. */
  private readonly delivered = new Map<string, number>();
  private horizon: number | null = null;
  private lastPrune = 0;
  private localChange: (() => void) | null = null;
  readonly events$: Observable<RigelEvent> = this.subject.asObservable();

  /** Whether anyone listens (publishers skip building payloads when nobody does). */
  get observed(): boolean {
    return this.subject.observed;
  }

  private readonly remember: boolean;

  constructor(
    private readonly clock: Clock = systemClock,
    options: EventBusOptions = {},
  ) {
    this.remember = !options.withoutFeed;
  }

  /**
   * Publishes `event` unless it was already delivered; returns whether it was. `local` events were
   * committed by this process (they trigger the cross-process notification); `feed` events were read
   * back from the database.
   */
  publish(event: RigelEvent, source: 'local' | 'feed' = 'local'): boolean {
    const key = eventKey(event.type, event.payload.id, event.occurred);
    if (this.delivered.has(key)) return false;
    if (this.remember) {
      this.delivered.set(key, Date.parse(event.occurred));
      this.maybePrune();
    }
    this.subject.next(event);
    if (source === 'local') this.localChange?.();
    return true;
  }

  /** Whether the event with this key was delivered (the feed skips building it again). */
  wasDelivered(key: string): boolean {
    return this.delivered.has(key);
  }

  /**
   * Records a committed local change without publishing it (nobody listens here): the change feed will
   * not publish it later either, and other processes are notified.
   */
  recordLocalChange(type: RigelEventType, id: string, occurred: Date): void {
    if (this.remember) {
      this.delivered.set(eventKey(type, id, occurred.toISOString()), occurred.getTime());
      this.maybePrune();
    }
    this.localChange?.();
  }

  /** Tells other processes about a committed change whose event is built later (coalesced). */
  announceLocalChange(): void {
    this.localChange?.();
  }

  /** Called after this process published a change it committed (the PostgreSQL notifier hooks in). */
  onLocalChange(listener: (() => void) | null): void {
    this.localChange = listener;
  }

  /**
   * The change feed promises never to read rows changed before `time` (ms) again, so events older than
   * that can be forgotten; `null` when the feed stops.
   */
  setHorizon(time: number | null): void {
    this.horizon = time;
  }

  /** How many delivered events the bus remembers (specs and diagnostics). */
  get remembered(): number {
    return this.delivered.size;
  }

  private maybePrune(): void {
    const now = this.clock().getTime();
    if (Math.abs(now - this.lastPrune) < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    const before = this.horizon ?? now - IDLE_MEMORY_MS;
    for (const [key, occurred] of this.delivered) if (occurred < before) this.delivered.delete(key);
  }

  complete(): void {
    this.subject.complete();
  }
}
