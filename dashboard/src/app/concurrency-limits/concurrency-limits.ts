import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({ selector: 'rg-stub-ConcurrencyLimits', changeDetection: ChangeDetectionStrategy.OnPush, template: '<h1>ConcurrencyLimits</h1>' })
export class ConcurrencyLimits {}
