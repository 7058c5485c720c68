/**
 * Where a process's time stalls: how late its event loop ran (perf_hooks' event-loop delay histogram)
 * and how long garbage collection stopped it. Read and reset with `take()`; the S4 paced parts print
 * these for the server and the clients, to tell a slow server from a slow client in a latency tail.
 */
import { monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks';

export interface PauseStats {
  /** Event-loop delay, ms. */
  loopP99Ms: number;
  loopMaxMs: number;
  /** Garbage-collection pauses, ms. */
  gcMaxMs: number;
  gcTotalMs: number;
}

export class PauseWatch {
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 1 });
  private readonly gc: PerformanceObserver;
  private gcMax = 0;
  private gcTotal = 0;

  constructor() {
    this.loop.enable();
    this.gc = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        this.gcMax = Math.max(this.gcMax, entry.duration);
        this.gcTotal += entry.duration;
      }
    });
    this.gc.observe({ entryTypes: ['gc'] });
  }

  /** The pauses since the last call (or since the watch began). */
  take(): PauseStats {
    const stats = {
      loopP99Ms: this.loop.percentile(99) / 1e6,
      loopMaxMs: this.loop.max / 1e6,
      gcMaxMs: this.gcMax,
      gcTotalMs: this.gcTotal,
    };
    this.loop.reset();
    this.gcMax = 0;
    this.gcTotal = 0;
    return stats;
  }

  stop(): void {
    this.loop.disable();
    this.gc.disconnect();
  }
}

/** "p99/max ms, GC max/total ms" for a log line or a table cell. */
export function pauseText(p: PauseStats): string {
  return `${p.loopP99Ms.toFixed(1)}/${p.loopMaxMs.toFixed(1)} ms (GC max ${p.gcMaxMs.toFixed(1)}, total ${p.gcTotalMs.toFixed(0)} ms)`;
}
