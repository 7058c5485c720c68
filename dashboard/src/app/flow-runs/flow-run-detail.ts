/**
 * One flow run: its state and timings, actions, and tabs for the timeline (Gantt of its task runs),
 * the task run table, subflow runs, logs, parameters and the state history with the orchestration
 * decisions. Everything follows the run live: its own events, its task runs' events and its logs.
 */
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { auditTime, map, Subject } from 'rxjs';
import { ApiClient } from '../core/api-client';
import { pageTitle } from '../core/page-title';
import { LiveEvents } from '../core/live-events';
import type { FlowRun, GraphNode, TaskRun } from '../core/models';
import { Names } from '../core/names';
import { query } from '../core/query';
import { DurationPipe, TimePipe } from '../shared/format-pipes';
import { RequestStatus } from '../shared/request-status';
import { StateBadge } from '../shared/state-badge';
import { StateHistory } from '../shared/state-history';
import { FlowRunsTable } from './flow-runs-table';
import { RunActions } from './run-actions';
import { RunLogs } from './run-logs';
import { RunTimeline } from './run-timeline';
import { TaskRunsTable } from './task-runs-table';
import { upstreamOf } from './timeline-layout';

export const TABS = [
  { id: 'timeline', label: 'Timeline' },
  { id: 'task-runs', label: 'Task runs' },
  { id: 'subflows', label: 'Subflow runs' },
  { id: 'logs', label: 'Logs' },
  { id: 'parameters', label: 'Parameters' },
  { id: 'history', label: 'State history' },
] as const;
type Tab = (typeof TABS)[number]['id'];

function nodeOf(run: TaskRun): GraphNode {
  return {
    id: run.id,
    name: run.name,
    taskKey: run.taskKey,
    state: run.stateType ? { type: run.stateType, name: run.stateName ?? run.stateType } : null,
    startTime: run.startTime,
    endTime: run.endTime,
    expectedStartTime: run.expectedStartTime,
    upstreamDependencies: upstreamOf(run.taskInputs),
    childFlowRunId: null,
  };
}

@Component({
  selector: 'rg-flow-run-detail',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    RouterLink,
    StateBadge,
    TimePipe,
    DurationPipe,
    RequestStatus,
    StateHistory,
    RunActions,
    RunLogs,
    RunTimeline,
    TaskRunsTable,
    FlowRunsTable,
  ],
  templateUrl: './flow-run-detail.html',
})
export class FlowRunDetail {
  private readonly api = inject(ApiClient);
  private readonly live = inject(LiveEvents);
  private readonly router = inject(Router);
  protected readonly names = inject(Names);
  readonly id = input.required<string>();

  protected readonly tabs = TABS;
  protected readonly tab = toSignal(
    inject(ActivatedRoute).queryParamMap.pipe(
      map((q) => (TABS.some((t) => t.id === q.get('tab')) ? q.get('tab') : 'timeline') as Tab),
    ),
    { initialValue: 'timeline' as Tab },
  );
  protected readonly run = query(() => this.api.flowRun(this.id()));
  protected readonly graph = query(() => this.api.flowRunGraph(this.id()));
  protected readonly nodes = signal<Map<string, GraphNode>>(new Map());
  protected readonly nodesVersion = signal(0);
  protected readonly taskRunCount = computed(() => {
    this.nodesVersion();
    return this.nodes().size;
  });
  private bumpTimer?: ReturnType<typeof setTimeout>;
  protected readonly historyVersion = signal(0);
  protected readonly childIds = computed(
    () => {
      this.nodesVersion();
      return [...this.nodes().values()].map((n) => n.childFlowRunId).filter((id): id is string => !!id);
    },
    { equal: (a, b) => a.length === b.length && a.every((id, i) => id === b[i]) },
  );
  protected readonly subflows = query(() => {
    const ids = this.childIds().slice(0, 200);
    return this.api.filterFlowRuns({ flowRuns: { id: { any: ids } }, sort: 'EXPECTED_START_TIME_ASC', limit: 200 });
  });
  protected readonly parentRunId = signal<string | null>(null);
  private readonly taskRunsTable = viewChild(TaskRunsTable);

