/**
 * A background service loop: `runOnce(now)` does one pass (specs call it directly with a pinned
 * time); `start()` runs it every `intervalSeconds` until `stop()`. A failing pass is logged and the
 * loop goes on (the database may be briefly unavailable).
 */
export abstract class LoopService {
  abstract readonly name: string;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    protected readonly intervalSeconds: number,
    protected readonly log: (message: string, error?: unknown) => void = (m, e) =>
      console.error(`[rigel] ${m}`, e ?? ''),
  ) {}

  abstract runOnce(now?: Date): Promise<unknown>;

  start(): void {
    if (this.timer) return;
    const tick = () => {
      if (this.running) return;
      this.running = this.runOnce()
        .catch((error: unknown) => this.log(`${this.name} failed; retrying in ${this.intervalSeconds} s`, error))
        .finally(() => (this.running = null));
    };
    tick();
    this.timer = setInterval(tick, this.intervalSeconds * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
