/**
 * S6 (performance.md): the dashboard against 1,000,000 flow runs. Populates a database with the S6
 * data set (populate.ts), starts the real server on it in its own process, times every request the
 * dashboard sends to render its pages (requests.ts), then the first render of each page in headless
 * Chromium (browser.ts).
 *
 * With `--s6-keep` the populated database is kept (a SQLite file under os.tmpdir(), or the PostgreSQL
 * database `<admin db>_s6_<runs>`) and reused by the next run with the same `--s6-runs`; new migrations
 * are applied to it before the server starts (timed), so a change of indexes can be measured without
 * populating again.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { Database } from '@rigel/server';
import { freshPostgres, freshSqlite, maintenanceUrl, type BenchDialect } from '../lib/databases';
import { startServerProcess } from '../lib/server';
import { timeFirstRenders, type PageRender } from './browser';
import { populate, type S6Fixture } from './populate';
import { dashboardRequests, timeRequests, type RequestTiming } from './requests';

export interface S6Options {
  dialects: BenchDialect[];
  runs: number;
  postgresUrl: string;
  repeats: number;
  loads: number;
  keep: boolean;
  browser: boolean;
  log: (line: string) => void;
}

export interface S6Result {
  dialect: BenchDialect;
  runs: number;
  populateSeconds: number | null;
  migrateSeconds: number;
  rows: Record<string, number>;
  requests: RequestTiming[];
  renders: PageRender[];
}

/** The reported targets: a list request p50 ≤ 20 ms and p99 ≤ 100 ms, a graph ≤ 300 ms, a page < 1 s. */
export const S6_TARGETS = { listP50Ms: 20, listP99Ms: 100, graphMs: 300, firstRenderMs: 1000 };

interface S6Database {
  url: string;
  home: string;
  fixture: S6Fixture | null;
  saveFixture(fixture: S6Fixture): void;
  dispose(): Promise<void>;
}

async function pgDatabaseExists(adminUrl: string, name: string): Promise<boolean> {
  // Through the maintenance database: `<admin db>` itself need not exist (the bench creates its own).
  const client = new Client({ connectionString: maintenanceUrl(adminUrl) });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rows.length > 0;
  } finally {
    await client.end();
  }
}

