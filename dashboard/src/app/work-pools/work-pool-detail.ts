import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({ selector: 'rg-stub-WorkPoolDetail', changeDetection: ChangeDetectionStrategy.OnPush, template: '<h1>WorkPoolDetail</h1>' })
export class WorkPoolDetail {}
