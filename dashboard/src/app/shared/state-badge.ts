/** A run's state as a coloured badge: the state name ("Late", "Retrying") on its type's colour. */
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { StateType } from '../core/models';
import { stateColor } from './state-colors';

@Component({
  selector: 'rg-state-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    class: 'state-badge',
    '[style.background]': 'color().bg',
    '[style.color]': 'color().text',
    '[attr.data-state]': 'type()',
    '[attr.title]': 'title()',
  },
  template: `<span class="state-dot" [style.background]="color().solid" aria-hidden="true"></span>{{ label() }}`,
})
export class StateBadge {
  readonly type = input<StateType | null | undefined>(null);
  readonly name = input<string | null | undefined>(null);
  readonly message = input<string | null | undefined>(null);

  protected readonly color = computed(() => stateColor(this.type()));
  protected readonly label = computed(() => this.name() ?? this.type() ?? 'No state');
  protected readonly title = computed(() => {
    const type = this.type();
    const detail = type && this.name() && this.name()!.toUpperCase() !== type ? ` (${type})` : '';
    return `${this.label()}${detail}${this.message() ? `: ${this.message()}` : ''}`;
  });
}
