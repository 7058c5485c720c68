/**
 * The activity of one flow or one deployment: its runs of the past 7 days by state, in 6-hour
 * intervals (the home page's chart), re-read when one of its runs changes. The window starts on a
 * half hour, so the server answers it from its roll-up by flow and deployment.
 */
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, untracked } from '@angular/core';
import { ApiClient } from '../core/api-client';
import { liveRefresh } from '../core/live-refresh';
import type { FlowRun } from '../core/models';
import { query } from '../core/query';
import { historyStart, RunHistoryChart } from '../home/run-history-chart';
import { RequestStatus } from './request-status';

const WINDOW_MS = 7 * 86_400_000;
const INTERVAL_SECONDS = 6 * 3600;

@Component({
  selector: 'rg-run-activity',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RequestStatus, RunHistoryChart],
  template: `
    <div class="card run-activity">
      <rg-request-status [query]="history" what="Activity" />
      @if (history.value(); as buckets) {
        @if (hasRuns()) {
          <rg-run-history-chart [buckets]="buckets" />
        } @else {
          <p class="muted">No runs in the past 7 days.</p>
        }
      }
    </div>
  `,
})
export class RunActivity {
  private readonly api = inject(ApiClient);
  /** The flow whose runs are shown (or a deployment's). */
  readonly flowId = input<string | null>(null);
  readonly deploymentId = input<string | null>(null);

  protected readonly history = query(() => {
    const flowId = this.flowId();
    const deploymentId = this.deploymentId();
    return this.api.flowRunHistory({
      ...(flowId ? { flows: { id: { any: [flowId] } } } : {}),
      ...(deploymentId ? { flowRuns: { deploymentId: { any: [deploymentId] } } } : {}),
      historyStart: historyStart(WINDOW_MS, INTERVAL_SECONDS),
      historyEnd: new Date().toISOString(),
      historyIntervalSeconds: INTERVAL_SECONDS,
    });
  });
  protected readonly hasRuns = computed(() => (this.history.value() ?? []).some((b) => b.states.length > 0));

  constructor() {
    effect(() => {
      this.flowId();
      this.deploymentId();
      untracked(() => {
        this.history.clear();
        this.history.run();
      });
    });
    liveRefresh<FlowRun>({
      subscriptions: [{ resource: 'flow-run' }],
      shouldRefresh: (e) =>
        (!this.flowId() || e.payload.flowId === this.flowId()) &&
        (!this.deploymentId() || e.payload.deploymentId === this.deploymentId()),
      refresh: () => this.history.run({ quiet: true }),
      ms: 1000,
    });
  }
}
