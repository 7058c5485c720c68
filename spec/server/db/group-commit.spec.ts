import { expect } from 'chai';
import type { Database } from '@rigel/server';
import { freshDatabase, isPostgres } from '../../support/database';

describe('Database.transaction (grouped commits on SQLite)', () => {
  const insert = (key: string) =>
    `INSERT INTO "result" ("key", "created", "serializer", "data", "size") VALUES ('${key}', '2030-01-01 00:00:00.000', 's', 'd', 1)`;

  describe('when many transactions run at once', () => {
    it('commits each one that succeeds and rolls back only the one that throws', async () => {
      const db = await freshDatabase();
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          db.transaction(async (tx) => {
            await tx.execute(insert(`k${i}`));
            if (i === 7) throw new Error('boom');
            return i;
          }),
        ),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).to.have.length(19);
      expect(outcomes[7]).to.deep.include({ status: 'rejected' });
      const rows = await db.query<{ key: string }>(`SELECT "key" FROM "result" ORDER BY "key"`);
      expect(rows.map((r) => r.key))
        .to.have.length(19)
        .and.not.include('k7');
    });

    it('runs them one after another on SQLite (each sees what the earlier ones wrote); all commit on both', async () => {
      const db = await freshDatabase();
      const seen = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          db.transaction(async (tx) => {
            const before = await tx.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM "result"`);
            await tx.execute(insert(`s${i}`));
            return Number(before[0]!.n);
          }),
        ),
      );
      // PostgreSQL runs them concurrently (only locked rows serialise), so only SQLite sees a sequence.
      if (!isPostgres()) expect([...seen].sort((a, b) => a - b)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(await db.query(`SELECT COUNT(*) AS n FROM "result"`)).to.deep.equal([{ n: isPostgres() ? '10' : 10 }]);
    });
  });

  describe('when one caller runs transactions back to back for a while', () => {
    it('lets the event loop turn in between, so timers (heartbeats, log flushes) still run', async () => {
      const db = await freshDatabase();
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      try {
        // Nothing here waits for I/O on SQLite: without a turn of the loop the interval never fires.
        const started = performance.now();
        for (let i = 0; performance.now() - started < 400; i++) {
          await db.transaction((tx) => tx.execute(insert(`loop${i}`)));
        }
      } finally {
        clearInterval(timer);
      }
      expect(ticks).to.be.at.least(3);
    });
  });

  describe('when a transaction fails on a constraint', () => {
    it('rejects that caller with the error and keeps the others', async () => {
      const db = await freshDatabase();
      const results = await Promise.allSettled([
        db.transaction((tx) => tx.execute(insert('dup'))),
        db.transaction((tx) => tx.execute(insert('dup'))),
        db.transaction((tx) => tx.execute(insert('other'))),
      ]);
      // Which of the two duplicates wins is up to the database (PostgreSQL runs them concurrently).
      expect(results.slice(0, 2).map((r) => r.status)).to.have.members(['fulfilled', 'rejected']);
      expect(results[2]!.status).to.equal('fulfilled');
      expect(await db.query(`SELECT "key" FROM "result" ORDER BY "key"`)).to.deep.equal([
        { key: 'dup' },
        { key: 'other' },
      ]);
    });
  });

  describe('collectWrites (what a server turns on)', () => {
    /** The order in which ten transactions begun at once ran, around a setImmediate queued before them. */
    async function order(db: Database): Promise<string[]> {
      const seen: string[] = [];
      setImmediate(() => seen.push('end of the I/O phase'));
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          db.transaction(async (tx) => {
            seen.push(`tx${i}`);
            await tx.execute(insert(`c${i}`));
          }),
        ),
      );
      return seen;
    }

    afterEach(async () => {
      (await freshDatabase()).collectWrites = false;
    });

    it('begins the transactions of one turn of the event loop together, after its I/O phase', async () => {
      const db = await freshDatabase();
      db.collectWrites = true;
      const seen = await order(db);
      // PostgreSQL has no write groups: the flag changes nothing there.
      if (!isPostgres()) expect(seen[0]).to.equal('end of the I/O phase');
      expect(seen.filter((s) => s.startsWith('tx'))).to.have.length(10);
      expect(await db.query(`SELECT COUNT(*) AS n FROM "result"`)).to.deep.equal([{ n: isPostgres() ? '10' : 10 }]);
    });

    it('without it, begins the first transaction at once', async () => {
      const db = await freshDatabase();
      const seen = await order(db);
      // (PostgreSQL waits for a pooled connection first, so there the I/O phase always ends first.)
      if (!isPostgres()) expect(seen[0]).to.equal('tx0');
      expect(seen.filter((s) => s.startsWith('tx'))).to.have.length(10);
      expect(await db.query(`SELECT COUNT(*) AS n FROM "result"`)).to.deep.equal([{ n: isPostgres() ? '10' : 10 }]);
    });
  });
});
