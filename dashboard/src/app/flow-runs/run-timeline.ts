/**
 * The Gantt of a flow run's task runs on a canvas: one row per task run, bars in state colours, lines
 * from each upstream task run to the runs that consumed its result. Only the rows in view are drawn
 * (virtual scrolling), so 10,000 task runs stay readable. Click a bar, or focus the chart and use the
 * arrow keys and Enter, to open a task run; the task run table offers the same information as a table.
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
import { AXIS_HEIGHT, describeRow, drawFrame } from './timeline-draw';
import { layoutRows, ROW_HEIGHT, timeScale, visibleRange } from './timeline-layout';

const MAX_VIEW_HEIGHT = 440;
const KEY_STEPS: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 15, PageUp: -15 };

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
        tabindex="0"
        role="img"
        [attr.aria-label]="summary()"
        (mousemove)="hover($event)"
        (mouseleave)="hovered.set(null)"
        (click)="open(hovered()?.id)"
        (keydown)="key($event)"
        (blur)="active.set(null)"
      ></canvas>
      <div [style.height.px]="spacerHeight()"></div>
    </div>
    @if (hovered(); as h) {
      <div class="tooltip" [style.left.px]="h.x" [style.top.px]="h.y">{{ h.text }}</div>
    }
    <span class="sr-only" aria-live="polite">{{ announcement() }}</span>
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
  /** The row chosen with the keyboard. */
  protected readonly active = signal<number | null>(null);

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
    () =>
      `Timeline of ${this.rows().length} task runs; the task runs table lists the same runs. ` +
      'Arrow keys move between task runs, Enter opens one.',
  );
  protected readonly announcement = computed(() => {
    const i = this.active();
    const row = i === null ? undefined : this.rows()[i];
    return row ? describeRow(row, Date.now()) : '';
  });

  private frame = 0;

  constructor() {
    effect(() => {
      this.rows();
      this.viewHeight();
      this.active();
      this.scheduleDraw();
    });
    const destroyRef = inject(DestroyRef);
    afterNextRender(() => {
      const observer = new ResizeObserver(() => this.scheduleDraw());
      observer.observe(this.viewport().nativeElement);
      destroyRef.onDestroy(() => observer.disconnect());
    });
    // Running bars grow with the clock: redraw once a second while any task run is running.
    const ticker = setInterval(() => {
      if (this.rows().some((r) => r.node.state?.type === 'RUNNING')) this.scheduleDraw();
    }, 1000);
    destroyRef.onDestroy(() => {
      clearInterval(ticker);
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
    const scrollTop = viewport.scrollTop;
    const { first, last } = visibleRange(scrollTop, height - AXIS_HEIGHT, rows.length);
    const index = this.index();
    drawFrame({
      ctx,
      rows,
      first,
      last,
      width,
      labelWidth,
      now,
      scale,
      x,
      rowY: (i) => AXIS_HEIGHT + i * ROW_HEIGHT - scrollTop,
      indexOf: (id) => index.get(id),
      active: this.active(),
    });
  }

  protected hover(event: MouseEvent): void {
    const { viewport, rows, now } = this.geometry();
    const i = Math.floor((event.offsetY - AXIS_HEIGHT + viewport.scrollTop) / ROW_HEIGHT);
    const row = event.offsetY > AXIS_HEIGHT ? rows[i] : undefined;
    if (!row) return this.hovered.set(null);
    this.hovered.set({
      id: row.node.id,
      x: Math.min(event.offsetX + 12, viewport.clientWidth - 220),
      y: event.offsetY + 14,
      text: describeRow(row, now),
    });
  }

  /** Arrow keys, Page Up/Down, Home and End choose a row (scrolled into view); Enter opens it. */
  protected key(event: KeyboardEvent): void {
    const count = this.rows().length;
    if (!count) return;
    const current = this.active();
    let next: number | null = null;
    if (event.key in KEY_STEPS) next = (current ?? -1) + KEY_STEPS[event.key]!;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = count - 1;
    else if (event.key === 'Enter' && current !== null) return this.open(this.rows()[current]?.node.id);
    if (next === null) return;
    event.preventDefault();
    next = Math.max(0, Math.min(count - 1, next));
    this.active.set(next);
    const viewport = this.viewport().nativeElement;
    const top = next * ROW_HEIGHT;
    const visible = viewport.clientHeight - AXIS_HEIGHT - ROW_HEIGHT;
    if (top < viewport.scrollTop) viewport.scrollTop = top;
    else if (top > viewport.scrollTop + visible) viewport.scrollTop = top - visible;
  }

  protected open(id: string | undefined): void {
    if (id) void this.router.navigate(['/task-runs', id]);
  }
}
