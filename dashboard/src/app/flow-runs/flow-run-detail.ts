import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({ selector: 'rg-stub-FlowRunDetail', changeDetection: ChangeDetectionStrategy.OnPush, template: '<h1>FlowRunDetail</h1>' })
export class FlowRunDetail {}
