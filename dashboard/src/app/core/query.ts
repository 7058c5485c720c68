/**
 * One request's lifecycle as signals: `value`, `loading`, `error`, and `run()` to (re)load. A quiet
 * run (a live refresh) keeps the current value on screen instead of flashing "Loading…"; a newer run
 * cancels the one in flight, so answers never arrive out of order.
 */
import { DestroyRef, inject, signal } from '@angular/core';
import type { Observable, Subscription } from 'rxjs';
import { ApiError } from './api-error';

export class Query<T> {
  readonly value = signal<T | undefined>(undefined);
  readonly loading = signal(false);
  readonly error = signal<ApiError | null>(null);
  private inFlight?: Subscription;

  constructor(private readonly load: () => Observable<T>) {}

  run(options: { quiet?: boolean } = {}): void {
    this.inFlight?.unsubscribe();
    if (!options.quiet || this.value() === undefined) this.loading.set(true);
    this.inFlight = this.load().subscribe({
      next: (value) => {
        this.value.set(value);
        this.error.set(null);
        this.loading.set(false);
      },
      error: (error: unknown) => {
        this.error.set(ApiError.from(error));
        this.loading.set(false);
      },
    });
  }

  /** Replaces the value locally (a live event already told us the new one). */
  set(value: T): void {
    this.value.set(value);
  }

  /** Forgets the value (the page now shows another object). */
  clear(): void {
    this.inFlight?.unsubscribe();
    this.value.set(undefined);
    this.error.set(null);
  }

  cancel(): void {
    this.inFlight?.unsubscribe();
  }
}

/** A Query whose in-flight request is cancelled when the component is destroyed. */
export function query<T>(load: () => Observable<T>): Query<T> {
  const q = new Query(load);
  inject(DestroyRef).onDestroy(() => q.cancel());
  return q;
}
