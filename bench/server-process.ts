/**
 * A Rigel server in its own process, so the benchmark's clients and the server never share an event
 * loop. Configured through the usual RIGEL_* environment variables; prints its API URL as the first
 * line on stdout, answers `{ type: 'stats' }` over IPC with its peak RSS since the last question (and,
 * on SQLite, the connection's `total_changes()`), records a CPU profile between `{ type: 'profile-start' }`
 * and `{ type: 'profile-stop', file }`, and stops cleanly on SIGTERM or when the parent goes.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { PauseWatch, type PauseStats } from './lib/pauses';
import type { Pool } from 'pg';
import { startServer, type RunningServer } from '@rigel/server/server';

export interface ServerStatsMessage {
  type: 'stats';
  peakRssBytes: number;
  /** CPU time the server process has used so far (user + system), in microseconds. */
  cpuMicros: number;
  /** Of which in the kernel (system time: sockets, file writes), in microseconds. */
  systemCpuMicros: number;
  /** SQLite only: rows inserted, updated or deleted by the server's connection since it opened. */
  sqliteTotalChanges: number | null;
  /** Since the last question: how late the event loop ran (p99 and max, ms) and garbage-collection pauses. */
  pauses: PauseStats;
}

const RSS_SAMPLE_MS = 50;

type Db = RunningServer['services']['db'];

async function sqliteTotalChanges(db: Db): Promise<number> {
  return Number((await db.query<{ n: number }>('SELECT total_changes() AS n'))[0]?.n);
}

/**
 * PostgreSQL counts rows written per table, but a backend reports its counts only about once a second
 * (up to ten when idle). Ask every pooled connection to report now, so the parent reads settled counts.
 */
async function flushPostgresStats(db: Db): Promise<null> {
  const pool = (db.dataSource.driver as unknown as { master: Pool }).master;
  // The idle ones: a connection held for good (the scheduler's leader lease) writes no run rows.
  const clients = await Promise.all(Array.from({ length: pool.idleCount }, () => pool.connect()));
  try {
    await Promise.all(clients.map((client) => client.query('SELECT pg_stat_force_next_flush()')));
  } finally {
    for (const client of clients) client.release();
  }
  return null;
}

/** CPU profiles of chosen phases (the bench's --profile-dir), in the .cpuprofile format of --cpu-prof. */
class Profiler {
  private readonly session = new Session();

  constructor() {
    this.session.connect();
  }

  private post(method: string): Promise<unknown> {
    return new Promise((resolve, reject) =>
      this.session.post(method, (error, result) => (error ? reject(error) : resolve(result))),
    );
  }

  async start(): Promise<void> {
    await this.post('Profiler.enable');
    await this.post('Profiler.start');
  }

  async stop(file: string): Promise<void> {
    const { profile } = (await this.post('Profiler.stop')) as { profile: unknown };
    writeFileSync(file, JSON.stringify(profile));
  }
}

async function main(): Promise<void> {
  const server = await startServer({ host: '127.0.0.1', port: 0 });
  const db = server.services.db;
  let peakRss = process.memoryUsage.rss();
  const pauses = new PauseWatch();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), RSS_SAMPLE_MS);
  sampler.unref();

  const profiler = new Profiler();
  process.on('message', (message: { type?: string; file?: string }) => {
    if (message?.type === 'profile-start') void profiler.start().then(() => process.send?.({ type: 'profile' }));
    if (message?.type === 'profile-stop') {
      void profiler.stop(message.file!).then(() => process.send?.({ type: 'profile' }));
    }
    if (message?.type !== 'stats') return;
    void (async () => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      const changes = db.dialect === 'sqlite' ? await sqliteTotalChanges(db) : await flushPostgresStats(db);
      const cpu = process.cpuUsage();
      const reply: ServerStatsMessage = {
        type: 'stats',
        peakRssBytes: peakRss,
        cpuMicros: cpu.user + cpu.system,
        systemCpuMicros: cpu.system,
        sqliteTotalChanges: changes,
        pauses: pauses.take(),
      };
      peakRss = process.memoryUsage.rss();
      process.send?.(reply);
    })();
  });

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.on('disconnect', () => void stop());
  process.stdout.write(`${server.apiUrl}\n`);
}

main().catch((error: unknown) => {
  console.error('[bench server] failed to start:', error);
  process.exit(1);
});
