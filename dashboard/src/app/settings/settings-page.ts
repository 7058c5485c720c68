import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({ selector: 'rg-stub-SettingsPage', changeDetection: ChangeDetectionStrategy.OnPush, template: '<h1>SettingsPage</h1>' })
export class SettingsPage {}
