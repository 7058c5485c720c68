/**
 * Previous/next paging of a server-side list: "51–75 of 1,204". With `countLimit` (the `limit` the
 * total was counted with), a total that reached it is a lower bound: "51–75 of 10,000+".
 */
import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';

@Component({
  selector: 'rg-pager',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'pager' },
  template: `
    <span class="pager-range" aria-live="polite">{{ range() }}</span>
    <button type="button" class="btn btn-small" [disabled]="page() <= 1" (click)="pageChange.emit(page() - 1)">
      ‹ Previous
    </button>
    <button type="button" class="btn btn-small" [disabled]="page() >= pages()" (click)="pageChange.emit(page() + 1)">
      Next ›
    </button>
  `,
})
export class Pager {
  readonly page = input(1);
  readonly pageSize = input(25);
  readonly total = input<number | undefined>(undefined);
  readonly countLimit = input<number | undefined>(undefined);
  readonly pageChange = output<number>();

  /** The total is a lower bound: counting stopped at `countLimit`. */
  private readonly more = computed(() => {
    const limit = this.countLimit();
    return limit !== undefined && (this.total() ?? 0) >= limit;
  });
  protected readonly pages = computed(() => Math.max(1, Math.ceil((this.total() ?? 0) / this.pageSize())));
  protected readonly range = computed(() => {
    const total = this.total();
    if (total === undefined) return '';
    if (total === 0) return '0 results';
    const first = (this.page() - 1) * this.pageSize() + 1;
    const last = Math.min(total, this.page() * this.pageSize());
    const of = this.more() ? `${(this.countLimit()! - 1).toLocaleString('en')}+` : total.toLocaleString('en');
    return `${first.toLocaleString('en')}–${last.toLocaleString('en')} of ${of}`;
  });
}
