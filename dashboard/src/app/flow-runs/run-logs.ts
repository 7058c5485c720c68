/**
 * Logs of a flow run (or of one task run): the newest page first read with a level filter, older pages
 * on demand, and new lines appended live from the events WebSocket ("follow" keeps the newest in view).
 */
import {
  ChangeDetectionStrategy,
  Component,
  effect,
  ElementRef,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { ApiClient } from '../core/api-client';
import { ApiError } from '../core/api-error';
import { LiveEvents } from '../core/live-events';
import type { LogLine } from '../core/models';
import { formatTime, levelName } from '../shared/format-pipes';

const PAGE = 200;
const MAX_LINES = 5000;
export const LEVELS = [
  { value: 0, label: 'All levels' },
  { value: 20, label: 'Info and above' },
  { value: 30, label: 'Warnings and errors' },
  { value: 40, label: 'Errors only' },
];

@Component({
  selector: 'rg-run-logs',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    .log-box {
      max-height: 480px;
      overflow: auto;
      background: #0f172a;
      color: #e2e8f0;
      border-radius: var(--radius);
      font-family: var(--mono);
      font-size: 0.82rem;
      padding: 0.4rem 0;
    }
    .line {
      display: grid;
      grid-template-columns: 6.5rem 4.8rem 1fr;
      gap: 0.6rem;
      padding: 0.1rem 0.75rem;
    }
    .line:hover {
      background: #1e293b;
    }
    .msg {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .lvl {
      font-weight: 700;
    }
    .lvl[data-level='DEBUG'] {
      color: #94a3b8;
    }
    .lvl[data-level='INFO'] {
      color: #7dd3fc;
    }
    .lvl[data-level='WARNING'] {
      color: #fcd34d;
    }
    .lvl[data-level='ERROR'],
    .lvl[data-level='CRITICAL'] {
      color: #fca5a5;
    }
    .empty {
      color: #94a3b8;
      padding: 0.5rem 0.75rem;
    }
    @media (max-width: 720px) {
      .line {
        grid-template-columns: 1fr;
        gap: 0;
      }
    }
  `,
  template: `
    <div class="toolbar">
      <label class="field-inline">
        Level
        <select (change)="setLevel(+$any($event.target).value)">
          @for (l of levels; track l.value) {
            <option [value]="l.value" [selected]="l.value === level()">{{ l.label }}</option>
          }
        </select>
      </label>
      <label class="check"
        ><input type="checkbox" [checked]="follow()" (change)="follow.set($any($event.target).checked)" /> Follow new
        lines</label
      >
      @if (olderAvailable()) {
        <button type="button" class="btn btn-small" [disabled]="loading()" (click)="loadOlder()">
          Load older lines
        </button>
      }
    </div>
    @if (error(); as e) {
      <div class="alert alert-error" role="alert">
        Logs could not be loaded. {{ e.message }}
        <button type="button" class="btn btn-small" (click)="reload()">Retry</button>
      </div>
    }
    <div #box class="log-box" role="log" aria-live="polite" aria-label="Log lines" tabindex="0">
      @for (line of lines(); track line.id) {
        <div class="line" [attr.data-level]="levelName(line.level)">
          <span class="muted" [title]="line.timestamp">{{ clock(line.timestamp) }}</span>
          <span class="lvl" [attr.data-level]="levelName(line.level)">{{ levelName(line.level) }}</span>
          <span class="msg">{{ line.message }}</span>
        </div>
      } @empty {
        <div class="empty">
          {{
            loading()
              ? 'Loading logs…'
              : 'No log lines at this level yet. Lines appear here as the run logs them (getRunLogger().info(…)).'
          }}
        </div>
      }
    </div>
  `,
})
export class RunLogs {
  private readonly api = inject(ApiClient);
  private readonly live = inject(LiveEvents);
  readonly flowRunId = input.required<string>();
  readonly taskRunId = input<string | null>(null);

  protected readonly levels = LEVELS;
  protected readonly levelName = levelName;
  protected readonly level = signal(20);
  protected readonly follow = signal(true);
  protected readonly lines = signal<LogLine[]>([]);
  protected readonly loading = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly olderAvailable = signal(false);
  private readonly box = viewChild.required<ElementRef<HTMLDivElement>>('box');

  constructor() {
    effect((onCleanup) => {
      const flowRunId = this.flowRunId();
      this.taskRunId();
      this.level();
      untracked(() => this.reload());
      const sub = this.live.on<LogLine>({ resource: 'log', flowRunId }).subscribe((e) => this.append(e.payload));
      onCleanup(() => sub.unsubscribe());
    });
  }

  private body(extra: Record<string, unknown> = {}) {
    const taskRunId = this.taskRunId();
    return {
      logs: {
        flowRunId: { any: [this.flowRunId()] },
        ...(taskRunId ? { taskRunId: { any: [taskRunId] } } : {}),
        ...(this.level() > 0 ? { level: { ge: this.level() } } : {}),
        ...extra,
      },
      sort: 'TIMESTAMP_DESC',
      limit: PAGE,
    };
  }

  protected reload(): void {
    this.loading.set(true);
    this.error.set(null);
    this.api.filterLogs(this.body()).subscribe({
      next: (page) => {
        this.lines.set([...page].reverse());
        this.olderAvailable.set(page.length === PAGE);
        this.loading.set(false);
        this.scrollToEnd();
      },
      error: (e: unknown) => {
        this.error.set(ApiError.from(e));
        this.loading.set(false);
      },
    });
  }

  protected loadOlder(): void {
    const oldest = this.lines()[0];
    if (!oldest) return;
    this.loading.set(true);
    const before = new Date(Date.parse(oldest.timestamp) + 1).toISOString();
    this.api.filterLogs(this.body({ timestamp: { before } })).subscribe({
      next: (page) => {
        const known = new Set(this.lines().map((l) => l.id));
        this.lines.update((lines) => [...[...page].reverse().filter((l) => !known.has(l.id)), ...lines]);
        this.olderAvailable.set(page.length === PAGE);
        this.loading.set(false);
      },
      error: (e: unknown) => {
        this.error.set(ApiError.from(e));
        this.loading.set(false);
      },
    });
  }

  private append(line: LogLine): void {
    if (line.level < this.level()) return;
    const taskRunId = this.taskRunId();
    if (taskRunId && line.taskRunId !== taskRunId) return;
    const lines = this.lines();
    if (lines.some((l) => l.id === line.id)) return;
    const last = lines[lines.length - 1];
    const next = [...lines, line];
    if (last && line.timestamp < last.timestamp) next.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    if (next.length > MAX_LINES) {
      next.splice(0, next.length - MAX_LINES);
      this.olderAvailable.set(true);
    }
    this.lines.set(next);
    if (this.follow()) this.scrollToEnd();
  }

  private scrollToEnd(): void {
    requestAnimationFrame(() => {
      const box = this.box().nativeElement;
      box.scrollTop = box.scrollHeight;
    });
  }

  protected clock(iso: string): string {
    return formatTime(iso, true).slice(11);
  }

  protected setLevel(level: number): void {
    this.level.set(level);
  }
}
