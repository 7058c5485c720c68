/**
 * A run's state history, oldest first, with the orchestration decisions beside the state each one
 * produced (which rule, what outcome, why). Decisions that wrote no state (WAIT, ABORT, a REJECT that
 * kept the current state) appear on their own line at their time.
 */
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, untracked } from '@angular/core';
import { forkJoin } from 'rxjs';
import { ApiClient, type RunKind } from '../core/api-client';
import type { OrchestrationDecision, State } from '../core/models';
import { query } from '../core/query';
import { TimePipe } from './format-pipes';
import { RequestStatus } from './request-status';
import { StateBadge } from './state-badge';

interface HistoryEntry {
  time: string;
  state: State | null;
  decisions: OrchestrationDecision[];
}

export function historyEntries(states: readonly State[], decisions: readonly OrchestrationDecision[]): HistoryEntry[] {
  const byState = new Map<string, OrchestrationDecision[]>();
  const loose: HistoryEntry[] = [];
  for (const d of decisions) {
    if (d.stateId && states.some((s) => s.id === d.stateId)) {
      byState.set(d.stateId, [...(byState.get(d.stateId) ?? []), d]);
    } else {
      loose.push({ time: d.timestamp, state: null, decisions: [d] });
    }
  }
  const entries = states.map((s) => ({ time: s.timestamp, state: s, decisions: byState.get(s.id) ?? [] }));
  return [...entries, ...loose].sort((a, b) => a.time.localeCompare(b.time));
}

@Component({
  selector: 'rg-state-history',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [StateBadge, TimePipe, RequestStatus],
  styles: `
    ol {
      list-style: none;
      padding: 0;
      margin: 0;
    }
    li {
      display: grid;
      grid-template-columns: 13.5rem 1fr;
      gap: 0.2rem 0.8rem;
      padding: 0.45rem 0;
      border-bottom: 1px solid var(--border-soft);
    }
    li:last-child {
      border-bottom: none;
    }
    .decision {
      grid-column: 2;
      font-size: 0.88rem;
      display: flex;
      gap: 0.4rem;
      flex-wrap: wrap;
      align-items: baseline;
    }
    .rule {
      font-family: var(--mono);
      font-weight: 600;
    }
    .outcome {
      font-size: 0.75rem;
      font-weight: 700;
      border-radius: 4px;
      padding: 0 0.35rem;
      background: #e5e7eb;
    }
    .outcome[data-status='REJECT'],
    .outcome[data-status='ABORT'] {
      background: #fee2e2;
      color: #7f1d1d;
    }
    .outcome[data-status='WAIT'] {
      background: #fef3c7;
      color: #78350f;
    }
    .outcome[data-status='ACCEPT'] {
      background: #dcfce7;
      color: #14532d;
    }
    .message {
      grid-column: 2;
      color: var(--muted);
      font-size: 0.88rem;
      overflow-wrap: anywhere;
    }
    @media (max-width: 720px) {
      li {
        grid-template-columns: 1fr;
      }
      .decision,
      .message {
        grid-column: 1;
      }
    }
  `,
  template: `
    <rg-request-status [query]="history" what="State history" />
    @if (entries(); as list) {
      @if (list.length === 0) {
        <p class="muted">No states yet.</p>
      }
      <ol [attr.aria-label]="'State history of this ' + kind() + ' run'">
        @for (entry of list; track $index) {
          <li [attr.data-state-name]="entry.state?.name">
            <span class="mono muted nowrap" [title]="entry.time">{{ entry.time | time: true }}</span>
            <span>
              @if (entry.state; as s) {
                <rg-state-badge [type]="s.type" [name]="s.name" />
              } @else {
                <span class="muted">No state written</span>
              }
            </span>
            @if (entry.state?.message; as message) {
              <span class="message">{{ message }}</span>
            }
            @for (d of entry.decisions; track d.id) {
              <span class="decision" [attr.data-rule]="d.rule">
                <span aria-hidden="true">↳</span>
                <span class="rule">{{ d.rule }}</span>
                <span class="outcome" [attr.data-status]="d.status">{{ d.status }}</span>
                <span class="muted"
                  >{{ d.fromName ?? 'none' }} → {{ d.proposedName ?? '—'
                  }}{{ d.resultName && d.resultName !== d.proposedName ? ' ⇒ ' + d.resultName : '' }}</span
                >
                @if (d.reason) {
                  <span>{{ d.reason }}</span>
                }
                @if (d.delaySeconds) {
                  <span class="muted">(retry in {{ d.delaySeconds }} s)</span>
                }
              </span>
            }
          </li>
        }
      </ol>
    }
  `,
})
export class StateHistory {
  private readonly api = inject(ApiClient);
  readonly kind = input.required<RunKind>();
  readonly runId = input.required<string>();
  /** Bump to re-read (the parent saw a live change of this run). */
  readonly version = input(0);

  protected readonly history = query(() =>
    forkJoin({
      states: this.api.states(this.kind(), this.runId()),
      decisions: this.api.decisions(this.kind(), this.runId()),
    }),
  );
  protected readonly entries = computed(() => {
    const value = this.history.value();
    return value ? historyEntries(value.states, value.decisions) : undefined;
  });

  constructor() {
    let last = '';
    effect(() => {
      const key = `${this.kind()}:${this.runId()}`;
      this.version();
      untracked(() => {
        if (key !== last) this.history.clear();
        this.history.run({ quiet: key === last });
        last = key;
      });
    });
  }
}
