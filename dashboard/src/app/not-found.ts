import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';

@Component({
  selector: 'rg-not-found',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `<h1>Page not found</h1>
    <p>Nothing lives at this address. <a routerLink="/">Go to the overview</a>.</p>`,
})
export class NotFound {}
