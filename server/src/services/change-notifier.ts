/**
 * PostgreSQL only: after this process commits a change to runs or logs, it tells the other server
 * processes on the same database with a NOTIFY, so their change feeds read it at once instead of at
 * the next poll. Debounced (at most one NOTIFY per `minIntervalMs`, the last change always followed by
 * one) and fire-and-forget on the pool, after the commit: the hot path never waits for it, and a lost
 * notification only costs latency (polling stays the fallback).
 */
import type { Database } from '../db/database';
import type { EventBus } from './events';

/** The channel servers LISTEN on; the payload is the notifying bus's origin. */
export const CHANGES_CHANNEL = 'rigel_changes';
const MIN_INTERVAL_MS = 50;

export class ChangeNotifier {
  private timer: NodeJS.Timeout | null = null;
  private lastSent = 0;

  constructor(
    private readonly db: Database,
    private readonly origin: string,
    private readonly minIntervalMs = MIN_INTERVAL_MS,
  ) {}

  /** Installs the notifier on `events` (PostgreSQL only); every local change then calls `changed()`. */
  static attach(db: Database, events: EventBus): ChangeNotifier | null {
    if (db.dialect !== 'postgres') return null;
    const notifier = new ChangeNotifier(db, events.origin);
    events.onLocalChange(() => notifier.changed());
    return notifier;
  }

  /** A change was committed: notify now, or once the debounce interval has passed. */
  changed(): void {
    if (this.timer) return;
    const wait = this.lastSent + this.minIntervalMs - Date.now();
    if (wait <= 0) return this.send();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.send();
    }, wait);
    this.timer.unref();
  }

  private send(): void {
    this.lastSent = Date.now();
    if (this.db.isClosed) return;
    this.db.notify(CHANGES_CHANNEL, this.origin).catch(() => {
      // Best effort: the receivers' polling picks the change up anyway.
    });
  }
}
