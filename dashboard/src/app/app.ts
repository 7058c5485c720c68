/** The shell: navigation, the live-connection indicator, and the routed page. */
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { LiveEvents } from './core/live-events';

@Component({
  selector: 'rg-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet, RouterLink, RouterLinkActive],
  templateUrl: './app.html',
})
export class App {
  protected readonly live = inject(LiveEvents);
  protected readonly links = [
    { path: '/', label: 'Overview', exact: true },
    { path: '/flow-runs', label: 'Flow runs', exact: false },
    { path: '/flows', label: 'Flows', exact: false },
    { path: '/deployments', label: 'Deployments', exact: false },
    { path: '/work-pools', label: 'Work pools', exact: false },
    { path: '/concurrency-limits', label: 'Concurrency', exact: false },
    { path: '/settings', label: 'Settings', exact: false },
  ];
}
