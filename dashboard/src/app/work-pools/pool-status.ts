/** A work pool's or worker's status as a small badge (READY/ONLINE green, NOT_READY/OFFLINE red). */
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

const LABELS: Record<string, { text: string; tone: 'good' | 'bad' | 'idle' }> = {
  READY: { text: 'Ready', tone: 'good' },
  NOT_READY: { text: 'Not ready (no worker online)', tone: 'bad' },
  PAUSED: { text: 'Paused', tone: 'idle' },
  ONLINE: { text: 'Online', tone: 'good' },
  OFFLINE: { text: 'Offline', tone: 'bad' },
};

@Component({
  selector: 'rg-pool-status',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    :host {
      display: inline-flex;
      align-items: center;
      gap: 0.35rem;
      font-size: 0.85rem;
      font-weight: 600;
    }
    .dot {
      width: 0.55rem;
      height: 0.55rem;
      border-radius: 50%;
    }
    .good {
      background: #16a34a;
    }
    .bad {
      background: #dc2626;
    }
    .idle {
      background: #9ca3af;
    }
  `,
  template: `<span class="dot" [class]="label().tone" aria-hidden="true"></span>{{ label().text }}`,
})
export class PoolStatus {
  readonly status = input.required<string>();
  protected readonly label = computed(() => LABELS[this.status()] ?? { text: this.status(), tone: 'idle' as const });
}
