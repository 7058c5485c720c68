/**
 * Concurrency limits by task tag: how many task runs with a tag may run at once, the slots held now,
 * and create / reset (free slots held by runs that died) / delete. Live: every change of a limit
 * (slots taken and released by task runs included) re-reads the list, and so does a reconnect.
 */
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { Observable } from 'rxjs';
import { ApiClient } from '../core/api-client';
import { ApiError } from '../core/api-error';
import { liveRefresh } from '../core/live-refresh';
import { query } from '../core/query';
import { EmptyState } from '../shared/empty-state';
import { RequestStatus } from '../shared/request-status';

@Component({
  selector: 'rg-concurrency-limits',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, RequestStatus, EmptyState],
  template: `
    <div class="page-header">
      <div>
        <h1>Concurrency limits</h1>
        <p class="muted">At most N task runs carrying a tag run at once; the others wait for a slot.</p>
      </div>
    </div>

    <form class="card toolbar" aria-label="Create or change a limit" (submit)="$event.preventDefault(); save()">
      <div class="field-inline">
        <label for="limit-tag">Tag</label>
        <input
          id="limit-tag"
          type="text"
          required
          [value]="tag()"
          (input)="tag.set($any($event.target).value)"
          placeholder="database"
        />
      </div>
      <div class="field-inline">
        <label for="limit-value">Limit</label>
        <input
          id="limit-value"
          type="number"
          min="0"
          step="1"
          required
          [value]="limit()"
          (input)="limit.set($any($event.target).value)"
        />
      </div>
      <button type="submit" class="btn btn-primary" [disabled]="busy()">Save limit</button>
    </form>
    @if (message(); as m) {
      <div class="alert" [class.alert-error]="!m.ok" [class.alert-success]="m.ok" role="status">{{ m.text }}</div>
    }

    <rg-request-status [query]="limits" what="Concurrency limits" />
    @if (limits.value(); as rows) {
      @if (rows.length) {
        <div class="table-wrap">
          <table>
            <caption class="sr-only">
              Concurrency limits
            </caption>
            <thead>
              <tr>
                <th scope="col">Tag</th>
                <th scope="col" class="num">Limit</th>
                <th scope="col" class="num">In use</th>
                <th scope="col">Held by</th>
                <th scope="col"><span class="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              @for (l of rows; track l.id) {
                <tr [attr.data-tag]="l.tag">
                  <td>
                    <span class="tag">{{ l.tag }}</span>
                  </td>
                  <td class="num">{{ l.concurrencyLimit }}</td>
                  <td class="num">{{ l.activeSlots.length }}</td>
                  <td>
                    @for (id of l.activeSlots.slice(0, 5); track id) {
                      <a [routerLink]="['/task-runs', id]" class="mono">{{ id.slice(0, 8) }}</a>&nbsp;
                    } @empty {
                      <span class="muted">—</span>
                    }
                    @if (l.activeSlots.length > 5) {
                      <span class="muted">and {{ l.activeSlots.length - 5 }} more</span>
                    }
                  </td>
                  <td class="actions">
                    <button type="button" class="btn btn-small" [disabled]="busy()" (click)="reset(l.tag)">
                      Reset slots
                    </button>
                    @if (confirming() === l.tag) {
                      <button type="button" class="btn btn-small btn-danger" (click)="remove(l.tag)">
                        Yes, delete
                      </button>
                      <button type="button" class="btn btn-small" (click)="confirming.set(null)">Keep</button>
                    } @else {
                      <button type="button" class="btn btn-small btn-danger" (click)="confirming.set(l.tag)">
                        Delete
                      </button>
                    }
                  </td>
                </tr>
              }
            </tbody>
          </table>
        </div>
      } @else {
        <rg-empty-state heading="No concurrency limits">
          <p>
            Limit how many task runs with a tag run at once, e.g. 2 for tasks tagged <code>database</code>, with the
            form above or:
          </p>
          <pre>npx rigel concurrency-limit create database 2</pre>
        </rg-empty-state>
      }
    }
  `,
})
export class ConcurrencyLimits {
  private readonly api = inject(ApiClient);
  protected readonly limits = query(() => this.api.filterConcurrencyLimits({ limit: 200 }));
  protected readonly tag = signal('');
  protected readonly limit = signal('1');
  protected readonly busy = signal(false);
  protected readonly confirming = signal<string | null>(null);
  protected readonly message = signal<{ ok: boolean; text: string } | null>(null);

  constructor() {
    this.limits.run();
    liveRefresh({
      subscriptions: [{ resource: 'concurrency-limit' }],
      refresh: () => this.limits.run({ quiet: true }),
    });
  }

  protected save(): void {
    const tag = this.tag().trim();
    const limit = Number(this.limit());
    if (!tag || !Number.isInteger(limit) || limit < 0) {
      this.message.set({ ok: false, text: 'Give a tag and a whole number ≥ 0 as the limit.' });
      return;
    }
    this.act(this.api.upsertConcurrencyLimit(tag, limit), `Tag “${tag}” is limited to ${limit} at once.`, () =>
      this.tag.set(''),
    );
  }

  protected reset(tag: string): void {
    this.act(this.api.resetConcurrencyLimit(tag), `Freed every slot of “${tag}”.`);
  }

  protected remove(tag: string): void {
    this.confirming.set(null);
    this.act(this.api.deleteConcurrencyLimit(tag), `Deleted the limit of “${tag}”.`);
  }

  private act(request: Observable<unknown>, success: string, then?: () => void): void {
    this.busy.set(true);
    request.subscribe({
      next: () => {
        this.busy.set(false);
        this.message.set({ ok: true, text: success });
        then?.();
        this.limits.run({ quiet: true });
      },
      error: (e: unknown) => {
        this.busy.set(false);
        this.message.set({ ok: false, text: ApiError.from(e).message });
      },
    });
  }
}
