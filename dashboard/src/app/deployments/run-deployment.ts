import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({ selector: 'rg-stub-RunDeployment', changeDetection: ChangeDetectionStrategy.OnPush, template: '<h1>RunDeployment</h1>' })
export class RunDeployment {}
