/**
 * PostgreSQL only: a dedicated connection (not from the pool: LISTEN holds it) that LISTENs on the
 * changes channel and wakes the change feed when another process notifies. If the connection drops it
 * reconnects with a growing delay, and asks for a poll once connected again to cover the gap.
 */
import { Client } from 'pg';
import { CHANGES_CHANNEL } from './change-notifier';

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5000;
export const LISTENER_APPLICATION_NAME = 'rigel-change-listener';

export interface ChangeListenerOptions {
  url: string;
  /** Notifications carrying this payload come from this process and are ignored. */
  origin: string;
  /** Another process committed a change (or the connection was re-established). */
  onChange: () => void;
}

export class ChangeListener {
  private client: Client | null = null;
  private stopped = false;
  private retryMs = FIRST_RETRY_MS;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: ChangeListenerOptions) {}

  /** Whether LISTEN is currently active. */
  get connected(): boolean {
    return this.client !== null;
  }

  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    this.retryTimer = null;
    if (this.stopped) return;
    const client = new Client({ connectionString: this.options.url, application_name: LISTENER_APPLICATION_NAME });
    let gone = false;
    const drop = () => {
      if (gone) return;
      gone = true;
      if (this.client === client) this.client = null;
      client.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    client.on('error', drop);
    client.on('end', drop);
    client.on('notification', (message) => {
      if (message.payload !== this.options.origin) this.options.onChange();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch {
      return drop();
    }
    if (gone) return;
    if (this.stopped) {
      gone = true;
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = FIRST_RETRY_MS;
    this.options.onChange();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }
}
