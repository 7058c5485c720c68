/** Flow runs per interval, stacked by state type (chart.js), in the shared state colours. */
import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  ElementRef,
  inject,
  input,
  viewChild,
} from '@angular/core';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import type { HistoryBucket, StateType } from '../core/models';
import { STATE_COLORS, STATE_ORDER } from '../shared/state-colors';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

/** The server's run-history roll-up is kept per half hour of expected start time. */
const SLOT_MS = 1_800_000;

/**
 * The start of a history window of `windowMs` ending now. A window whose intervals are whole half hours
 * starts on a half hour (it covers the current half hour and the whole ones before it), so that the
 * server answers every closed interval from its roll-up instead of reading the runs; any other window
 * starts exactly `windowMs` ago.
 */
export function historyStart(windowMs: number, intervalSeconds: number, now = Date.now()): string {
  if ((intervalSeconds * 1000) % SLOT_MS !== 0) return new Date(now - windowMs).toISOString();
  return new Date(Math.floor(now / SLOT_MS) * SLOT_MS + SLOT_MS - windowMs).toISOString();
}

function label(iso: string, spanMs: number): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return spanMs > 2 * 86_400_000
    ? `${d.getMonth() + 1}/${d.getDate()}${spanMs > 8 * 86_400_000 ? '' : ` ${time}`}`
    : time;
}

@Component({
  selector: 'rg-run-history-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    :host {
      display: block;
      position: relative;
      height: 260px;
    }
  `,
  template: `<canvas #canvas role="img" [attr.aria-label]="summary()"></canvas>`,
})
export class RunHistoryChart {
  readonly buckets = input.required<HistoryBucket[]>();
  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('canvas');
  private chart?: Chart<'bar'>;

  protected readonly summary = computed(() => {
    const totals = new Map<StateType, number>();
    for (const b of this.buckets())
      for (const s of b.states) totals.set(s.stateType, (totals.get(s.stateType) ?? 0) + s.countRuns);
    const parts = [...totals].map(([type, n]) => `${n} ${type.toLowerCase()}`);
    return `Flow runs over time by state: ${parts.length ? parts.join(', ') : 'none'}.`;
  });

  constructor() {
    afterNextRender(() => this.render());
    effect(() => {
      this.buckets();
      if (this.chart) this.render();
    });
    inject(DestroyRef).onDestroy(() => this.chart?.destroy());
  }

  private render(): void {
    const buckets = this.buckets();
    const span = buckets.length ? Date.parse(buckets.at(-1)!.intervalEnd) - Date.parse(buckets[0]!.intervalStart) : 0;
    const used = new Set(buckets.flatMap((b) => b.states.map((s) => s.stateType)));
    const datasets = STATE_ORDER.filter((t) => used.has(t)).map((type) => ({
      label: type.charAt(0) + type.slice(1).toLowerCase(),
      data: buckets.map((b) => b.states.filter((s) => s.stateType === type).reduce((n, s) => n + s.countRuns, 0)),
      backgroundColor: STATE_COLORS[type].solid,
      stack: 'runs',
    }));
    const labels = buckets.map((b) => label(b.intervalStart, span));
    if (this.chart) {
      this.chart.data = { labels, datasets };
      this.chart.update('none');
      return;
    }
    this.chart = new Chart(this.canvas().nativeElement, {
      type: 'bar',
      data: { labels, datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: true, grid: { display: false }, ticks: { maxRotation: 0, autoSkip: true } },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
        },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
      },
    });
  }
}
