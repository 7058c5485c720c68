import { expect } from 'chai';
import type { Database, Tx } from '@rigel/server';
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

/**
 * `transaction(fn, { group })` with `collectWrites` (a server): on PostgreSQL the transactions of one
 * I/O phase that lock distinct rows of one class share one transaction and one COMMIT; on SQLite the
 * option changes nothing (its write groups above apply). Either way each caller sees its transaction
 * behave as if it ran alone, after the ones before it.
 */
describe('Database.transaction with a group (PostgreSQL group commit)', () => {
  const insert = `INSERT INTO "result" ("key", "created", "serializer", "data", "size") VALUES (?, '2030-01-01 00:00:00.000', 's', 'd', ?)`;
  let db: Database;

  beforeEach(async () => {
    db = await freshDatabase();
    db.collectWrites = true;
  });
  afterEach(() => {
    db.collectWrites = false;
  });

  async function rows(keys: string[], size = 0): Promise<void> {
    await db.transaction(async (tx) => {
      for (const key of keys) await tx.execute(insert, [key, size]);
    });
  }

  async function sizes(): Promise<Record<string, number>> {
    const found = await db.query<{ key: string; size: unknown }>(`SELECT "key", "size" FROM "result" ORDER BY "key"`);
    return Object.fromEntries(found.map((r) => [r.key, Number(r.size)]));
  }

  /** Locks `key`'s row (the first statement), then runs `then`. */
  function locking<T>(key: string, then: (tx: Tx, size: number) => Promise<T> | T): Promise<T> {
    return db.transaction(
      async (tx) => {
        const found = await tx.query<{ size: unknown }>(`SELECT "size" FROM "result" WHERE "key" = ?${tx.forUpdate}`, [
          key,
        ]);
        return then(tx, Number(found[0]!.size));
      },
      { group: `result:${key}` },
    );
  }

  it('shares one transaction between the transactions of distinct rows on PostgreSQL, and gives each its answer', async () => {
    const keys = Array.from({ length: 12 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    await rows(keys);
    const answers = await Promise.all(
      [...keys, 'k03'].map((key, i) =>
        locking(key, async (tx, size) => {
          tx.send(`UPDATE "result" SET "size" = ? WHERE "key" = ?`, [size + 1, key]);
          const txid = isPostgres() ? (await tx.query<{ id: string }>(`SELECT txid_current() AS id`))[0]!.id : '';
          return { i, key, size, txid };
        }),
      ),
    );
    expect(answers.map((a) => a.i)).to.deep.equal(Array.from({ length: 13 }, (_, i) => i));
    expect(await sizes()).to.deep.equal({ ...Object.fromEntries(keys.map((k) => [k, 1])), k03: 2 });
    // The two transactions of k03 ran one after the other (either may go first): one saw the other's write.
    const k03 = answers.filter((a) => a.key === 'k03');
    expect(k03.map((a) => a.size).sort()).to.deep.equal([0, 1]);
    if (isPostgres()) {
      const others = answers.filter((a) => a.key !== 'k03');
      expect(new Set(others.map((a) => a.txid)).size).to.equal(1);
      expect(new Set(k03.map((a) => a.txid)).size).to.equal(2);
      expect(k03.map((a) => a.txid)).to.include(others[0]!.txid);
    }
  });

  it('runs the members one after another after their first statement: none loses another’s update', async () => {
    const keys = Array.from({ length: 10 }, (_, i) => `m${i}`);
    await rows([...keys, 'shared']);
    // Every member also updates one shared row, read with a lock after its own: each sees the earlier ones'.
    const seen = await Promise.all(
      [...keys, ...keys].map((key) =>
        locking(key, async (tx, size) => {
          const shared = await tx.query<{ size: unknown }>(
            `SELECT "size" FROM "result" WHERE "key" = 'shared'${tx.forUpdate}`,
          );
          const count = Number(shared[0]!.size);
          tx.send(`UPDATE "result" SET "size" = ? WHERE "key" = 'shared'`, [count + 1]);
          tx.send(`UPDATE "result" SET "size" = ? WHERE "key" = ?`, [size + 1, key]);
          return count;
        }),
      ),
    );
    expect([...seen].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i));
    expect(await sizes()).to.deep.equal({ ...Object.fromEntries(keys.map((k) => [k, 2])), shared: 20 });
  });

  it('rejects a member that fails having only read, alone: the others commit, each run once', async () => {
    const keys = ['a', 'b', 'c', 'd', 'e'];
    await rows(keys);
    const calls: Record<string, number> = {};
    const outcomes = await Promise.allSettled(
      keys.map((key) =>
        locking(key, (tx, size) => {
          calls[key] = (calls[key] ?? 0) + 1;
          if (key === 'c') throw new Error('no such thing');
          tx.send(`UPDATE "result" SET "size" = ? WHERE "key" = ?`, [size + 1, key]);
          return key;
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).to.deep.equal([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect((outcomes[2] as PromiseRejectedResult).reason.message).to.equal('no such thing');
    expect(await sizes()).to.deep.equal({ a: 1, b: 1, c: 0, d: 1, e: 1 });
    expect(calls).to.deep.equal({ a: 1, b: 1, c: 1, d: 1, e: 1 });
  });

  it('rolls the group back when a member fails after writing, and runs the others again alone', async () => {
    const keys = ['a', 'b', 'c', 'd'];
    await rows(keys);
    const calls: Record<string, number> = {};
    const outcomes = await Promise.allSettled(
      keys.map((key) =>
        locking(key, (tx, size) => {
          calls[key] = (calls[key] ?? 0) + 1;
          tx.send(`UPDATE "result" SET "size" = ? WHERE "key" = ?`, [size + 1, key]);
          if (key === 'b') throw new Error('changed its mind');
          return key;
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(await sizes()).to.deep.equal({ a: 1, b: 0, c: 1, d: 1 });
    // PostgreSQL ran every member twice (in the group, then alone); SQLite rolled back b's savepoint only.
    const twice = isPostgres() ? 2 : 1;
    expect(calls).to.deep.equal({ a: twice, b: twice, c: twice, d: twice });
  });

  it('rejects the member whose write fails with that error (not “transaction aborted”), and commits the others', async () => {
    await rows(['a', 'b', 'c', 'taken']);
    const outcomes = await Promise.allSettled(
      ['a', 'b', 'c'].map((key) =>
        locking(key, (tx, size) => {
          tx.send(`UPDATE "result" SET "size" = ? WHERE "key" = ?`, [size + 1, key]);
          if (key === 'b') tx.send(insert, ['taken', 9]); // a unique violation, raised at COMMIT
          return key;
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
    const reason = (outcomes[1] as PromiseRejectedResult).reason as Error;
    expect(reason.message).to.match(/unique|UNIQUE/);
    expect(reason.message).to.not.match(/aborted/);
    expect(await sizes()).to.deep.equal({ a: 1, b: 0, c: 1, taken: 0 });
  });

  it('leaves every pooled connection usable, one statement at a time, after groups that failed', async () => {
    await rows(['a', 'b']);
    await Promise.allSettled(
      ['a', 'b'].map((key) =>
        locking(key, (tx) => {
          tx.send(`UPDATE "result" SET "size" = 1 WHERE "key" = ?`, [key]);
          tx.send(insert, [key, 2]); // its own key again: a unique violation
        }),
      ),
    );
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => db.query<{ n: unknown }>(`SELECT ? AS n`, [String(i)])),
    );
    expect(answers.map((a) => String(a[0]!.n))).to.deep.equal(Array.from({ length: 30 }, (_, i) => String(i)));
    expect(await sizes()).to.deep.equal({ a: 0, b: 0 });
  });
});
