/**
 * The Gantt of a flow run's task runs on a canvas: one row per task run, bars in state colours, lines
 * from each upstream task run to the runs that consumed its result. Only the rows in view are drawn
 * (virtual scrolling), so 10,000 task runs stay readable. Click a bar to open the task run; the task
 * run table below offers the same information to keyboard and screen-reader users.
 */
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
  signal,
  viewChild,
} from '@angular/core';
import { Router } from '@angular/router';
import type { GraphNode } from '../core/models';
import { formatDuration } from '../shared/format-pipes';
import { stateColor } from '../shared/state-colors';
import { layoutRows, ROW_HEIGHT, type TimelineRow, timeScale, visibleRange } from './timeline-layout';

const AXIS_HEIGHT = 24;
const MAX_VIEW_HEIGHT = 440;

@Component({
  selector: 'rg-run-timeline',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    :host {
      display: block;
      position: relative;
    }
    .viewport {
      position: relative;
      overflow-y: auto;
      overflow-x: hidden;
      border: 1px solid var(--border-soft);
      border-radius: var(--radius);
      background: #fff;
    }
    canvas {
      position: sticky;
      top: 0;
      left: 0;
      display: block;
      cursor: pointer;
    }
    .tooltip {
      position: absolute;
      pointer-events: none;
      background: #111827;
      color: #fff;
      font-size: 0.8rem;
      padding: 0.3rem 0.5rem;
      border-radius: 4px;
      white-space: nowrap;
      z-index: 2;
    }
  `,
  template: `
    <div #viewport class="viewport" [style.height.px]="viewHeight()" (scroll)="scheduleDraw()">
      <canvas
        #canvas
        role="img"
        [attr.aria-label]="summary()"
        (mousemove)="hover($event)"
        (mouseleave)="hovered.set(null)"
        (click)="open()"
      ></canvas>
      <div [style.height.px]="spacerHeight()"></div>
    </div>
    @if (hovered(); as h) {
      <div class="tooltip" [style.left.px]="h.x" [style.top.px]="h.y">{{ h.text }}</div>
    }
  `,
})
export class RunTimeline {
  private readonly router = inject(Router);
  readonly nodes = input.required<ReadonlyMap<string, GraphNode>>();
  /** Bumped by the parent when nodes changed in place. */
  readonly version = input(0);
  readonly runStart = input<string | null>(null);

  private readonly viewport = viewChild.required<ElementRef<HTMLDivElement>>('viewport');
  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('canvas');
  protected readonly hovered = signal<{ x: number; y: number; text: string; id: string } | null>(null);

  private readonly rows = computed(() => {
    this.version();
    return layoutRows(this.nodes().values());
  });
  /** Row of each task run id (built once per data change, read by the edges of the rows in view). */
  private readonly index = computed(() => new Map(this.rows().map((r, i) => [r.node.id, i] as const)));
  protected readonly viewHeight = computed(() =>
    Math.min(MAX_VIEW_HEIGHT, AXIS_HEIGHT + Math.max(3, this.rows().length) * ROW_HEIGHT + 2),
  );
  protected readonly spacerHeight = computed(() =>
    Math.max(0, AXIS_HEIGHT + this.rows().length * ROW_HEIGHT - this.viewHeight() + 2),
  );
  protected readonly summary = computed(
    () => `Timeline of ${this.rows().length} task runs; the task runs table lists the same runs.`,
  );

  private frame = 0;
  private ticker?: ReturnType<typeof setInterval>;

  constructor() {
    effect(() => {
      this.rows();
      this.viewHeight();
      this.scheduleDraw();
    });
    const destroyRef = inject(DestroyRef);
    afterNextRender(() => {
      const observer = new ResizeObserver(() => this.scheduleDraw());
      observer.observe(this.viewport().nativeElement);
      destroyRef.onDestroy(() => observer.disconnect());
    });
    // Running bars grow with the clock: redraw once a second while any task run is running.
    this.ticker = setInterval(() => {
      if (this.rows().some((r) => r.node.state?.type === 'RUNNING')) this.scheduleDraw();
    }, 1000);
    destroyRef.onDestroy(() => {
      clearInterval(this.ticker);
      cancelAnimationFrame(this.frame);
    });
  }

  scheduleDraw(): void {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.draw());
  }

  private geometry() {
    const viewport = this.viewport().nativeElement;
    const width = viewport.clientWidth;
    const labelWidth = width < 520 ? 96 : 200;
    const rows = this.rows();
    const now = Date.now();
    const scale = timeScale(rows, now, this.runStart() ? Date.parse(this.runStart()!) : null);
    const plot = Math.max(40, width - labelWidth - 16);
    const x = (t: number) => labelWidth + ((t - scale.t0) / (scale.t1 - scale.t0)) * plot;
    return { viewport, width, labelWidth, rows, now, scale, x };
  }

  private draw(): void {
    const { viewport, width, labelWidth, rows, now, scale, x } = this.geometry();
    const height = this.viewHeight() - 2;
    const canvas = this.canvas().nativeElement;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.font = '12px system-ui, sans-serif';
    ctx.textBaseline = 'middle';

    const scrollTop = viewport.scrollTop;
    const { first, last } = visibleRange(scrollTop, height - AXIS_HEIGHT, rows.length);
    const rowY = (i: number) => AXIS_HEIGHT + i * ROW_HEIGHT - scrollTop;
    const index = this.index();
    const indexOf = (id: string) => index.get(id);

    for (let i = first; i <= last; i++) {
      const row = rows[i]!;
      const y = rowY(i);
      if (i % 2 === 1) {
        ctx.fillStyle = '#f9fafb';
        ctx.fillRect(0, y, width, ROW_HEIGHT);
      }
      ctx.fillStyle = '#374151';
      ctx.fillText(this.clip(ctx, row.node.name, labelWidth - 12), 6, y + ROW_HEIGHT / 2);
      if (row.start === null) continue;
      const end = row.end ?? (row.node.state?.type === 'RUNNING' ? now : row.start);
      const x0 = x(row.start);
      ctx.fillStyle = stateColor(row.node.state?.type).solid;
      ctx.fillRect(x0, y + 5, Math.max(3, x(end) - x0), ROW_HEIGHT - 10);
    }
    this.drawEdges(ctx, rows, first, last, rowY, x, indexOf);
    this.drawAxis(ctx, width, labelWidth, scale, x);
  }

  private drawEdges(
    ctx: CanvasRenderingContext2D,
    rows: readonly TimelineRow[],
    first: number,
    last: number,
    rowY: (i: number) => number,
    x: (t: number) => number,
    indexOf: (id: string) => number | undefined,
  ): void {
    ctx.strokeStyle = 'rgba(75, 85, 99, 0.55)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let i = first; i <= last; i++) {
      const row = rows[i]!;
      if (row.start === null) continue;
      for (const upstreamId of row.node.upstreamDependencies) {
        const j = indexOf(upstreamId);
        if (j === undefined) continue;
        const up = rows[j]!;
        const fromX = x(up.end ?? up.start ?? row.start);
        const fromY = rowY(j) + ROW_HEIGHT / 2;
        const toX = x(row.start);
        const toY = rowY(i) + ROW_HEIGHT / 2;
        ctx.moveTo(fromX, fromY);
        ctx.bezierCurveTo(fromX + 12, fromY, toX - 12, toY, toX, toY);
      }
    }
    ctx.stroke();
  }

  private drawAxis(
    ctx: CanvasRenderingContext2D,
    width: number,
    labelWidth: number,
    scale: { t0: number; t1: number },
    x: (t: number) => number,
  ): void {
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, AXIS_HEIGHT);
    ctx.strokeStyle = '#e5e7eb';
    ctx.beginPath();
    ctx.moveTo(0, AXIS_HEIGHT - 0.5);
    ctx.lineTo(width, AXIS_HEIGHT - 0.5);
    ctx.stroke();
    ctx.fillStyle = '#6b7280';
    const span = (scale.t1 - scale.t0) / 1000;
    const ticks = Math.max(2, Math.min(8, Math.floor((width - labelWidth) / 110)));
    for (let k = 0; k <= ticks; k++) {
      const t = scale.t0 + ((scale.t1 - scale.t0) * k) / ticks;
      const px = x(t);
      ctx.fillText(`+${formatDuration((span * k) / ticks)}`, Math.min(px, width - 60), AXIS_HEIGHT / 2);
    }
  }

  private clip(ctx: CanvasRenderingContext2D, text: string, max: number): string {
    if (ctx.measureText(text).width <= max) return text;
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ctx.measureText(`${text.slice(0, mid)}…`).width <= max) lo = mid;
      else hi = mid - 1;
    }
    return `${text.slice(0, lo)}…`;
  }

  protected hover(event: MouseEvent): void {
    const { viewport, rows, now } = this.geometry();
    const i = Math.floor((event.offsetY - AXIS_HEIGHT + viewport.scrollTop) / ROW_HEIGHT);
    const row = event.offsetY > AXIS_HEIGHT ? rows[i] : undefined;
    if (!row) return this.hovered.set(null);
    const end = row.end ?? (row.node.state?.type === 'RUNNING' ? now : null);
    const duration = row.start !== null && end !== null ? ` · ${formatDuration((end - row.start) / 1000)}` : '';
    this.hovered.set({
      id: row.node.id,
      x: Math.min(event.offsetX + 12, viewport.clientWidth - 220),
      y: event.offsetY + 14,
      text: `${row.node.name} · ${row.node.state?.name ?? 'No state'}${duration}`,
    });
  }

  protected open(): void {
    const id = this.hovered()?.id;
    if (id) void this.router.navigate(['/task-runs', id]);
  }
}
