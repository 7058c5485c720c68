import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({ selector: 'rg-stub-FlowsList', changeDetection: ChangeDetectionStrategy.OnPush, template: '<h1>FlowsList</h1>' })
export class FlowsList {}
