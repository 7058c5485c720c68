import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '@rigel/server';

describe('WalCheckpointer', () => {
  let dir: string;
  let db: Database;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rigel-wal-'));
    db = await Database.open({ url: `sqlite://${join(dir, 'rigel.db')}` });
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('when a SQLite database receives commits', () => {
    it('copies them into the database file from its worker thread', async () => {
      const file = join(dir, 'rigel.db');
      await db.query('SELECT 1');
      const before = statSync(file).size;
      // Well under the writer's own automatic-checkpoint threshold: only the worker copies these pages.
      const text = 'x'.repeat(2000);
      for (let i = 0; i < 200; i++) {
        await db.transaction((tx) =>
          tx.execute(`INSERT INTO "flow" ("id", "created", "updated", "name", "tags") VALUES (?, ?, ?, ?, ?)`, [
            `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`,
            '2030-01-01 00:00:00.000',
            '2030-01-01 00:00:00.000',
            `${text}-${i}`,
            '[]',
          ]),
        );
      }
      const deadline = Date.now() + 5000;
      while (statSync(file).size <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(statSync(file).size).to.be.greaterThan(before + 200 * 2000);
    });
  });

  describe('when the database is closed', () => {
    it('closes the worker connection first, so the last close removes the WAL file', async () => {
      await db.query('SELECT 1');
      expect(existsSync(join(dir, 'rigel.db-wal'))).to.equal(true);
      await db.close();
      expect(existsSync(join(dir, 'rigel.db-wal'))).to.equal(false);
    });
  });
});
