import { TestBed } from '@angular/core/testing';
import { StateBadge } from './state-badge';
import { STATE_COLORS } from './state-colors';
import { historyEntries } from './state-history';

describe('StateBadge', () => {
  it('shows the state name on the colours of its type', async () => {
    const fixture = TestBed.createComponent(StateBadge);
    fixture.componentRef.setInput('type', 'SCHEDULED');
    fixture.componentRef.setInput('name', 'Late');
    await fixture.whenStable();
    const host = fixture.nativeElement as HTMLElement;
    expect(host.textContent?.trim()).toBe('Late');
    expect(host.getAttribute('data-state')).toBe('SCHEDULED');
    expect(host.getAttribute('title')).toBe('Late (SCHEDULED)');
    const probe = document.createElement('span');
    probe.style.color = STATE_COLORS.SCHEDULED.text;
    expect(host.style.color).toBe(probe.style.color);
  });
});

describe('state history entries', () => {
  it('puts each decision beside the state it wrote and the others at their time', () => {
    const state = (id: string, t: string) =>
      ({ id, type: 'RUNNING', name: id, timestamp: t, message: null, stateDetails: {}, data: null }) as const;
    const decision = (id: string, t: string, stateId: string | null) =>
      ({ id, timestamp: t, stateId, rule: id, status: stateId ? 'REJECT' : 'WAIT' }) as never;
    const entries = historyEntries(
      [state('s1', '2030-01-01T00:00:01.000Z'), state('s2', '2030-01-01T00:00:03.000Z')],
      [decision('d1', '2030-01-01T00:00:03.000Z', 's2'), decision('d2', '2030-01-01T00:00:02.000Z', null)],
    );
    expect(entries.map((e) => [e.state?.id ?? null, e.decisions.map((d) => d.id)])).toEqual([
      ['s1', []],
      [null, ['d2']],
      ['s2', ['d1']],
    ]);
  });
});
