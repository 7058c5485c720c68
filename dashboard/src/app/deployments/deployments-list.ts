import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({ selector: 'rg-stub-DeploymentsList', changeDetection: ChangeDetectionStrategy.OnPush, template: '<h1>DeploymentsList</h1>' })
export class DeploymentsList {}
