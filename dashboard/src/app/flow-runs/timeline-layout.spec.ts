import type { GraphNode } from '../core/models';
import { layoutRows, ROW_HEIGHT, timeScale, upstreamOf, visibleRange } from './timeline-layout';

const node = (i: number, start: number | null): GraphNode => ({
  id: `t${i}`,
  name: `task-${i}`,
  taskKey: 'task',
  state: { type: 'COMPLETED', name: 'Completed' },
  startTime: start === null ? null : new Date(start).toISOString(),
  endTime: start === null ? null : new Date(start + 500).toISOString(),
  expectedStartTime: null,
  upstreamDependencies: [],
  childFlowRunId: null,
});

describe('timeline layout', () => {
  it('orders rows by start, unstarted ones last, and spans the first start to the last end', () => {
    const rows = layoutRows([node(1, 3000), node(2, null), node(3, 1000)]);
    expect(rows.map((r) => r.node.id)).toEqual(['t3', 't1', 't2']);
    expect(timeScale(rows, 10_000)).toEqual({ t0: 1000, t1: 3500 });
  });

  it('keeps the rows in view to a screenful, however many task runs there are', () => {
    const rows = layoutRows(Array.from({ length: 10_000 }, (_, i) => node(i, i * 10)));
    const { first, last } = visibleRange(5000 * ROW_HEIGHT, 400, rows.length);
    expect(last - first).toBeLessThan(400 / ROW_HEIGHT + 3);
    expect(rows[first]!.node.id).toBe('t4999');
  });

  it('reads upstream task runs from task inputs', () => {
    const inputs = { a: [{ inputType: 'task_run', id: 'u1' }], b: [{ inputType: 'parameter', name: 'x' }], c: 'plain' };
    expect(upstreamOf(inputs)).toEqual(['u1']);
  });
});
