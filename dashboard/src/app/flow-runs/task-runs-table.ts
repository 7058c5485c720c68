/**
 * The task runs of one flow run, a server-side page at a time, updated live; each row can unfold its
 * state history with the orchestration decisions beside it.
 */
import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ApiClient } from '../core/api-client';
import type { StateType, TaskRun } from '../core/models';
import { query } from '../core/query';
import { DurationPipe, TimePipe } from '../shared/format-pipes';
import { Pager } from '../shared/pager';
import { RequestStatus } from '../shared/request-status';
import { StateBadge } from '../shared/state-badge';
import { STATE_ORDER } from '../shared/state-colors';
import { StateHistory } from '../shared/state-history';

const PAGE_SIZE = 50;

@Component({
  selector: 'rg-task-runs-table',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, StateBadge, TimePipe, DurationPipe, Pager, RequestStatus, StateHistory],
  template: `
    <div class="toolbar">
      <label class="field-inline">
        State
        <select (change)="setState($any($event.target).value)">
          <option value="">Any state</option>
          @for (type of stateTypes; track type) {
            <option [value]="type">{{ type }}</option>
          }
        </select>
      </label>
    </div>
    <rg-request-status [query]="taskRuns" what="Task runs" />
    @if (taskRuns.value(); as rows) {
      @if (rows.length === 0) {
        <p class="muted">{{ state() ? 'No task runs in this state.' : 'This flow run has no task runs (yet).' }}</p>
      } @else {
        <div class="table-wrap">
          <table>
            <caption class="sr-only">
              Task runs of this flow run
            </caption>
            <thead>
              <tr>
                <th scope="col">Task run</th>
                <th scope="col">State</th>
                <th scope="col" class="hide-narrow">Start</th>
                <th scope="col" class="num">Duration</th>
                <th scope="col" class="num hide-narrow">Attempts</th>
                <th scope="col"><span class="sr-only">History</span></th>
              </tr>
            </thead>
            <tbody>
              @for (run of rows; track run.id) {
                <tr [attr.data-task-run-id]="run.id">
                  <td>
                    <a [routerLink]="['/task-runs', run.id]">{{ run.name }}</a>
                  </td>
                  <td>
                    <rg-state-badge [type]="run.stateType" [name]="run.stateName" [message]="run.state?.message" />
                  </td>
                  <td class="nowrap hide-narrow">{{ run.startTime | time }}</td>
                  <td class="num">{{ run.estimatedRunTime | duration }}</td>
                  <td class="num hide-narrow">{{ run.runCount }}</td>
                  <td>
                    <button
                      type="button"
                      class="btn btn-small"
                      [attr.aria-expanded]="open() === run.id"
                      [attr.aria-controls]="'history-' + run.id"
                      (click)="toggle(run.id)"
                    >
                      {{ open() === run.id ? 'Hide history' : 'History' }}
                    </button>
                  </td>
                </tr>
                @if (open() === run.id) {
                  <tr [id]="'history-' + run.id">
                    <td colspan="6"><rg-state-history kind="task" [runId]="run.id" [version]="version()" /></td>
                  </tr>
                }
              }
            </tbody>
          </table>
        </div>
        <rg-pager [page]="page()" [pageSize]="pageSize" [total]="total.value()" (pageChange)="page.set($event)" />
      }
    }
  `,
})
export class TaskRunsTable {
  private readonly api = inject(ApiClient);
  readonly flowRunId = input.required<string>();
  protected readonly stateTypes = STATE_ORDER;
  protected readonly pageSize = PAGE_SIZE;
  protected readonly page = signal(1);
  protected readonly state = signal<StateType | null>(null);
  protected readonly open = signal<string | null>(null);
  protected readonly version = signal(0);

  private filters() {
    const state = this.state();
    return {
      taskRuns: { flowRunId: { any: [this.flowRunId()] }, ...(state ? { state: { type: { any: [state] } } } : {}) },
    };
  }

  protected readonly taskRuns = query(() =>
    this.api.filterTaskRuns({
      ...this.filters(),
      sort: 'EXPECTED_START_TIME_ASC',
      limit: PAGE_SIZE,
      offset: (this.page() - 1) * PAGE_SIZE,
    }),
  );
  protected readonly total = query(() => this.api.countTaskRuns(this.filters()));

  constructor() {
    effect(() => {
      this.flowRunId();
      this.page();
      this.state();
      untracked(() => {
        this.taskRuns.run();
        this.total.run();
      });
    });
  }

  protected setState(value: string): void {
    this.state.set((value || null) as StateType | null);
    this.page.set(1);
  }

  protected toggle(id: string): void {
    this.open.update((current) => (current === id ? null : id));
  }

  /** Called by the flow run page for every live task-run event of its run. */
  onLiveTaskRun(run: TaskRun): void {
    const rows = this.taskRuns.value();
    if (rows?.some((r) => r.id === run.id)) {
      this.taskRuns.set(rows.map((r) => (r.id === run.id ? run : r)));
      if (this.open() === run.id) this.version.update((v) => v + 1);
    }
  }

  /** Re-reads the page and total quietly (new task runs, or states that left the filter). */
  refresh(): void {
    this.taskRuns.run({ quiet: true });
    this.total.run({ quiet: true });
  }
}
