import { expect } from 'chai';
import { freshDatabase, isPostgres } from '../../support/database';

/**
 * `tx.send`: a write whose result the caller does not need. On PostgreSQL it is pipelined (not waited
 * for; its error is raised by the next statement or by the commit), on SQLite it runs at once; either
 * way the transaction behaves as if every statement had been awaited in order.
 */
describe('Tx.send (writes sent without waiting for their answer)', () => {
  const insert = `INSERT INTO "result" ("key", "created", "serializer", "data", "size") VALUES (?, '2030-01-01 00:00:00.000', 's', 'd', 1)`;
  const keys = async (db: Awaited<ReturnType<typeof freshDatabase>>) =>
    (await db.query<{ key: string }>(`SELECT "key" FROM "result" ORDER BY "key"`)).map((r) => r.key);

  it('commits sent writes with the transaction, in order, and later statements see them', async () => {
    const db = await freshDatabase();
    const seen = await db.transaction(async (tx) => {
      tx.send(insert, ['a']);
      tx.send(`UPDATE "result" SET "size" = 2 WHERE "key" = ?`, ['a']);
      tx.send(insert, ['b']);
      return tx.query<{ key: string; size: unknown }>(`SELECT "key", "size" FROM "result" ORDER BY "key"`);
    });
    expect(seen.map((r) => [r.key, Number(r.size)])).to.deep.equal([
      ['a', 2],
      ['b', 1],
    ]);
    expect(await keys(db)).to.deep.equal(['a', 'b']);
  });

  it('raises the error of a failed sent write from the commit, and writes nothing of the transaction', async () => {
    const db = await freshDatabase();
    await db.transaction(async (tx) => tx.execute(insert, ['taken']));
    const error = await db
      .transaction(async (tx) => {
        await tx.execute(insert, ['first']);
        tx.send(insert, ['taken']); // unique key violation
        return 'returned';
      })
      .then(
        () => null,
        (e: Error) => e,
      );
    expect(error?.message).to.match(/unique|UNIQUE/);
    expect(await keys(db)).to.deep.equal(['taken']);
  });

  it('raises the failed sent write’s error, not “transaction aborted”, from the statement after it', async () => {
    const db = await freshDatabase();
    await db.transaction(async (tx) => tx.execute(insert, ['taken']));
    let reached = false;
    const error = await db
      .transaction(async (tx) => {
        tx.send(insert, ['taken']);
        await tx.query(`SELECT COUNT(*) AS n FROM "result"`);
        reached = true;
      })
      .then(
        () => null,
        (e: Error) => e,
      );
    expect(reached).to.equal(false);
    expect(error?.message).to.match(/unique|UNIQUE/);
    expect(error?.message).to.not.match(/aborted/);
  });

  it('rolls sent writes back when the transaction throws, and leaves the connection usable', async () => {
    const db = await freshDatabase();
    const failed = await db
      .transaction(async (tx) => {
        tx.send(insert, ['x']);
        await tx.query(`SELECT 1 AS one`);
        throw new Error('the caller changed its mind');
      })
      .then(
        () => null,
        (e: Error) => e.message,
      );
    expect(failed).to.equal('the caller changed its mind');
    // Every pooled connection still answers one statement at a time, in transactions and out of them.
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        db.transaction(async (tx) => {
          tx.send(insert, [`k${i}`]);
          return (await tx.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM "result" WHERE "key" = ?`, [`k${i}`]))[0]!
            .n;
        }),
      ),
    );
    expect(results.map(Number)).to.deep.equal([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(await keys(db)).to.deep.equal(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7']);
  });

  if (isPostgres()) {
    it('holds a row lock taken by the first statement until the sent writes commit (BEGIN went out with it)', async () => {
      const db = await freshDatabase();
      await db.transaction(async (tx) => tx.execute(insert, ['row']));
      let releaseFirst!: () => void;
      const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
      const order: string[] = [];
      const first = db.transaction(async (tx) => {
        await tx.query(`SELECT "key" FROM "result" WHERE "key" = ?${tx.forUpdate}`, ['row']);
        order.push('first locked');
        await firstHolds;
        tx.send(`UPDATE "result" SET "size" = "size" + 1 WHERE "key" = ?`, ['row']);
        order.push('first committing');
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const second = db.transaction(async (tx) => {
        const rows = await tx.query<{ size: unknown }>(`SELECT "size" FROM "result" WHERE "key" = ?${tx.forUpdate}`, [
          'row',
        ]);
        order.push(`second read size ${Number(rows[0]!.size)}`);
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(order).to.deep.equal(['first locked']);
      releaseFirst();
      await Promise.all([first, second]);
      expect(order).to.deep.equal(['first locked', 'first committing', 'second read size 2']);
    });
  }
});