  constructor() {
    pageTitle('Flow run', () => this.run.value()?.name);
    effect((onCleanup) => {
      const id = this.id();
      untracked(() => this.load());
      const subscriptions = this.follow(id);
      onCleanup(() => subscriptions.forEach((s) => s.unsubscribe()));
    });
    effect(() => {
      const run = this.run.value();
      if (!run) return;
      untracked(() => {
        this.names.load([run]);
        if (run.parentTaskRunId && !this.parentRunId()) {
          this.api.taskRun(run.parentTaskRunId).subscribe({ next: (t) => this.parentRunId.set(t.flowRunId) });
        }
      });
    });
    effect(() => {
      const graph = this.graph.value();
      if (!graph) return;
      untracked(() => {
        this.nodes.set(new Map(graph.taskRuns.map((n) => [n.id, n])));
        this.nodesVersion.update((v) => v + 1);
      });
    });
    effect(() => {
      if (this.childIds().length) untracked(() => this.subflows.run({ quiet: true }));
    });
    effect(() => {
      const subflows = this.subflows.value();
      if (subflows) untracked(() => this.names.load(subflows));
    });
  }

  private load(): void {
    this.run.clear();
    this.graph.clear();
    this.subflows.clear();
    this.parentRunId.set(null);
    this.nodes.set(new Map());
    this.run.run();
    this.graph.run();
  }

  /** Live subscriptions for run `id`: its own changes, its task runs, and its subflow runs. */
  private follow(id: string) {
    const taskRunsChanged = new Subject<void>();
    return [
      this.live.on<FlowRun>({ resource: 'flow-run', flowRunId: id }).subscribe((e) => {
        const current = this.run.value();
        if (!current || e.payload.updated >= current.updated) this.run.set(e.payload);
        this.historyVersion.update((v) => v + 1);
      }),
      this.live.on<TaskRun>({ resource: 'task-run', flowRunId: id }).subscribe((e) => {
        const node = nodeOf(e.payload);
        const known = this.nodes().get(node.id);
        this.nodes().set(node.id, { ...node, childFlowRunId: known?.childFlowRunId ?? null });
        this.nodesChanged();
        this.taskRunsTable()?.onLiveTaskRun(e.payload);
        if (!known || known.state?.type !== node.state?.type) taskRunsChanged.next();
      }),
      taskRunsChanged.pipe(auditTime(300)).subscribe(() => this.taskRunsTable()?.refresh()),
      this.live.on<FlowRun>({ resource: 'flow-run' }).subscribe((e) => this.onOtherFlowRun(e.payload)),
      this.live.reconnected$.subscribe(() => {
        this.run.run({ quiet: true });
        this.graph.run({ quiet: true });
        this.taskRunsTable()?.refresh();
        this.historyVersion.update((v) => v + 1);
      }),
    ];
  }

  /** Coalesces in-place node changes (a busy run sends many events) into one re-layout per 100 ms. */
  private nodesChanged(): void {
    this.bumpTimer ??= setTimeout(() => {
      this.bumpTimer = undefined;
      this.nodesVersion.update((v) => v + 1);
    }, 100);
  }

  /** A subflow run of this run changed (or appeared): patch its row, or add it. */
  private onOtherFlowRun(run: FlowRun): void {
    if (!run.parentTaskRunId) return;
    const parent = this.nodes().get(run.parentTaskRunId);
    if (!parent) return;
    if (parent.childFlowRunId !== run.id) {
      this.nodes().set(parent.id, { ...parent, childFlowRunId: run.id });
      this.nodesVersion.update((v) => v + 1);
      return;
    }
    const rows = this.subflows.value();
    if (rows?.some((r) => r.id === run.id)) this.subflows.set(rows.map((r) => (r.id === run.id ? run : r)));
  }

  protected selectTab(tab: Tab): void {
    void this.router.navigate([], {
      queryParams: { tab: tab === 'timeline' ? null : tab },
      queryParamsHandling: 'merge',
      replaceUrl: true,
    });
  }

  /** Arrow keys move between tabs (WAI-ARIA tabs pattern). */
  protected tabKey(event: KeyboardEvent, index: number): void {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = TABS[(index + step + TABS.length) % TABS.length]!;
    this.selectTab(next.id);
    queueMicrotask(() => document.getElementById(`tab-${next.id}`)?.focus());
  }

  protected hasKeys(value: Record<string, unknown> | null | undefined): boolean {
    return !!value && Object.keys(value).length > 0;
  }

  protected json(value: unknown): string {
    return JSON.stringify(value, null, 2);
  }
}
