/** "Loading…" while a request runs and its error (with a Retry button) when it failed. */
import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import type { Query } from '../core/query';

@Component({
  selector: 'rg-request-status',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (query().error(); as error) {
      <div class="alert alert-error" role="alert">
        <strong>{{ what() }} could not be loaded.</strong> {{ error.message }}
        <button type="button" class="btn btn-small" (click)="query().run()">Retry</button>
      </div>
    } @else if (query().loading() && query().value() === undefined) {
      <p class="loading" role="status">Loading {{ what().toLowerCase() }}…</p>
    }
  `,
})
export class RequestStatus {
  readonly query = input.required<Query<unknown>>();
  readonly what = input('Data');
}
