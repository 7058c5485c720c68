import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({ selector: 'rg-stub-DeploymentDetail', changeDetection: ChangeDetectionStrategy.OnPush, template: '<h1>DeploymentDetail</h1>' })
export class DeploymentDetail {}
