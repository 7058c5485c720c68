/**
 * One flow: its activity (runs of the past 7 days by state), its deployments and its latest runs (all
 * live), with a link to all of its runs.
 */
import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { ApiClient } from '../core/api-client';
import { pageTitle } from '../core/page-title';
import { ApiError } from '../core/api-error';
import { liveRefresh } from '../core/live-refresh';
import type { FlowRun } from '../core/models';
import { Names } from '../core/names';
import { query } from '../core/query';
import { FlowRunsTable } from '../flow-runs/flow-runs-table';
import { TimePipe } from '../shared/format-pipes';
import { RequestStatus } from '../shared/request-status';
import { RunActivity } from '../shared/run-activity';

@Component({
  selector: 'rg-flow-detail',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, RequestStatus, FlowRunsTable, TimePipe, RunActivity],
  template: `
    <rg-request-status [query]="flow" what="Flow" />
    @if (flow.value(); as f) {
      <div class="page-header">
        <div>
          <div class="breadcrumb"><a routerLink="/flows">Flows</a> ›</div>
          <h1>{{ f.name }}</h1>
          <p class="muted">
            Created {{ f.created | time }} · <span class="mono">{{ f.id }}</span>
          </p>
        </div>
        <div class="actions">
          <a class="btn" routerLink="/flow-runs" [queryParams]="{ flow: f.name }">All runs</a>
          @if (confirming()) {
            <span>Delete this flow with all its runs?</span>
            <button type="button" class="btn btn-danger" (click)="remove()">Yes, delete</button>
            <button type="button" class="btn" (click)="confirming.set(false)">Keep it</button>
          } @else {
            <button type="button" class="btn btn-danger" (click)="confirming.set(true)">Delete flow</button>
          }
        </div>
      </div>
      @if (deleteError(); as e) {
        <div class="alert alert-error" role="alert">{{ e }}</div>
      }

      <h2>Activity <span class="muted">(past 7 days)</span></h2>
      <rg-run-activity [flowId]="f.id" />

      <h2>Deployments</h2>
      <rg-request-status [query]="deployments" what="Deployments" />
      @if (deployments.value(); as list) {
        @if (list.length) {
          <ul>
            @for (d of list; track d.id) {
              <li>
                <a [routerLink]="['/deployments', d.id]">{{ d.name }}</a>
                @if (d.paused) {
                  <span class="muted">(paused)</span>
                }
              </li>
            }
          </ul>
        } @else {
          <p class="muted">
            No deployments.
            <code>deploy(new MyFlows().{{ f.name }}, {{ '{' }} name: 'nightly', cron: '0 3 * * *' {{ '}' }})</code>
            makes this flow runnable by a worker.
          </p>
        }
      }

      <h2>Latest runs</h2>
      <rg-request-status [query]="runs" what="Runs" />
      @if (runs.value(); as rows) {
        @if (rows.length) {
          <rg-flow-runs-table [runs]="rows" caption="Latest runs of this flow" />
        } @else {
          <p class="muted">This flow has no runs.</p>
        }
      }
    }
  `,
})
export class FlowDetail {
  private readonly api = inject(ApiClient);
  private readonly router = inject(Router);
  private readonly names = inject(Names);
  readonly id = input.required<string>();
  protected readonly confirming = signal(false);
  protected readonly deleteError = signal<string | null>(null);
  protected readonly flow = query(() => this.api.flow(this.id()));
  protected readonly deployments = query(() =>
    this.api.filterDeployments({ flows: { id: { any: [this.id()] } }, sort: 'NAME_ASC', limit: 100 }),
  );
  protected readonly runs = query(() =>
    this.api.filterFlowRuns({ flows: { id: { any: [this.id()] } }, sort: 'EXPECTED_START_TIME_DESC', limit: 10 }),
  );

  constructor() {
    pageTitle('Flow', () => this.flow.value()?.name);
    effect(() => {
      this.id();
      untracked(() => {
        this.flow.run();
        this.deployments.run();
        this.runs.run();
      });
    });
    effect(() => {
      const rows = this.runs.value();
      if (rows) untracked(() => this.names.load(rows));
    });
    liveRefresh<FlowRun>({
      subscriptions: [{ resource: 'flow-run' }],
      shouldRefresh: (e) => e.payload.flowId === this.id(),
      refresh: () => this.runs.run({ quiet: true }),
    });
  }

  protected remove(): void {
    this.api.deleteFlow(this.id()).subscribe({
      next: () => void this.router.navigate(['/flows']),
      error: (e: unknown) => this.deleteError.set(ApiError.from(e).message),
    });
  }
}
