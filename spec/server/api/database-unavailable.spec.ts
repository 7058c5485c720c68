import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Client } from 'pg';
import { Database, loadSettings } from '@rigel/server';
import { startServer, type RunningServer } from '@rigel/server/server';
import { expectError } from '../../support/api';
import { isPostgres, testDatabaseUrl } from '../../support/database';
import { ApiClient } from '../../support/server';

/** A server over its own database (not the shared spec one), so the spec can take that database away. */
async function serverOn(db: Database): Promise<{ server: RunningServer; api: ApiClient }> {
  const settings = { ...loadSettings(), databaseUrl: db.url, eventsPollIntervalMs: 100 };
  const server = await startServer({ db, settings, host: '127.0.0.1', port: 0, log: () => undefined });
  return { server, api: new ApiClient(server.apiUrl) };
}

/** CREATE DATABASE copies template1 and fails while another session (another spec process) uses it. */
async function createDatabase(admin: Client, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.query(`CREATE DATABASE "${name}"`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

function expectUnavailable(res: Awaited<ReturnType<ApiClient['get']>>): void {
  expectError(res, 503, 'DATABASE_UNAVAILABLE');
  expect(res.headers.get('retry-after')).to.match(/^\d+$/);
}

describe('API when the database is unavailable', () => {
  if (isPostgres()) {
    describe('when PostgreSQL refuses connections', () => {
      const name = `rigel_spec_unavailable_${process.pid}`;
      let admin: Client;
      let db: Database;
      let running: { server: RunningServer; api: ApiClient };
      before(async () => {
        const adminUrl = new URL(testDatabaseUrl());
        adminUrl.pathname = '/postgres';
        admin = new Client({ connectionString: adminUrl.toString() });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await createDatabase(admin, name);
        const url = new URL(testDatabaseUrl());
        url.pathname = `/${name}`;
        db = await Database.open({ url: url.toString() });
        running = await serverOn(db);
      });
      after(async () => {
        await running?.server.stop();
        await db?.close();
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await admin.end();
      });

      const allowConnections = async (allow: boolean) => {
        await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS ${allow}`);
        if (!allow)
          await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
      };

      it('answers 503 DATABASE_UNAVAILABLE while it is gone and serves again once it is back', async () => {
        const { api } = running;
        expect((await api.post('/flows', { name: 'before' })).status).to.equal(201);
        await allowConnections(false);
        try {
          expectUnavailable(await api.get('/health'));
          expectUnavailable(await api.post('/flows', { name: 'during' }));
          expectUnavailable(await api.post('/flow-runs/filter', {}));
        } finally {
          await allowConnections(true);
        }
        expect((await api.get('/health')).status).to.equal(200);
        expect((await api.post('/flows', { name: 'after' })).status).to.equal(201);
        const names = (await api.post('/flows/filter', {})).body.map((f: { name: string }) => f.name);
        expect(names).to.deep.equal(['after', 'before']);
      });
    });
  } else {
    describe('when another connection holds the SQLite write lock', () => {
      let dir: string;
      let db: Database;
      let running: { server: RunningServer; api: ApiClient };
      let blocker: BetterSqlite3.Database;
      before(async () => {
        dir = mkdtempSync(join(tmpdir(), 'rigel-busy-'));
        db = await Database.open({ url: `sqlite://${join(dir, 'busy.db')}`, busyTimeoutMs: 20 });
        running = await serverOn(db);
        blocker = new BetterSqlite3(join(dir, 'busy.db'));
      });
      after(async () => {
        if (blocker.inTransaction) blocker.exec('ROLLBACK');
        blocker.close();
        await running?.server.stop();
        await db?.close();
        rmSync(dir, { recursive: true, force: true });
      });

      it('answers 503 DATABASE_UNAVAILABLE for a write past the busy timeout, still reads, and writes once released', async () => {
        const { api } = running;
        expect((await api.post('/flows', { name: 'before' })).status).to.equal(201);
        blocker.exec('BEGIN IMMEDIATE');
        try {
          const res = await api.post('/flows', { name: 'during' });
          expectUnavailable(res);
          expect(res.body.error.message).not.to.match(/database is locked/i);
          expect((await api.get('/health')).status).to.equal(200);
        } finally {
          blocker.exec('ROLLBACK');
        }
        expect((await api.post('/flows', { name: 'after' })).status).to.equal(201);
        const names = (await api.post('/flows/filter', {})).body.map((f: { name: string }) => f.name);
        expect(names).to.deep.equal(['after', 'before']);
      });
    });
  }
});
