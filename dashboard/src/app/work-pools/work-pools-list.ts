import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({ selector: 'rg-stub-WorkPoolsList', changeDetection: ChangeDetectionStrategy.OnPush, template: '<h1>WorkPoolsList</h1>' })
export class WorkPoolsList {}
