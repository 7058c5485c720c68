import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({ selector: 'rg-stub-TaskRunDetail', changeDetection: ChangeDetectionStrategy.OnPush, template: '<h1>TaskRunDetail</h1>' })
export class TaskRunDetail {}
