/** Work pools: where deployment runs wait for workers, with each pool's status (live: pool events re-read it). */
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ApiClient } from '../core/api-client';
import { liveRefresh } from '../core/live-refresh';
import { query } from '../core/query';
import { EmptyState } from '../shared/empty-state';
import { RequestStatus } from '../shared/request-status';
import { PoolStatus } from './pool-status';

@Component({
  selector: 'rg-work-pools-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, RequestStatus, EmptyState, PoolStatus],
  template: `
    <div class="page-header">
      <div>
        <h1>Work pools</h1>
        <p class="muted">Deployment runs wait in a pool's queues until one of its workers claims them.</p>
      </div>
    </div>
    <rg-request-status [query]="pools" what="Work pools" />
    @if (pools.value(); as rows) {
      @if (rows.length) {
        <div class="table-wrap">
          <table>
            <caption class="sr-only">
              Work pools
            </caption>
            <thead>
              <tr>
                <th scope="col">Pool</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              @for (pool of rows; track pool.id) {
                <tr [attr.data-pool]="pool.name">
                  <td>
                    <a [routerLink]="['/work-pools', pool.name]">{{ pool.name }}</a>
                  </td>
                  <td>{{ pool.type }}</td>
                  <td><rg-pool-status [status]="pool.status" /></td>
                </tr>
              }
            </tbody>
          </table>
        </div>
        @if (rows.length === limit) {
          <p class="muted">Showing the first {{ limit }} pools.</p>
        }
      } @else {
        <rg-empty-state heading="No work pools yet">
          <p>A pool is created when you deploy a flow or start a worker:</p>
          <pre>npx rigel worker start --pool default</pre>
        </rg-empty-state>
      }
    }
  `,
})
export class WorkPoolsList {
  private readonly api = inject(ApiClient);
  protected readonly limit = 200;
  protected readonly pools = query(() => this.api.filterWorkPools({ limit: this.limit }));

  constructor() {
    this.pools.run();
    // A pool's status follows its workers: the server publishes the pool when it changes.
    liveRefresh({ subscriptions: [{ resource: 'work-pool' }], refresh: () => this.pools.run({ quiet: true }) });
  }
}
