/**
 * One deployment: what it runs and where, its schedules with the next scheduled runs, pause/resume,
 * its activity (runs of the past 7 days by state) and recent runs (live), and the Run button that opens
 * the parameter form. The deployment itself is live too: a change made elsewhere (pause, schedules) is
 * shown in place, a deletion as "not found".
 */
import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ApiClient } from '../core/api-client';
import { pageTitle } from '../core/page-title';
import { ApiError } from '../core/api-error';
import { liveRefresh } from '../core/live-refresh';
import type { Deployment, FlowRun } from '../core/models';
import { Names } from '../core/names';
import { query } from '../core/query';
import { FlowRunsTable } from '../flow-runs/flow-runs-table';
import { TimePipe } from '../shared/format-pipes';
import { RequestStatus } from '../shared/request-status';
import { RunActivity } from '../shared/run-activity';
import { scheduleText } from './schedule-text';

@Component({
  selector: 'rg-deployment-detail',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, RequestStatus, FlowRunsTable, TimePipe, RunActivity],
  templateUrl: './deployment-detail.html',
})
export class DeploymentDetail {
  private readonly api = inject(ApiClient);
  protected readonly names = inject(Names);
  readonly id = input.required<string>();
  protected readonly text = scheduleText;
  protected readonly busy = signal(false);
  protected readonly actionError = signal<string | null>(null);

  protected readonly deployment = query(() => this.api.deployment(this.id()));
  protected readonly upcoming = query(() =>
    this.api.filterFlowRuns({
      flowRuns: {
        deploymentId: { any: [this.id()] },
        state: { type: { any: ['SCHEDULED'] } },
        expectedStartTime: { after: new Date(Date.now() - 60_000).toISOString() },
      },
      sort: 'EXPECTED_START_TIME_ASC',
      limit: 5,
    }),
  );
  protected readonly recent = query(() =>
    this.api.filterFlowRuns({
      flowRuns: { deploymentId: { any: [this.id()] }, expectedStartTime: { before: new Date().toISOString() } },
      sort: 'EXPECTED_START_TIME_DESC',
      limit: 10,
    }),
  );

  constructor() {
    pageTitle('Deployment', () => this.deployment.value()?.name);
    effect(() => {
      this.id();
      untracked(() => {
        this.deployment.clear();
        this.deployment.run();
        this.reloadRuns(false);
      });
    });
    effect(() => {
      const d = this.deployment.value();
      if (d) untracked(() => this.names.load([d]));
    });
    effect(() => {
      const rows = this.recent.value();
      if (rows) untracked(() => this.names.load(rows));
    });
    liveRefresh<FlowRun>({
      subscriptions: [{ resource: 'flow-run' }],
      shouldRefresh: (e) => e.payload.deploymentId === this.id(),
      refresh: () => this.reloadRuns(true),
    });
    liveRefresh<Deployment>({
      subscriptions: [{ resource: 'deployment' }],
      onEvent: (e) => {
        // Replayed events may be older than what the page read: keep the newest version.
        const shown = this.deployment.value();
        if (e.type !== 'deployment.updated' || e.payload.id !== this.id()) return;
        if (!shown || (e.payload.updated ?? '') >= (shown.updated ?? '')) this.deployment.set(e.payload);
      },
      shouldRefresh: (e) => e.type === 'deployment.deleted' && e.payload.id === this.id(),
      refresh: () => this.deployment.run({ quiet: true }),
    });
  }

  private reloadRuns(quiet: boolean): void {
    this.upcoming.run({ quiet });
    this.recent.run({ quiet });
  }

  protected setPaused(paused: boolean): void {
    this.busy.set(true);
    this.actionError.set(null);
    this.api.pauseDeployment(this.id(), paused).subscribe({
      next: (d) => {
        this.deployment.set(d);
        this.busy.set(false);
        this.reloadRuns(true);
      },
      error: (e: unknown) => {
        this.actionError.set(ApiError.from(e).message);
        this.busy.set(false);
      },
    });
  }

  protected json(value: unknown): string {
    return JSON.stringify(value, null, 2);
  }
}
