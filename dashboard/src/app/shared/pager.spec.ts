import { TestBed } from '@angular/core/testing';
import { Pager } from './pager';

async function render(inputs: Record<string, unknown>): Promise<HTMLElement> {
  const fixture = TestBed.createComponent(Pager);
  for (const [name, value] of Object.entries(inputs)) fixture.componentRef.setInput(name, value);
  await fixture.whenStable();
  return fixture.nativeElement as HTMLElement;
}

describe('Pager', () => {
  it('shows the exact total below the count limit', async () => {
    const host = await render({ page: 2, pageSize: 25, total: 1204, countLimit: 10_001 });
    expect(host.querySelector('.pager-range')?.textContent?.trim()).toBe('26–50 of 1,204');
  });

  it('shows a total that reached the count limit as a lower bound, and keeps Next enabled', async () => {
    const host = await render({ page: 400, pageSize: 25, total: 10_001, countLimit: 10_001 });
    expect(host.querySelector('.pager-range')?.textContent?.trim()).toBe('9,976–10,000 of 10,000+');
    const next = [...host.querySelectorAll('button')].find((b) => b.textContent?.includes('Next'))!;
    expect(next.disabled).toBe(false);
  });
});
