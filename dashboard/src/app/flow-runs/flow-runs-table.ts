/** A table of flow runs (list page, flow and deployment pages), optionally with row selection. */
import { ChangeDetectionStrategy, Component, computed, inject, input, output } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { FlowRun } from '../core/models';
import { Names } from '../core/names';
import { DurationPipe, TimePipe } from '../shared/format-pipes';
import { StateBadge } from '../shared/state-badge';

@Component({
  selector: 'rg-flow-runs-table',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, StateBadge, TimePipe, DurationPipe],
  template: `
    <div class="table-wrap">
      <table>
        <caption class="sr-only">
          {{
            caption()
          }}
        </caption>
        <thead>
          <tr>
            @if (selectable()) {
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label="Select all runs on this page"
                  [checked]="allSelected()"
                  (change)="toggleAll($any($event.target).checked)"
                />
              </th>
            }
            <th scope="col">Run</th>
            <th scope="col">Flow</th>
            <th scope="col">State</th>
            <th scope="col" class="hide-narrow">Start</th>
            <th scope="col" class="num hide-narrow">Duration</th>
            <th scope="col" class="hide-narrow">Tags</th>
          </tr>
        </thead>
        <tbody>
          @for (run of runs(); track run.id) {
            <tr [attr.data-run-id]="run.id">
              @if (selectable()) {
                <td>
                  <input
                    type="checkbox"
                    [attr.aria-label]="'Select ' + run.name"
                    [checked]="selected().has(run.id)"
                    (change)="toggle(run.id, $any($event.target).checked)"
                  />
                </td>
              }
              <td>
                <a [routerLink]="['/flow-runs', run.id]" class="run-link">{{ run.name }}</a>
              </td>
              <td>
                @if (names.flow(run.flowId); as flowName) {
                  <a [routerLink]="['/flows', run.flowId]">{{ flowName }}</a>
                } @else {
                  <span class="muted">…</span>
                }
                @if (run.deploymentId) {
                  <div class="muted">
                    via
                    <a [routerLink]="['/deployments', run.deploymentId]">{{
                      names.deployment(run.deploymentId) ?? 'deployment'
                    }}</a>
                  </div>
                }
              </td>
              <td><rg-state-badge [type]="run.stateType" [name]="run.stateName" [message]="run.state?.message" /></td>
              <td class="nowrap hide-narrow" [title]="run.startTime ?? run.expectedStartTime ?? ''">
                @if (run.startTime) {
                  {{ run.startTime | time }}
                } @else if (run.expectedStartTime) {
                  <span class="muted">expected {{ run.expectedStartTime | time }}</span>
                } @else {
                  —
                }
              </td>
              <td class="num hide-narrow">{{ run.startTime ? (run.estimatedRunTime | duration) : '—' }}</td>
              <td class="hide-narrow">
                @for (tag of run.tags; track tag) {
                  <span class="tag">{{ tag }}</span>
                }
              </td>
            </tr>
          }
        </tbody>
      </table>
    </div>
  `,
})
export class FlowRunsTable {
  protected readonly names = inject(Names);
  readonly runs = input.required<readonly FlowRun[]>();
  readonly caption = input('Flow runs');
  readonly selectable = input(false);
  readonly selected = input<ReadonlySet<string>>(new Set());
  readonly selectedChange = output<ReadonlySet<string>>();

  protected readonly allSelected = computed(
    () => this.runs().length > 0 && this.runs().every((r) => this.selected().has(r.id)),
  );

  protected toggle(id: string, on: boolean): void {
    const next = new Set(this.selected());
    if (on) next.add(id);
    else next.delete(id);
    this.selectedChange.emit(next);
  }

  protected toggleAll(on: boolean): void {
    this.selectedChange.emit(on ? new Set(this.runs().map((r) => r.id)) : new Set());
  }
}
