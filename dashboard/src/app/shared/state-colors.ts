/**
 * The one place state colours are defined. `applyStateColors()` publishes them as CSS custom properties
 * (`--state-RUNNING`, `--state-RUNNING-bg`), which badges, tables and the Gantt read; the history chart
 * and the timeline canvas read the same values from here.
 */
import { STATE_TYPES, type StateType } from '@rigel/server/schemas/states';

export interface StateColor {
  /** Strong colour: bars, dots, chart series (contrast ≥ 3:1 on white). */
  solid: string;
  /** Tinted background of a badge (text in `text` on it is ≥ 4.5:1). */
  bg: string;
  text: string;
}

export const STATE_COLORS: Record<StateType, StateColor> = {
  SCHEDULED: { solid: '#b45309', bg: '#fef3c7', text: '#78350f' },
  PENDING: { solid: '#64748b', bg: '#e2e8f0', text: '#334155' },
  RUNNING: { solid: '#2563eb', bg: '#dbeafe', text: '#1e3a8a' },
  PAUSED: { solid: '#7c3aed', bg: '#ede9fe', text: '#4c1d95' },
  CANCELLING: { solid: '#6b7280', bg: '#e5e7eb', text: '#374151' },
  COMPLETED: { solid: '#15803d', bg: '#dcfce7', text: '#14532d' },
  FAILED: { solid: '#dc2626', bg: '#fee2e2', text: '#7f1d1d' },
  CANCELLED: { solid: '#4b5563', bg: '#f3f4f6', text: '#1f2937' },
  CRASHED: { solid: '#ea580c', bg: '#ffedd5', text: '#7c2d12' },
};

/** States (in a sensible display order) for filters and legends. */
export const STATE_ORDER: readonly StateType[] = STATE_TYPES;

export function stateColor(type: StateType | null | undefined): StateColor {
  return type ? STATE_COLORS[type] : { solid: '#9ca3af', bg: '#f3f4f6', text: '#374151' };
}

export function applyStateColors(root: HTMLElement): void {
  for (const type of STATE_TYPES) {
    const color = STATE_COLORS[type];
    root.style.setProperty(`--state-${type}`, color.solid);
    root.style.setProperty(`--state-${type}-bg`, color.bg);
    root.style.setProperty(`--state-${type}-text`, color.text);
  }
}
