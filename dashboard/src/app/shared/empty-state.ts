/** What an empty list says: what it would show, and what a newcomer can do next (projected content). */
import { ChangeDetectionStrategy, Component, input } from '@angular/core';

@Component({
  selector: 'rg-empty-state',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'empty-state' },
  template: `<h3>{{ heading() }}</h3>
    <ng-content />`,
})
export class EmptyState {
  readonly heading = input.required<string>();
}
