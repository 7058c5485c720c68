/**
 * Deployments: flows made runnable by workers, with their schedules, pause state and a Run button.
 * Live: a deployment created, changed or deleted anywhere re-reads the page shown.
 */
import { ChangeDetectionStrategy, Component, effect, inject, untracked } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { map } from 'rxjs';
import { ApiClient } from '../core/api-client';
import { liveRefresh } from '../core/live-refresh';
import { Names } from '../core/names';
import { query } from '../core/query';
import { EmptyState } from '../shared/empty-state';
import { Pager } from '../shared/pager';
import { RequestStatus } from '../shared/request-status';
import { scheduleText } from './schedule-text';

const PAGE_SIZE = 25;

@Component({
  selector: 'rg-deployments-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, RequestStatus, EmptyState, Pager],
  template: `
    <div class="page-header">
      <div>
        <h1>Deployments</h1>
        <p class="muted">Flows that workers run on a schedule or on demand.</p>
      </div>
    </div>
    <form class="toolbar" role="search" (submit)="$event.preventDefault()">
      <label class="field-inline"
        >Name contains
        <input
          type="search"
          [value]="params().q"
          (change)="go({ q: $any($event.target).value, page: 1 })"
          placeholder="Search deployments"
        />
      </label>
    </form>
    <rg-request-status [query]="deployments" what="Deployments" />
    @if (deployments.value(); as rows) {
      @if (rows.length) {
        <div class="table-wrap">
          <table>
            <caption class="sr-only">
              Deployments
            </caption>
            <thead>
              <tr>
                <th scope="col">Deployment</th>
                <th scope="col">Flow</th>
                <th scope="col" class="hide-narrow">Schedules</th>
                <th scope="col" class="hide-narrow">Work pool</th>
                <th scope="col">Status</th>
                <th scope="col"><span class="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              @for (d of rows; track d.id) {
                <tr [attr.data-deployment-id]="d.id">
                  <td>
                    <a [routerLink]="['/deployments', d.id]">{{ d.name }}</a>
                  </td>
                  <td>
                    <a [routerLink]="['/flows', d.flowId]">{{ names.flow(d.flowId) ?? '…' }}</a>
                  </td>
                  <td class="hide-narrow">
                    @for (s of d.schedules; track s.id) {
                      <div [class.muted]="!s.active">{{ text(s.schedule) }}{{ s.active ? '' : ' (inactive)' }}</div>
                    } @empty {
                      <span class="muted">on demand</span>
                    }
                  </td>
                  <td class="hide-narrow">{{ d.workPoolName ?? '—' }}</td>
                  <td>{{ d.paused ? 'Paused' : 'Active' }}</td>
                  <td><a class="btn btn-small" [routerLink]="['/deployments', d.id, 'run']">Run</a></td>
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
        <rg-empty-state heading="No deployment matches “{{ params().q }}”"
          ><p>Try another part of the name.</p></rg-empty-state
        >
      } @else {
        <rg-empty-state heading="No deployments yet">
          <p>A deployment lets a worker run a flow on a schedule or when you press Run. Deploy the examples with:</p>
          <pre>npm start</pre>
          <p>
            or from code:
            <code>deploy(new OrdersEtl().run, {{ '{' }} name: 'daily', cron: '0 3 * * *' {{ '}' }})</code>, then start a
            worker with <code>npx rigel worker start</code>.
          </p>
        </rg-empty-state>
      }
    }
  `,
})
export class DeploymentsList {
  private readonly api = inject(ApiClient);
  private readonly router = inject(Router);
  protected readonly names = inject(Names);
  protected readonly pageSize = PAGE_SIZE;
  protected readonly text = scheduleText;
  protected readonly params = toSignal(
    inject(ActivatedRoute).queryParamMap.pipe(
      map((q) => ({ q: q.get('q') ?? '', page: Math.max(1, Number(q.get('page')) || 1) })),
    ),
    { initialValue: { q: '', page: 1 } },
  );
  private filters() {
    return this.params().q ? { deployments: { name: { like: this.params().q } } } : {};
  }
  protected readonly deployments = query(() =>
    this.api.filterDeployments({
      ...this.filters(),
      sort: 'NAME_ASC',
      limit: PAGE_SIZE,
      offset: (this.params().page - 1) * PAGE_SIZE,
    }),
  );
  protected readonly total = query(() => this.api.countDeployments(this.filters()));

  constructor() {
    effect(() => {
      this.params();
      untracked(() => {
        this.deployments.run();
        this.total.run();
      });
    });
    effect(() => {
      const rows = this.deployments.value();
      if (rows) untracked(() => this.names.load(rows));
    });
    liveRefresh({
      subscriptions: [{ resource: 'deployment' }],
      refresh: () => {
        this.deployments.run({ quiet: true });
        this.total.run({ quiet: true });
      },
    });
  }

  protected go(change: { q?: string; page?: number }): void {
    const next = { ...this.params(), ...change };
    void this.router.navigate([], { queryParams: { q: next.q || null, page: next.page > 1 ? next.page : null } });
  }
}
