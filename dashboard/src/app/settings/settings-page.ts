/** Where the dashboard finds the API, and the API key when the server requires one (sent as Bearer). */
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { ApiClient } from '../core/api-client';
import { ApiError } from '../core/api-error';
import { LiveEvents } from '../core/live-events';
import { Settings } from '../core/settings';

@Component({
  selector: 'rg-settings-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>Settings</h1>
    <p class="muted">Kept in this browser only.</p>
    <form class="card settings-form" aria-label="API connection" (submit)="$event.preventDefault(); save()">
      <div class="field">
        <label for="api-url">API URL</label>
        <input
          id="api-url"
          type="url"
          [value]="apiUrl()"
          (input)="apiUrl.set($any($event.target).value)"
          [placeholder]="origin"
        />
        <span class="field-help">Leave empty to use the server that serves this dashboard ({{ origin }}).</span>
      </div>
      <div class="field">
        <label for="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autocomplete="off"
          [value]="apiKey()"
          (input)="apiKey.set($any($event.target).value)"
        />
        <span class="field-help"
          >Only needed when the server was started with RIGEL_API_KEY; sent as <code>Authorization: Bearer</code>.</span
        >
      </div>
      <div class="actions">
        <button type="submit" class="btn btn-primary">Save and test</button>
      </div>
    </form>
    @if (result(); as r) {
      <div class="alert" [class.alert-success]="r.ok" [class.alert-error]="!r.ok" role="status">{{ r.text }}</div>
    }
  `,
})
export class SettingsPage {
  private readonly settings = inject(Settings);
  private readonly api = inject(ApiClient);
  private readonly live = inject(LiveEvents);
  protected readonly origin = location.origin;
  protected readonly apiUrl = signal(this.settings.apiUrl());
  protected readonly apiKey = signal(this.settings.apiKey());
  protected readonly result = signal<{ ok: boolean; text: string } | null>(null);

  protected save(): void {
    this.settings.save({ apiUrl: this.apiUrl(), apiKey: this.apiKey() });
    this.live.restart();
    this.result.set(null);
    this.api.countFlows({}).subscribe({
      next: (flows) => this.result.set({ ok: true, text: `Saved. Connected: the server answers (${flows} flows).` }),
      error: (e: unknown) =>
        this.result.set({ ok: false, text: `Saved, but the server does not answer: ${ApiError.from(e).message}` }),
    });
  }
}
