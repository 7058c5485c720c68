/**
 * Ships run logs to the API in batches (`POST /api/logs`): every 500 ms, or at once when 200 lines are
 * queued; flushed when a flow run ends. A failing shipment is reported once on stderr and dropped —
 * logs never fail a run.
 */
import type { LogLine, OrchestrationClient } from '../client/types';

const BATCH = 200;
const INTERVAL_MS = 500;

export class LogShipper {
  private queue: LogLine[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> = Promise.resolve();
  private warned = false;

  constructor(private readonly client: OrchestrationClient) {}

  push(line: LogLine): void {
    this.queue.push(line);
    if (this.queue.length >= BATCH) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), INTERVAL_MS);
      this.timer.unref();
    }
  }

  /** Sends everything queued; resolves when it is stored (or dropped after an error). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.queue.length === 0) return this.inFlight;
    const batch = this.queue;
    this.queue = [];
    this.inFlight = this.inFlight.then(() =>
      this.client.sendLogs(batch).catch((error: unknown) => {
        if (this.warned) return;
        this.warned = true;
        process.stderr.write(
          `rigel: could not ship ${batch.length} log lines (${(error as Error).message}); they were printed only\n`,
        );
      }),
    );
    return this.inFlight;
  }
}
