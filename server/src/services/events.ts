/**
 * Live events: every committed change is published on an in-process RxJS stream; the WebSocket route
 * (api/events.ts) filters it per subscriber, and the change feed (change-feed.ts) adds changes that
 * other processes wrote to the same database. The bus drops an event it has already delivered (same
 * resource, id and change time), so a change seen both locally and through the feed arrives once.
 */
import { Observable, Subject } from 'rxjs';

export type RigelEventType = 'flow-run.updated' | 'task-run.updated' | 'log';
export type RigelResource = 'flow-run' | 'task-run' | 'log';

export interface RigelEvent {
  type: RigelEventType;
  /** When the change was committed (server clock), ISO-8601; clients resume from it after a reconnect. */
  occurred: string;
  /** The flow run the change belongs to (for subscriber filters). */
  flowRunId: string | null;
  payload: Record<string, unknown> & { id: string };
}

export const RESOURCE_OF: Record<RigelEventType, RigelResource> = {
  'flow-run.updated': 'flow-run',
  'task-run.updated': 'task-run',
  log: 'log',
};

/** How long the bus remembers delivered events for de-duplication. */
const MEMORY_MS = 30_000;

export class EventBus {
  private readonly subject = new Subject<RigelEvent>();
  private readonly delivered = new Map<string, number>();
  private lastPrune = Date.now();
  readonly events$: Observable<RigelEvent> = this.subject.asObservable();

  /** Whether anyone subscribes to `events$` now (with nobody, a published event only updates the memory). */
  get observed(): boolean {
    return this.subject.observed;
  }

  /** Publishes `event` unless it was already delivered; returns whether it was. */
  publish(event: RigelEvent): boolean {
    const key = `${event.type}:${event.payload.id}:${event.occurred}`;
    if (this.delivered.has(key)) return false;
    const now = Date.now();
    this.delivered.set(key, now);
    if (now - this.lastPrune > MEMORY_MS) this.prune(now);
    this.subject.next(event);
    return true;
  }

  private prune(now: number): void {
    this.lastPrune = now;
    for (const [key, at] of this.delivered) if (now - at > MEMORY_MS) this.delivered.delete(key);
  }

  complete(): void {
    this.subject.complete();
  }
}
