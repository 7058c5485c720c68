/** Flows: every flow that ever ran against this server, searchable, paged on the server. */
import { ChangeDetectionStrategy, Component, effect, inject, untracked } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { map } from 'rxjs';
import { ApiClient } from '../core/api-client';
import { query } from '../core/query';
import { EmptyState } from '../shared/empty-state';
import { TimePipe } from '../shared/format-pipes';
import { Pager } from '../shared/pager';
import { RequestStatus } from '../shared/request-status';

const PAGE_SIZE = 25;

@Component({
  selector: 'rg-flows-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, RequestStatus, EmptyState, Pager, TimePipe],
  template: `
    <div class="page-header">
      <div>
        <h1>Flows</h1>
        <p class="muted">A flow is a &#64;Flow method; each call is a flow run.</p>
      </div>
    </div>
    <form class="toolbar" role="search" (submit)="$event.preventDefault()">
      <label class="field-inline"
        >Name contains
        <input
          type="search"
          [value]="params().q"
          (change)="go({ q: $any($event.target).value, page: 1 })"
          placeholder="Search flows"
        />
      </label>
    </form>
    <rg-request-status [query]="flows" what="Flows" />
    @if (flows.value(); as rows) {
      @if (rows.length) {
        <div class="table-wrap">
          <table>
            <caption class="sr-only">
              Flows
            </caption>
            <thead>
              <tr>
                <th scope="col">Flow</th>
                <th scope="col">Created</th>
                <th scope="col" class="hide-narrow">Tags</th>
                <th scope="col"><span class="sr-only">Runs</span></th>
              </tr>
            </thead>
            <tbody>
              @for (flow of rows; track flow.id) {
                <tr>
                  <td>
                    <a [routerLink]="['/flows', flow.id]">{{ flow.name }}</a>
                  </td>
                  <td class="nowrap">{{ flow.created | time }}</td>
                  <td class="hide-narrow">
                    @for (tag of flow.tags; track tag) {
                      <span class="tag">{{ tag }}</span>
                    }
                  </td>
                  <td><a routerLink="/flow-runs" [queryParams]="{ flow: flow.name }">Runs</a></td>
                </tr>
              }
            </tbody>
          </table>
        </div>
        <rg-pager
          [page]="params().page"
          [pageSize]="pageSize"
          [total]="total.value()"
          (pageChange)="go({ page: $event })"
        />
      } @else if (params().q) {
        <rg-empty-state heading="No flow matches “{{ params().q }}”"
          ><p>Try another part of the name.</p></rg-empty-state
        >
      } @else {
        <rg-empty-state heading="No flows yet">
          <p>Flows appear here the first time they run. Try:</p>
          <pre>npx rigel run examples/etl.ts</pre>
        </rg-empty-state>
      }
    }
  `,
})
export class FlowsList {
  private readonly api = inject(ApiClient);
  private readonly router = inject(Router);
  protected readonly pageSize = PAGE_SIZE;
  protected readonly params = toSignal(
    inject(ActivatedRoute).queryParamMap.pipe(
      map((q) => ({ q: q.get('q') ?? '', page: Math.max(1, Number(q.get('page')) || 1) })),
    ),
    { initialValue: { q: '', page: 1 } },
  );
  private filters() {
    return this.params().q ? { flows: { name: { like: this.params().q } } } : {};
  }
  protected readonly flows = query(() =>
    this.api.filterFlows({
      ...this.filters(),
      sort: 'NAME_ASC',
      limit: PAGE_SIZE,
      offset: (this.params().page - 1) * PAGE_SIZE,
    }),
  );
  protected readonly total = query(() => this.api.countFlows(this.filters()));

  constructor() {
    effect(() => {
      this.params();
      untracked(() => {
        this.flows.run();
        this.total.run();
      });
    });
  }

  protected go(change: { q?: string; page?: number }): void {
    const next = { ...this.params(), ...change };
    void this.router.navigate([], { queryParams: { q: next.q || null, page: next.page > 1 ? next.page : null } });
  }
}
