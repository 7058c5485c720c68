/**
 * "Refresh when something changed": every live event matching `subscriptions` is handed to `onEvent`
 * (for in-place updates), and `refresh` runs at most every `ms` after events or a reconnect, so pages
 * re-read what they show without any polling loop. Call in an injection context (a constructor).
 */
import { DestroyRef, inject } from '@angular/core';
import { auditTime, map, merge, Subject } from 'rxjs';
import { LiveEvents, type LiveEvent, type LiveSubscription } from './live-events';

export function liveRefresh<T = Record<string, unknown> & { id: string }>(options: {
  subscriptions: LiveSubscription[];
  onEvent?: (event: LiveEvent<T>) => void;
  /** Whether an event should trigger `refresh` (default: every event). */
  shouldRefresh?: (event: LiveEvent<T>) => boolean;
  refresh: () => void;
  ms?: number;
}): void {
  const live = inject(LiveEvents);
  const changed = new Subject<void>();
  const events = merge(
    ...options.subscriptions.map((s) => live.on<T>(s)),
    live.reconnected$.pipe(map(() => null)),
  ).subscribe((event) => {
    if (event) options.onEvent?.(event);
    if (!event || !options.shouldRefresh || options.shouldRefresh(event)) changed.next();
  });
  const refreshes = changed.pipe(auditTime(options.ms ?? 300)).subscribe(() => options.refresh());
  inject(DestroyRef).onDestroy(() => {
    events.unsubscribe();
    refreshes.unsubscribe();
  });
}
