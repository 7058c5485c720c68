/**
 * Where the API is and the key it needs (Settings page). Kept in localStorage; the default API URL is
 * the server that served the dashboard.
 */
import { Injectable, signal } from '@angular/core';

const STORAGE_KEY = 'rigel.settings';

interface StoredSettings {
  apiUrl: string;
  apiKey: string;
}

function read(): StoredSettings {
  try {
    const parsed = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<StoredSettings>;
    return { apiUrl: parsed.apiUrl ?? '', apiKey: parsed.apiKey ?? '' };
  } catch {
    return { apiUrl: '', apiKey: '' };
  }
}

@Injectable({ providedIn: 'root' })
export class Settings {
  private readonly stored = signal(read());
  /** '' = the origin the dashboard was served from. */
  readonly apiUrl = () => this.stored().apiUrl;
  readonly apiKey = () => this.stored().apiKey;

  save(settings: StoredSettings): void {
    const clean = { apiUrl: settings.apiUrl.trim().replace(/\/+$/, ''), apiKey: settings.apiKey.trim() };
    localStorage.setItem(STORAGE_KEY, JSON.stringify(clean));
    this.stored.set(clean);
  }

  /** The base of REST calls, e.g. `http://127.0.0.1:4200/api` or `/api`. */
  apiBase(): string {
    return `${this.apiUrl()}/api`;
  }

  /** The events WebSocket URL (the key goes in `?token=`: browsers cannot set headers on a WebSocket). */
  eventsUrl(): string {
    const origin = this.apiUrl() || location.origin;
    const url = new URL(`${origin}/api/events`);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (this.apiKey()) url.searchParams.set('token', this.apiKey());
    return url.toString();
  }
}
