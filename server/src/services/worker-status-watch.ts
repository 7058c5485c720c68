/**
 * A worker goes OFFLINE when its heartbeats stop, which writes nothing. While anyone listens to live
 * events, this watch knows when each worker that may be online goes offline (read once from the
 * workers that heartbeat recently, then from every `worker.updated` event, local or from the change
 * feed), waits for the earliest of those moments with one timer, re-reads the workers due, and
 * publishes those now OFFLINE as `worker.updated` together with their pool (whose status may now be
 * NOT_READY). Such an event's `occurred` is the moment the worker went offline, the same in every
 * process: each API process runs its own watch for its own subscribers, and nothing is written or
 * notified. A worker found still online (a heartbeat that was not published) is simply watched on.
 */
import type { Subscription } from 'rxjs';
import type { Clock } from '../orchestration/clock';
import type { EventBus, RigelEvent } from './events';
import { offlineAt, onlineWorkersSince, type ApiWorker, type WorkPoolsService } from './work-pools.service';

/** The timer never fires more often than this (a fake clock that stands still cannot spin it). */
const MIN_WAIT_MS = 50;
/** After a failed read (database unavailable), the watch tries again this much later. */
const RETRY_MS = 1000;
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export class WorkerStatusWatch {
  /** Worker id → when it goes offline (ms, server clock). */
  private readonly due = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private timerAt: number | null = null;
  private subscription: Subscription | null = null;
  private running = false;

  constructor(
    private readonly events: EventBus,
    private readonly workPools: WorkPoolsService,
    private readonly clock: Clock,
  ) {}

  /** How many workers are watched (specs and diagnostics). */
  get watched(): number {
    return this.due.size;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.subscription = this.events.events$.subscribe((event) => {
      if (event.type === 'worker.updated') this.track(event.payload as ApiWorker);
    });
    void this.load();
  }

  stop(): void {
    this.running = false;
    this.subscription?.unsubscribe();
    this.subscription = null;
    this.clearTimer();
    this.due.clear();
  }

  private async load(): Promise<void> {
    try {
      const workers = await this.workPools.recentWorkers(onlineWorkersSince(this.clock().getTime()));
      for (const worker of workers) this.track(worker);
    } catch {
      if (this.running) this.wait(RETRY_MS, () => void this.load());
    }
  }

  private track(worker: ApiWorker): void {
    if (!this.running) return;
    if (worker.status === 'ONLINE')
      this.due.set(worker.id, offlineAt(new Date(worker.lastHeartbeatTime), worker.heartbeatIntervalSeconds));
    else this.due.delete(worker.id);
    this.schedule();
  }

  private schedule(): void {
    if (!this.running) return;
    if (this.due.size === 0) return this.clearTimer();
    const next = Math.min(...this.due.values());
    if (this.timer && this.timerAt === next) return;
    // A worker is online up to and including its offline moment: check just after it.
    this.wait(next + 1 - this.clock().getTime(), () => void this.check(), next);
  }

  private wait(ms: number, then: () => void, at: number | null = null): void {
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.timerAt = null;
        then();
      },
      Math.min(MAX_TIMEOUT_MS, Math.max(MIN_WAIT_MS, ms)),
    );
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = null;
  }

  /** Publishes the watched workers that are OFFLINE by now (the timer calls it; specs may too). */
  async check(): Promise<void> {
    if (!this.running) return;
    const now = this.clock().getTime();
    const ids = [...this.due].filter(([, at]) => at < now).map(([id]) => id);
    try {
      const workers = ids.length ? await this.workPools.workersByIds(ids) : [];
      const found = new Set(workers.map((w) => w.id));
      for (const id of ids) if (!found.has(id)) this.due.delete(id); // deleted with its pool
      const pools = new Map<string, string>();
      for (const worker of workers) {
        const at = offlineAt(new Date(worker.lastHeartbeatTime), worker.heartbeatIntervalSeconds);
        if (worker.status === 'ONLINE') {
          this.due.set(worker.id, at);
          continue;
        }
        this.due.delete(worker.id);
        const occurred = new Date(at).toISOString();
        this.publish({ type: 'worker.updated', occurred, flowRunId: null, payload: worker });
        if ((pools.get(worker.workPoolId) ?? '') < occurred) pools.set(worker.workPoolId, occurred);
      }
      if (pools.size) {
        for (const pool of await this.workPools.poolsByIds([...pools.keys()])) {
          this.publish({ type: 'work-pool.updated', occurred: pools.get(pool.id)!, flowRunId: null, payload: pool });
        }
      }
    } catch {
      if (this.running) return this.wait(RETRY_MS, () => void this.check());
    }
    this.schedule();
  }

  /** Published as read from the database: every process decides the same for its own subscribers. */
  private publish(event: RigelEvent): void {
    this.events.publish(event, 'feed');
  }
}
