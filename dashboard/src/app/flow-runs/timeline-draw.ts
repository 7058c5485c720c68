/**
 * Drawing of the timeline canvas: rows (label and bar in the state's colour), dependency curves and the
 * time axis. Pure functions of a frame; only rows first..last (those in view) are touched.
 */
import { formatDuration } from '../shared/format-pipes';
import { stateColor } from '../shared/state-colors';
import { ROW_HEIGHT, type TimelineRow, type TimeScale } from './timeline-layout';

export const AXIS_HEIGHT = 24;

export interface Frame {
  ctx: CanvasRenderingContext2D;
  rows: readonly TimelineRow[];
  first: number;
  last: number;
  width: number;
  labelWidth: number;
  now: number;
  scale: TimeScale;
  /** Time (ms) → x (px). */
  x: (t: number) => number;
  /** Row index → y (px) of its top, scrolled. */
  rowY: (i: number) => number;
  indexOf: (id: string) => number | undefined;
  /** The row chosen with the keyboard (outlined). */
  active: number | null;
}

export function barEnd(row: TimelineRow, now: number): number | null {
  if (row.start === null) return null;
  return row.end ?? (row.node.state?.type === 'RUNNING' ? now : row.start);
}

export function drawFrame(f: Frame): void {
  const { ctx } = f;
  ctx.font = '12px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  for (let i = f.first; i <= f.last; i++) {
    const row = f.rows[i]!;
    const y = f.rowY(i);
    if (i % 2 === 1) {
      ctx.fillStyle = '#f9fafb';
      ctx.fillRect(0, y, f.width, ROW_HEIGHT);
    }
    ctx.fillStyle = '#374151';
    ctx.fillText(clip(ctx, row.node.name, f.labelWidth - 12), 6, y + ROW_HEIGHT / 2);
    const end = barEnd(row, f.now);
    if (row.start === null || end === null) continue;
    const x0 = f.x(row.start);
    ctx.fillStyle = stateColor(row.node.state?.type).solid;
    ctx.fillRect(x0, y + 5, Math.max(3, f.x(end) - x0), ROW_HEIGHT - 10);
  }
  drawEdges(f);
  if (f.active !== null && f.active >= f.first && f.active <= f.last) {
    ctx.strokeStyle = '#2563eb';
    ctx.lineWidth = 2;
    ctx.strokeRect(1, f.rowY(f.active) + 1, f.width - 2, ROW_HEIGHT - 2);
  }
  drawAxis(f);
}

function drawEdges(f: Frame): void {
  const { ctx } = f;
  ctx.strokeStyle = 'rgba(75, 85, 99, 0.55)';
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let i = f.first; i <= f.last; i++) {
    const row = f.rows[i]!;
    if (row.start === null) continue;
    for (const upstreamId of row.node.upstreamDependencies) {
      const j = f.indexOf(upstreamId);
      if (j === undefined) continue;
      const up = f.rows[j]!;
      const fromX = f.x(barEnd(up, f.now) ?? row.start);
      const fromY = f.rowY(j) + ROW_HEIGHT / 2;
      const toX = f.x(row.start);
      const toY = f.rowY(i) + ROW_HEIGHT / 2;
      ctx.moveTo(fromX, fromY);
      ctx.bezierCurveTo(fromX + 12, fromY, toX - 12, toY, toX, toY);
    }
  }
  ctx.stroke();
}

function drawAxis(f: Frame): void {
  const { ctx, width, scale } = f;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, AXIS_HEIGHT);
  ctx.strokeStyle = '#e5e7eb';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(0, AXIS_HEIGHT - 0.5);
  ctx.lineTo(width, AXIS_HEIGHT - 0.5);
  ctx.stroke();
  ctx.fillStyle = '#6b7280';
  const span = (scale.t1 - scale.t0) / 1000;
  const ticks = Math.max(2, Math.min(8, Math.floor((width - f.labelWidth) / 110)));
  for (let k = 0; k <= ticks; k++) {
    const px = f.x(scale.t0 + ((scale.t1 - scale.t0) * k) / ticks);
    ctx.fillText(`+${formatDuration((span * k) / ticks)}`, Math.min(px, width - 60), AXIS_HEIGHT / 2);
  }
}

/** `text` shortened with "…" to fit `max` pixels. */
function clip(ctx: CanvasRenderingContext2D, text: string, max: number): string {
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

/** "step-3 · Completed · 1.2 s": what the tooltip and the screen reader say about a row. */
export function describeRow(row: TimelineRow, now: number): string {
  const end = barEnd(row, now);
  const duration = row.start !== null && end !== null ? ` · ${formatDuration((end - row.start) / 1000)}` : '';
  return `${row.node.name} · ${row.node.state?.name ?? 'No state'}${duration}`;
}
