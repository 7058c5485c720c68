/**
 * One task run: state and timings, its inputs (which upstream task runs it consumed), its policy, its
 * logs and its state history with the orchestration decisions (retries, caching, concurrency waits).
 */
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ApiClient } from '../core/api-client';
import { pageTitle } from '../core/page-title';
import { LiveEvents } from '../core/live-events';
import type { FlowRun, TaskRun } from '../core/models';
import { query } from '../core/query';
import { RunLogs } from '../flow-runs/run-logs';
import { upstreamOf } from '../flow-runs/timeline-layout';
import { DurationPipe, TimePipe } from '../shared/format-pipes';
import { RequestStatus } from '../shared/request-status';
import { StateBadge } from '../shared/state-badge';
import { StateHistory } from '../shared/state-history';

@Component({
  selector: 'rg-task-run-detail',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, StateBadge, TimePipe, DurationPipe, RequestStatus, StateHistory, RunLogs],
  template: `
    <rg-request-status [query]="taskRun" what="Task run" />
    @if (taskRun.value(); as t) {
      <div class="page-header">
        <div>
          <div class="breadcrumb">
            <a routerLink="/flow-runs">Flow runs</a> ›
            @if (t.flowRunId) {
              <a [routerLink]="['/flow-runs', t.flowRunId]" [queryParams]="{ tab: 'task-runs' }">{{
                flowRun.value()?.name ?? 'flow run'
              }}</a>
              ›
            }
            task run
          </div>
          <h1>{{ t.name }} <rg-state-badge class="title-badge" [type]="t.stateType" [name]="t.stateName" /></h1>
          @if (t.state?.message; as message) {
            <p class="state-message">{{ message }}</p>
          }
        </div>
      </div>
      <section class="card" aria-label="Task run details">
        <dl class="facts run-facts">
          <dt>Task</dt>
          <dd class="mono">{{ t.taskKey }}</dd>
          <dt>Expected start</dt>
          <dd>{{ t.expectedStartTime | time }}</dd>
          <dt>Started</dt>
          <dd>{{ t.startTime | time }}</dd>
          <dt>Ended</dt>
          <dd>{{ t.endTime | time }}</dd>
          <dt>Duration</dt>
          <dd>{{ t.estimatedRunTime | duration }}</dd>
          <dt>Attempts</dt>
          <dd>{{ t.runCount }}</dd>
          <dt>Retries</dt>
          <dd>{{ policy() }}</dd>
          @if (t.cacheKey) {
            <dt>Cache key</dt>
            <dd class="mono">{{ t.cacheKey }}</dd>
          }
          @if (t.tags.length) {
            <dt>Tags</dt>
            <dd>
              @for (tag of t.tags; track tag) {
                <span class="tag">{{ tag }}</span>
              }
            </dd>
          }
          <dt>Id</dt>
          <dd class="mono">{{ t.id }}</dd>
        </dl>
      </section>
      <h2>Inputs</h2>
      @if (upstream().length) {
        <p>
          Uses the results of:
          @for (id of upstream(); track id; let last = $last) {
            <a [routerLink]="['/task-runs', id]" class="mono">{{ id.slice(0, 8) }}</a>{{ last ? '' : ', ' }}
          }
        </p>
      }
      <pre>{{ json(t.taskInputs) }}</pre>
      <h2>State history and orchestration decisions</h2>
      <div class="card"><rg-state-history kind="task" [runId]="t.id" [version]="version()" /></div>
      @if (t.flowRunId) {
        <h2>Logs</h2>
        <rg-run-logs [flowRunId]="t.flowRunId" [taskRunId]="t.id" />
      }
    }
  `,
})
export class TaskRunDetail {
  private readonly api = inject(ApiClient);
  private readonly live = inject(LiveEvents);
  readonly id = input.required<string>();
  protected readonly taskRun = query(() => this.api.taskRun(this.id()));
  protected readonly flowRun = query(() => this.api.flowRun(this.taskRun.value()!.flowRunId!));
  protected readonly version = signal(0);
  protected readonly upstream = computed(() => upstreamOf(this.taskRun.value()?.taskInputs));
  protected readonly policy = computed(() => {
    const p = this.taskRun.value()?.empiricalPolicy as
      { retries?: number; retryDelaySeconds?: number | number[] } | undefined;
    if (!p?.retries) return 'none';
    const delay = Array.isArray(p.retryDelaySeconds) ? p.retryDelaySeconds.join(', ') : (p.retryDelaySeconds ?? 0);
    return `${p.retries} (delay ${delay} s)`;
  });

  private readonly flowRunId = computed(() => this.taskRun.value()?.flowRunId ?? null);

  constructor() {
    pageTitle('Task run', () => this.taskRun.value()?.name);
    effect(() => {
      this.id();
      untracked(() => {
        this.taskRun.clear();
        this.taskRun.run();
      });
    });
    effect((onCleanup) => {
      const flowRunId = this.flowRunId();
      if (!flowRunId) return;
      untracked(() => this.flowRun.run());
      const sub = this.live.on<TaskRun>({ resource: 'task-run', flowRunId }).subscribe((e) => {
        if (e.payload.id !== this.id()) return;
        this.taskRun.set(e.payload);
        this.version.update((v) => v + 1);
      });
      const flowSub = this.live
        .on<FlowRun>({ resource: 'flow-run', flowRunId })
        .subscribe((e) => this.flowRun.set(e.payload));
      onCleanup(() => {
        sub.unsubscribe();
        flowSub.unsubscribe();
      });
    });
  }

  protected json(value: unknown): string {
    return JSON.stringify(value ?? {}, null, 2);
  }
}