/** A kept database: reused when its fixture file says it was fully populated. */
async function keptDatabase(dialect: BenchDialect, adminUrl: string, runs: number): Promise<S6Database> {
  const dir = join(tmpdir(), 'rigel-bench-s6');
  mkdirSync(dir, { recursive: true });
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  const fixtureFile = join(dir, `${dialect}-${runs}.json`);
  const load = () => (existsSync(fixtureFile) ? (JSON.parse(readFileSync(fixtureFile, 'utf8')) as S6Fixture) : null);
  const base = { home, saveFixture: (f: S6Fixture) => writeFileSync(fixtureFile, JSON.stringify(f)) };
  if (dialect === 'sqlite') {
    const file = join(dir, `sqlite-${runs}.db`);
    let fixture = load();
    if (!fixture || !existsSync(file)) {
      fixture = null;
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    }
    return { ...base, url: `sqlite://${file}`, fixture, dispose: async () => undefined };
  }
  const adminDb = new URL(adminUrl).pathname.slice(1) || 'postgres';
  const name = `${adminDb}_s6_${runs}`;
  let fixture = load();
  if (!fixture || !(await pgDatabaseExists(adminUrl, name))) {
    fixture = null;
    const fresh = await freshPostgres(adminUrl, `s6_${runs}`);
    return { ...base, url: fresh.url, fixture, dispose: async () => undefined };
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { ...base, url: url.toString(), fixture, dispose: async () => undefined };
}

async function freshDatabase(dialect: BenchDialect, adminUrl: string): Promise<S6Database> {
  const db = dialect === 'sqlite' ? await freshSqlite() : await freshPostgres(adminUrl, 's6');
  return { url: db.url, home: db.home, fixture: null, saveFixture: () => undefined, dispose: () => db.dispose() };
}

/** The most common run tag of the busiest flows, and a word of the readable run names. */
function filterValues(fixture: S6Fixture): { tag: string; search: string } {
  return { tag: fixture.tag, search: 'otter' };
}

export async function runS6(options: S6Options): Promise<S6Result[]> {
  const results: S6Result[] = [];
  for (const dialect of options.dialects) {
    const log = options.log;
    log(`S6 ${dialect}: ${options.runs.toLocaleString('en-US')} flow runs`);
    const db = options.keep
      ? await keptDatabase(dialect, options.postgresUrl, options.runs)
      : await freshDatabase(dialect, options.postgresUrl);
    try {
      let fixture = db.fixture;
      let populateSeconds: number | null = null;
      if (fixture) {
        log(`  S6 ${dialect}: reusing the populated database ${db.url}`);
      } else {
        fixture = await populate({ dialect, url: db.url, runs: options.runs, log });
        populateSeconds = fixture.populateSeconds;
        db.saveFixture(fixture);
      }
      const t0 = performance.now();
      const migrated = await Database.open({ url: db.url });
      await migrated.close();
      const migrateSeconds = (performance.now() - t0) / 1000;
      log(`  S6 ${dialect}: migrations applied in ${migrateSeconds.toFixed(1)} s`);
      // The populated Running runs have no process heartbeating them: keep the crashed-run detection
      // from moving them to Crashed while the dashboard is measured.
      const server = await startServerProcess({
        databaseUrl: db.url,
        home: db.home,
        env: { RIGEL_HEARTBEAT_INTERVAL_SECONDS: '86400' },
      });
      try {
        // Let the background services make their first pass (the scheduler tops up schedules).
        await new Promise((resolve) => setTimeout(resolve, 3000));
        const { tag, search } = filterValues(fixture);
        log(`  S6 ${dialect}: requests (${options.repeats} repeats each)`);
        const requests = await timeRequests(
          server.apiUrl,
          dashboardRequests(fixture, tag, search),
          options.repeats,
          log,
        );
        const renders = options.browser
          ? await timeFirstRenders(server.apiUrl.replace(/\/api$/, ''), fixture, options.loads, log)
          : [];
        results.push({
          dialect,
          runs: fixture.runs,
          populateSeconds,
          migrateSeconds,
          rows: fixture.rows,
          requests,
          renders,
        });
      } finally {
        await server.stop();
      }
    } finally {
      await db.dispose();
    }
  }
  return results;
}

const DB_LABEL: Record<BenchDialect, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

/** Markdown tables: per request p50/p99, and first render per page. */
export function formatS6(results: S6Result[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(
      `S6 ${DB_LABEL[r.dialect]}: ${r.runs.toLocaleString('en-US')} flow runs` +
        (r.populateSeconds === null ? ' (reused database)' : `, populated in ${r.populateSeconds.toFixed(0)} s`) +
        `; migrations ${r.migrateSeconds.toFixed(1)} s`,
      '',
      '| page | request | p50 ms | p99 ms | answer |',
      '| --- | --- | ---: | ---: | --- |',
    );
    for (const q of r.requests) {
      lines.push(`| ${q.page} | ${q.label} | ${q.p50.toFixed(1)} | ${q.p99.toFixed(1)} | ${q.answer} |`);
    }
    if (r.renders.length) {
      lines.push(
        '',
        '| page | first render ms (new context) | with the bundle cached ms | loads (new context) ms | waits for |',
        '| --- | ---: | ---: | --- | --- |',
      );
      for (const p of r.renders) {
        const page = p.page.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/, ':id');
        lines.push(
          `| ${page} | ${p.medianMs.toFixed(0)} | ${p.warmMedianMs.toFixed(0)} | ${p.loadsMs.map((ms) => ms.toFixed(0)).join(', ')} | ${p.what} |`,
        );
      }
    }
    lines.push('');
  }
  return lines.join('\n');
}
