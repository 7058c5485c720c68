/**
 * Fresh databases for one benchmark repeat: a new SQLite file under os.tmpdir(), or a new PostgreSQL
 * database next to the one the admin URL names (`<admin db>_<suffix>`). Also the database-side count
 * of rows written, and the durability settings the numbers were measured with.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { ServerProcess } from './server';

export type BenchDialect = 'sqlite' | 'postgres';

export interface BenchDatabase {
  dialect: BenchDialect;
  url: string;
  /** An empty folder for the server's RIGEL_HOME. */
  home: string;
  /** Rows inserted, updated or deleted so far, as the database counts them. */
  rowsWritten(server: ServerProcess): Promise<number>;
  dispose(): Promise<void>;
}

export async function freshSqlite(): Promise<BenchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'rigel-bench-'));
  return {
    dialect: 'sqlite',
    url: `sqlite://${join(dir, 'rigel.db')}`,
    home: dir,
    async rowsWritten(server) {
      return (await server.stats()).sqliteTotalChanges ?? 0;
    },
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function databaseUrl(adminUrl: string, name: string, connectionOptions = ''): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  if (connectionOptions) url.searchParams.set('options', connectionOptions);
  return url.toString();
}

/** The `postgres` maintenance database of the admin URL's server: it exists even when `<admin db>` does not. */
export function maintenanceUrl(adminUrl: string): string {
  const url = new URL(adminUrl);
  url.pathname = '/postgres';
  return url.toString();
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Sum of the per-table row counters of the database (rows inserted, updated and deleted). */
async function pgRowCounters(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ n: string }>(
      'SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint AS n FROM pg_stat_user_tables',
    );
    return Number(rows[0]?.n ?? 0);
  });
}

const PG_STATS_POLL_MS = 200;

/**
 * A fresh database `<admin db>_<suffix>`; `connectionOptions` (e.g. `-c synchronous_commit=off`) go
 * into the server's URL as libpq `options`, for the server's connections only.
 */
export async function freshPostgres(adminUrl: string, suffix: string, connectionOptions = ''): Promise<BenchDatabase> {
  const adminDb = new URL(adminUrl).pathname.slice(1) || 'postgres';
  const name = `${adminDb}_${suffix}`.replace(/[^a-zA-Z0-9_]/g, '_');
  await withClient(maintenanceUrl(adminUrl), async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  });
  const url = databaseUrl(adminUrl, name, connectionOptions);
  const home = mkdtempSync(join(tmpdir(), 'rigel-bench-'));
  return {
    dialect: 'postgres',
    url,
    home,
    async rowsWritten(server) {
      await server.stats(); // makes the server's connections report their counts
      let previous = await pgRowCounters(url);
      for (let i = 0; i < 20; i++) {
        await new Promise((resolve) => setTimeout(resolve, PG_STATS_POLL_MS));
        const current = await pgRowCounters(url);
        if (current === previous) return current;
        previous = current;
      }
      return previous;
    },
    async dispose() {
      rmSync(home, { recursive: true, force: true });
      await withClient(maintenanceUrl(adminUrl), (client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
    },
  };
}

/** The settings that decide what a commit costs, as the server's connections see them. */
export async function durabilitySettings(
  dialect: BenchDialect,
  adminUrl: string,
  connectionOptions = '',
): Promise<Record<string, string>> {
  if (dialect === 'sqlite') return { journal_mode: 'wal', synchronous: 'NORMAL' };
  const url = new URL(maintenanceUrl(adminUrl));
  if (connectionOptions) url.searchParams.set('options', connectionOptions);
  return withClient(url.toString(), async (client) => {
    const names = [
      'synchronous_commit',
      'fsync',
      'wal_sync_method',
      'commit_delay',
      'shared_buffers',
      'server_version',
    ];
    const out: Record<string, string> = {};
    for (const name of names) {
      const { rows } = await client.query<Record<string, string>>(`SHOW ${name}`);
      out[name] = String(Object.values(rows[0] ?? {})[0] ?? '');
    }
    return out;
  });
}
