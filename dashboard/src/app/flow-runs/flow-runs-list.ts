/**
 * Flow runs: filters, sort and page live in the URL; the page and its total are read with bounded
 * filter/count requests and re-read when a live flow-run event arrives. Selected runs can be cancelled
 * (CANCELLING, which the server turns into Cancelled for runs with nothing to stop) or deleted.
 */
import { ChangeDetectionStrategy, Component, computed, effect, inject, signal, untracked } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { map } from 'rxjs';
import { ApiClient } from '../core/api-client';
import { forEachId } from '../core/bulk';
import { liveRefresh } from '../core/live-refresh';
import type { FlowRun, StateType } from '../core/models';
import { Names } from '../core/names';
import { query } from '../core/query';
import { EmptyState } from '../shared/empty-state';
import { Pager } from '../shared/pager';
import { RequestStatus } from '../shared/request-status';
import { StateBadge } from '../shared/state-badge';
import { STATE_ORDER } from '../shared/state-colors';
import {
  countBody,
  countLimit,
  DEFAULT_PARAMS,
  type FlowRunListParams,
  hasFilters,
  PAGE_SIZES,
  pageBody,
  paramsFromQuery,
  queryFromParams,
  SORTS,
  WINDOWS,
} from './flow-run-list-params';
import { FlowRunsTable } from './flow-runs-table';

@Component({
  selector: 'rg-flow-runs-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FlowRunsTable, Pager, RequestStatus, EmptyState, StateBadge, RouterLink],
  templateUrl: './flow-runs-list.html',
})
export class FlowRunsList {
  private readonly api = inject(ApiClient);
  private readonly router = inject(Router);
  private readonly names = inject(Names);
  protected readonly params = toSignal(
    inject(ActivatedRoute).queryParamMap.pipe(
      map((q) => paramsFromQuery(Object.fromEntries(q.keys.map((k) => [k, q.get(k)])))),
    ),
    { initialValue: DEFAULT_PARAMS },
  );

  protected readonly sorts = Object.entries(SORTS);
  protected readonly windows = Object.entries(WINDOWS);
  protected readonly pageSizes = PAGE_SIZES;
  protected readonly stateTypes = STATE_ORDER;
  protected readonly filtered = computed(() => hasFilters(this.params()));

  protected readonly runs = query(() => this.api.filterFlowRuns(pageBody(this.params())));
  protected readonly total = query(() => this.api.countFlowRuns(countBody(this.params())));
  protected readonly countLimit = computed(() => countLimit(this.params()));
  protected readonly flows = query(() => this.api.filterFlows({ sort: 'NAME_ASC', limit: 200 }));
  protected readonly deployments = query(() => this.api.filterDeployments({ sort: 'NAME_ASC', limit: 200 }));

  protected readonly selected = signal<ReadonlySet<string>>(new Set());
  protected readonly confirmingDelete = signal(false);
  protected readonly busy = signal(false);
  protected readonly notice = signal<{ kind: 'success' | 'error'; text: string } | null>(null);

  constructor() {
    this.flows.run();
    this.deployments.run();
    effect(() => {
      this.params();
      untracked(() => this.reload(false));
    });
    effect(() => {
      const runs = this.runs.value();
      if (runs) untracked(() => this.names.load(runs));
    });
    liveRefresh<FlowRun>({
      subscriptions: [{ resource: 'flow-run' }],
      onEvent: (event) => this.patchRow(event.payload),
      refresh: () => this.reload(true),
    });
  }

  private reload(quiet: boolean): void {
    this.runs.run({ quiet });
    this.total.run({ quiet });
  }

  /** A run on this page changed: show its new state at once (the re-read reconciles order and membership). */
  private patchRow(run: FlowRun): void {
    const rows = this.runs.value();
    if (rows?.some((r) => r.id === run.id)) this.runs.set(rows.map((r) => (r.id === run.id ? run : r)));
  }

  protected update(change: Partial<FlowRunListParams>): void {
    const next = { ...this.params(), page: 1, ...change };
    this.selected.set(new Set());
    void this.router.navigate([], { queryParams: queryFromParams(next), queryParamsHandling: 'merge' });
  }

  protected toggleState(type: StateType, on: boolean): void {
    const states = this.params().states.filter((s) => s !== type);
    this.update({ states: on ? [...states, type] : states });
  }

  protected setTags(text: string): void {
    const tags = text
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    if (tags.join(',') !== this.params().tags.join(',')) this.update({ tags });
  }

  private searchTimer?: ReturnType<typeof setTimeout>;
  protected search(text: string): void {
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => {
      if (text !== this.params().search) this.update({ search: text });
    }, 300);
  }

  protected clearFilters(): void {
    this.update({ ...DEFAULT_PARAMS, sort: this.params().sort, size: this.params().size });
  }

  protected clearSelection(): void {
    this.selected.set(new Set());
  }

  protected cancelSelected(): void {
    const ids = [...this.selected()];
    this.busy.set(true);
    forEachId(ids, (id) =>
      this.api.setState('flow', id, { type: 'CANCELLING', message: 'Cancelled from the dashboard' }),
    ).subscribe((outcomes) => {
      this.busy.set(false);
      const stopped = (type?: string) => type === 'CANCELLING' || type === 'CANCELLED';
      const problems = outcomes
        .filter((o) => !stopped(o.result?.state?.type))
        .map((o) => o.error?.message ?? (o.result?.details as { reason?: string } | undefined)?.reason ?? 'refused');
      this.notice.set({
        kind: problems.length ? 'error' : 'success',
        text: `Cancelled ${outcomes.length - problems.length} of ${outcomes.length} runs.${
          problems.length ? ` Not cancelled: ${problems.join('; ')}` : ''
        }`,
      });
      this.selected.set(new Set());
      this.reload(true);
    });
  }

  protected deleteSelected(): void {
    const ids = [...this.selected()];
    this.busy.set(true);
    this.confirmingDelete.set(false);
    forEachId(ids, (id) => this.api.deleteRun('flow', id)).subscribe((outcomes) => {
      this.busy.set(false);
      const failed = outcomes.filter((o) => o.error);
      this.notice.set({
        kind: failed.length ? 'error' : 'success',
        text: `Deleted ${outcomes.length - failed.length} of ${outcomes.length} runs.${
          failed.length ? ` Failed: ${failed.map((o) => o.error!.message).join('; ')}` : ''
        }`,
      });
      this.selected.set(new Set());
      this.reload(true);
    });
  }
}
