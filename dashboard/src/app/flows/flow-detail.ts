import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({ selector: 'rg-stub-FlowDetail', changeDetection: ChangeDetectionStrategy.OnPush, template: '<h1>FlowDetail</h1>' })
export class FlowDetail {}
