/**
 * The overview: how many runs are running, late, failed and upcoming in a chosen window, the run
 * history chart by state, average lateness, and the latest failures with their messages. Counts come
 * from `/count` and the chart from `/flow-runs/history`, so the page costs the same on any database.
 */
import { ChangeDetectionStrategy, Component, computed, effect, inject, untracked } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { forkJoin, map } from 'rxjs';
import { ApiClient } from '../core/api-client';
import { liveRefresh } from '../core/live-refresh';
import { Names } from '../core/names';
import { query } from '../core/query';
import { EmptyState } from '../shared/empty-state';
import { DurationPipe, TimePipe } from '../shared/format-pipes';
import { RequestStatus } from '../shared/request-status';
import { StateBadge } from '../shared/state-badge';
import { historyStart, RunHistoryChart } from './run-history-chart';

const WINDOWS = {
  '1h': { label: 'Past hour', ms: 3_600_000, interval: 120 },
  '24h': { label: 'Past 24 hours', ms: 86_400_000, interval: 1800 },
  '7d': { label: 'Past 7 days', ms: 7 * 86_400_000, interval: 6 * 3600 },
  '30d': { label: 'Past 30 days', ms: 30 * 86_400_000, interval: 86_400 },
} as const;
type Window = keyof typeof WINDOWS;

@Component({
  selector: 'rg-home',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, RequestStatus, EmptyState, StateBadge, TimePipe, DurationPipe, RunHistoryChart],
  templateUrl: './home.html',
})
export class Home {
  private readonly api = inject(ApiClient);
  private readonly router = inject(Router);
  protected readonly names = inject(Names);
  protected readonly apiHint = `${location.origin}/api`;
  protected readonly windows = Object.entries(WINDOWS).map(([id, w]) => ({ id, label: w.label }));
  protected readonly window = toSignal(
    inject(ActivatedRoute).queryParamMap.pipe(
      map((q) => ((q.get('window') ?? '24h') in WINDOWS ? ((q.get('window') ?? '24h') as Window) : '24h')),
    ),
    { initialValue: '24h' as Window },
  );

  /** The window's start: on a half hour (see historyStart), except the past hour's (2-minute intervals). */
  private since(): string {
    const { ms, interval } = WINDOWS[this.window()];
    return historyStart(ms, interval);
  }

  protected readonly counts = query(() => {
    const now = new Date().toISOString();
    const until = new Date(Date.now() + WINDOWS[this.window()].ms).toISOString();
    const count = (flowRuns: Record<string, unknown>) => this.api.countFlowRuns({ flowRuns });
    return forkJoin({
      // Only "is there any run at all" (the empty state): one row is enough.
      any: this.api.countFlowRuns({ limit: 1 }),
      running: count({ state: { type: { any: ['RUNNING'] } } }),
      late: count({ state: { name: { any: ['Late'] } } }),
      failed: count({ state: { type: { any: ['FAILED', 'CRASHED'] } }, expectedStartTime: { after: this.since() } }),
      upcoming: count({ state: { type: { any: ['SCHEDULED'] } }, expectedStartTime: { after: now, before: until } }),
    });
  });
  protected readonly history = query(() =>
    this.api.flowRunHistory({
      historyStart: this.since(),
      historyEnd: new Date().toISOString(),
      historyIntervalSeconds: WINDOWS[this.window()].interval,
    }),
  );
  protected readonly failures = query(() =>
    this.api.filterFlowRuns({
      flowRuns: { state: { type: { any: ['FAILED', 'CRASHED'] } }, expectedStartTime: { after: this.since() } },
      sort: 'END_TIME_DESC',
      limit: 5,
    }),
  );
  protected readonly lateness = computed(() => {
    let runs = 0;
    let seconds = 0;
    for (const bucket of this.history.value() ?? []) {
      for (const s of bucket.states) {
        runs += s.countRuns;
        seconds += s.sumEstimatedLateness;
      }
    }
    return runs ? seconds / runs : null;
  });

  constructor() {
    effect(() => {
      this.window();
      untracked(() => this.reload(false));
    });
    effect(() => {
      const failures = this.failures.value();
      if (failures) untracked(() => this.names.load(failures));
    });
    liveRefresh({ subscriptions: [{ resource: 'flow-run' }], refresh: () => this.reload(true), ms: 1000 });
  }

  private reload(quiet: boolean): void {
    this.counts.run({ quiet });
    this.history.run({ quiet });
    this.failures.run({ quiet });
  }

  protected setWindow(window: string): void {
    void this.router.navigate([], { queryParams: { window: window === '24h' ? null : window } });
  }
}
