/**
 * One client of the events WebSocket: its subscriptions, its catch-up, and the live stream. While a
 * catch-up is being read, live events wait in a queue so the client sees catch-up first; a change the
 * catch-up already sent is not sent again when it also arrives live (the change feed may publish a
 * change from another process shortly after the catch-up read it).
 */
import type { Subscription as RxSubscription } from 'rxjs';
import { WebSocket } from 'ws';
import type { ChangeFeed } from '../services/change-feed';
import { eventKey, RESOURCE_OF, type EventBus, type RigelEvent, type RigelResource } from '../services/events';

export interface Subscription {
  resource: RigelResource;
  flowRunId?: string;
}

const MAX_SUBSCRIPTIONS = 50;
const CATCH_UP_LIMIT = 5000;
/** How long keys sent by a catch-up are kept to drop the same change arriving live (well past a poll). */
const CATCH_UP_MEMORY_MS = 30_000;
/** Live events held while a catch-up is read; beyond this the client is too slow and is dropped. */
const MAX_QUEUED = 100_000;

function matches(event: RigelEvent, subscriptions: readonly Subscription[]): boolean {
  const resource = RESOURCE_OF[event.type];
  return subscriptions.some((s) => s.resource === resource && (!s.flowRunId || s.flowRunId === event.flowRunId));
}

const keyOf = (event: RigelEvent) => eventKey(event.type, event.payload.id, event.occurred);

/** Each event is serialized once, however many connections receive it. */
const frames = new WeakMap<RigelEvent, string>();
function frameOf(event: RigelEvent): string {
  let frame = frames.get(event);
  if (frame === undefined) {
    frame = JSON.stringify(event);
    frames.set(event, frame);
  }
  return frame;
}

export class EventConnection {
  private readonly subscriptions: Subscription[] = [];
  private readonly live: RxSubscription;
  private readonly releaseFeed: () => void;
  private catchingUp = 0;
  private queued: RigelEvent[] = [];
  private sentByCatchUp = new Set<string>();
  private catchUpMemoryUntil = 0;

  constructor(
    private readonly ws: WebSocket,
    events: EventBus,
    private readonly feed: ChangeFeed,
  ) {
    this.releaseFeed = feed.addListener();
    this.live = events.events$.subscribe((event) => this.onLive(event));
  }

  send(data: unknown): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(data));
  }

  private sendEvent(event: RigelEvent): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frameOf(event));
  }

  /** Adds a subscription; with `since`, first sends what the client missed. */
  async subscribe(subscription: Subscription, since?: Date): Promise<void> {
    if (this.subscriptions.length >= MAX_SUBSCRIPTIONS) {
      return this.send({
        error: {
          code: 'VALIDATION_FAILED',
          message: `subscribe: at most ${MAX_SUBSCRIPTIONS} subscriptions per connection`,
        },
      });
    }
    this.subscriptions.push(subscription);
    if (since) await this.catchUp(subscription, since);
    else this.send({ subscribed: subscription });
  }

  private async catchUp(subscription: Subscription, since: Date): Promise<void> {
    this.catchingUp++;
    try {
      const missed = await this.feed.changesSince({ since, ...subscription, limit: CATCH_UP_LIMIT });
      this.rememberCatchUp();
      for (const event of missed) {
        const key = keyOf(event);
        if (this.sentByCatchUp.has(key)) continue;
        this.sentByCatchUp.add(key);
        this.sendEvent(event);
      }
    } catch {
      this.send({
        error: {
          code: 'DATABASE_UNAVAILABLE',
          message: 'catch-up failed: the database is unavailable; reconnect to retry',
        },
      });
    } finally {
      this.send({ subscribed: subscription });
      if (--this.catchingUp === 0) this.flushQueue();
    }
  }

  private rememberCatchUp(): void {
    const now = Date.now();
    if (now > this.catchUpMemoryUntil) this.sentByCatchUp.clear();
    this.catchUpMemoryUntil = now + CATCH_UP_MEMORY_MS;
  }

  private onLive(event: RigelEvent): void {
    if (!matches(event, this.subscriptions)) return;
    if (this.catchingUp > 0) {
      if (this.queued.length >= MAX_QUEUED) return void this.ws.terminate();
      this.queued.push(event);
      return;
    }
    this.sendLive(event);
  }

  private sendLive(event: RigelEvent): void {
    if (this.sentByCatchUp.size > 0) {
      if (Date.now() > this.catchUpMemoryUntil) this.sentByCatchUp.clear();
      else if (this.sentByCatchUp.has(keyOf(event))) return;
    }
    this.sendEvent(event);
  }

  private flushQueue(): void {
    const queued = this.queued;
    this.queued = [];
    for (const event of queued) this.sendLive(event);
  }

  close(): void {
    this.live.unsubscribe();
    this.releaseFeed();
  }
}
