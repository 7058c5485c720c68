/**
 * One work pool: status, pause/resume, its queues by priority and its workers with their heartbeats.
 * Live: events of the pool, its queues and its workers (a worker appearing or going offline) re-read
 * what changed; a reconnect re-reads everything.
 */
import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ApiClient } from '../core/api-client';
import { ApiError } from '../core/api-error';
import { liveRefresh } from '../core/live-refresh';
import type { LiveEvent } from '../core/live-events';
import { query } from '../core/query';
import { TimePipe } from '../shared/format-pipes';
import { RequestStatus } from '../shared/request-status';
import { PoolStatus } from './pool-status';

@Component({
  selector: 'rg-work-pool-detail',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, RequestStatus, PoolStatus, TimePipe],
  template: `
    <rg-request-status [query]="pool" what="Work pool" />
    @if (pool.value(); as p) {
      <div class="page-header">
        <div>
          <div class="breadcrumb"><a routerLink="/work-pools">Work pools</a> ›</div>
          <h1>{{ p.name }}</h1>
          <p>
            <rg-pool-status [status]="p.status" /> <span class="muted">· type {{ p.type }}</span>
          </p>
        </div>
        <div class="actions">
          <button type="button" class="btn" [disabled]="busy()" (click)="setPaused(!p.paused)">
            {{ p.paused ? 'Resume pool' : 'Pause pool' }}
          </button>
        </div>
      </div>
      @if (actionError(); as e) {
        <div class="alert alert-error" role="alert">{{ e }}</div>
      }

      <h2>Queues</h2>
      <rg-request-status [query]="queues" what="Queues" />
      @if (queues.value(); as rows) {
        <div class="table-wrap">
          <table>
            <caption class="sr-only">
              Queues, highest priority first
            </caption>
            <thead>
              <tr>
                <th scope="col">Queue</th>
                <th scope="col" class="num">Priority</th>
                <th scope="col" class="num">Concurrency</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              @for (q of rows; track q.id) {
                <tr>
                  <td>{{ q.name }}</td>
                  <td class="num">{{ q.priority }}</td>
                  <td class="num">{{ q.concurrencyLimit ?? '∞' }}</td>
                  <td>{{ q.paused ? 'Paused' : 'Active' }}</td>
                </tr>
              }
            </tbody>
          </table>
        </div>
      }

      <h2>Workers</h2>
      <rg-request-status [query]="workers" what="Workers" />
      @if (workers.value(); as rows) {
        @if (rows.length) {
          <div class="table-wrap">
            <table>
              <caption class="sr-only">
                Workers
              </caption>
              <thead>
                <tr>
                  <th scope="col">Worker</th>
                  <th scope="col">Last heartbeat</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                @for (w of rows; track w.id) {
                  <tr>
                    <td>{{ w.name }}</td>
                    <td>{{ w.lastHeartbeatTime | time }}</td>
                    <td><rg-pool-status [status]="w.status" /></td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        } @else {
          <p class="muted">
            No worker has polled this pool. Start one: <code>npx rigel worker start --pool {{ p.name }}</code>
          </p>
        }
      }
    }
  `,
})
export class WorkPoolDetail {
  private readonly api = inject(ApiClient);
  readonly name = input.required<string>();
  protected readonly busy = signal(false);
  protected readonly actionError = signal<string | null>(null);
  protected readonly pool = query(() => this.api.workPool(this.name()));
  protected readonly queues = query(() => this.api.workQueues(this.name()));
  protected readonly workers = query(() => this.api.workers(this.name()));

  constructor() {
    effect(() => {
      this.name();
      untracked(() => this.reload());
    });
    const ofThisPool = (e: LiveEvent) =>
      e.payload['workPoolId'] === this.pool.value()?.id || e.payload['name'] === this.name();
    liveRefresh({
      subscriptions: [{ resource: 'work-pool' }],
      shouldRefresh: (e) => e.payload.id === this.pool.value()?.id || e.payload['name'] === this.name(),
      refresh: () => this.pool.run({ quiet: true }),
    });
    liveRefresh({
      subscriptions: [{ resource: 'work-queue' }],
      shouldRefresh: ofThisPool,
      refresh: () => this.queues.run({ quiet: true }),
    });
    liveRefresh({
      subscriptions: [{ resource: 'worker' }],
      shouldRefresh: (e) => e.payload['workPoolId'] === this.pool.value()?.id,
      refresh: () => this.workers.run({ quiet: true }),
    });
  }

  protected reload(): void {
    this.pool.run({ quiet: true });
    this.queues.run({ quiet: true });
    this.workers.run({ quiet: true });
  }

  protected setPaused(paused: boolean): void {
    this.busy.set(true);
    this.api.updateWorkPool(this.name(), { paused }).subscribe({
      next: () => {
        this.busy.set(false);
        this.pool.run({ quiet: true });
      },
      error: (e: unknown) => {
        this.busy.set(false);
        this.actionError.set(ApiError.from(e).message);
      },
    });
  }
}
