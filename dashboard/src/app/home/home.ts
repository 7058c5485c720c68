import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({ selector: 'rg-stub-Home', changeDetection: ChangeDetectionStrategy.OnPush, template: '<h1>Home</h1>' })
export class Home {}
