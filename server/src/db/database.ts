/**
 * The metadata database: a TypeORM DataSource (schema, migrations) plus a lean statement layer that the
 * orchestration hot path and the list queries use. Every write runs in `transaction()`:
 * SQLite takes the write lock up front (BEGIN IMMEDIATE) and one process runs one write transaction at
 * a time; PostgreSQL uses a pooled client and row locks. Transient failures (busy, serialization,
 * deadlock) retry the whole transaction; an unreachable database raises DatabaseUnavailableError (503).
 * SQLite's WAL checkpoints run on a worker thread (wal-checkpointer.ts), not inside a commit.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Pool, PoolClient } from 'pg';
import { DataSource, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { DatabaseUnavailableError } from '../schemas/errors';
import { Codec, entityCodec, type EntityCodec } from './codec';
import { buildDataSourceOptions, type DatabaseOptions } from './data-source';
import { applyDialect, dialectOf, sqlitePathOf, type Dialect } from './dialect';
import { describeDbError, isTransientDbError, isUnavailableDbError } from './errors';
import { Mutex } from './lock';
import { PipelinedPgTx, toPgPlaceholders } from './pg-pipeline';
import { BACKSTOP_WAL_PAGES, WalCheckpointer } from './wal-checkpointer';

export type Row = Record<string, unknown>;

/** Statements inside one transaction (or one read). Placeholders are `?` on both databases. */
export interface Queryable {
  readonly dialect: Dialect;
  readonly codec: Codec;
  query<T = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** A read planned for its own parameters (see `Database.queryUnprepared`): for statements built per call. */
  queryUnprepared<T = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a write statement; resolves to the number of rows it changed. */
  execute(sql: string, params?: unknown[]): Promise<number>;
}

export interface Tx extends Queryable {
  /** SQL for locking a selected row until commit (PostgreSQL `FOR UPDATE`; SQLite holds the write lock). */
  readonly forUpdate: string;
  /**
   * A write whose result the caller does not need. PostgreSQL sends it without waiting for the answer
   * (it shares a round trip with the next statement or COMMIT, which raise its error); SQLite runs it now.
   */
  send(sql: string, params?: unknown[]): void;
}

export interface TransactionOptions {
  /**
   * PostgreSQL group commit (with `collectWrites`): `<class>:<id>` of the one row the transaction
   * locks with its first statement. The transactions of one I/O phase with the same class and distinct
   * ids may share one transaction and one COMMIT (see `runPgGroup`).
   */
  group?: string;
}

const MAX_TRANSACTION_ATTEMPTS = 6;
/** At most this many PostgreSQL transactions share one COMMIT. */
const MAX_PG_GROUP = 32;
/** At most this many queued SQLite transactions share one commit. */
const MAX_GROUP_COMMIT = 64;
/** SQLite work is synchronous: after this long without an event-loop turn, the queue lets one happen. */
const STARVED_LOOP_MS = 50;

interface QueuedTransaction {
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface GroupedTransaction extends QueuedTransaction {
  /** The class part of `TransactionOptions.group`, and the id. */
  kind: string;
  key: string;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Answers each queued transaction of a committed group with its own outcome. */
function settle(group: QueuedTransaction[], outcomes: Outcome[]): void {
  group.forEach((item, i) => {
    const outcome = outcomes[i]!;
    if (outcome.ok) item.resolve(outcome.value);
    else item.reject(outcome.error);
  });
}

export class Database {
  readonly dialect: Dialect;
  readonly codec: Codec;
  private readonly codecs = new Map<unknown, EntityCodec>();
  private readonly writeLock = new Mutex();
  private readonly sqliteQueue: QueuedTransaction[] = [];
  private sqliteDraining = false;
  /** A setImmediate is pending since `loopMarkSince` (performance.now()); it clears this when the loop turns. */
  private loopMarkPending = false;
  private loopMarkSince = 0;
  private readonly sqliteStatements = new Map<string, BetterSqlite3.Statement>();
  private readonly pgStatements = new Map<string, { name: string; text: string }>();
  private readonly pgGroupQueue: GroupedTransaction[] = [];
  private pgGroupScheduled = false;
  private checkpointer: WalCheckpointer | null = null;
  private closed = false;
  /**
   * SQLite: let the write transactions proposed during one turn of the event loop share a commit. A
   * transaction that finds the writer idle waits for the end of the current I/O phase (one
   * `setImmediate`) before its group begins, so the requests a server read in that phase join the
   * group: one commit instead of one per request. The server turns it on; an in-process caller that
   * proposes one state at a time is served sooner without the wait.
   */
  collectWrites = false;

  private constructor(
    readonly dataSource: DataSource,
    readonly url: string,
  ) {
    this.dialect = dialectOf(url);
    this.codec = new Codec(this.dialect);
  }

  /** Opens the database at `url`, applying pending migrations unless `migrate` is false. */
  static async open(options: DatabaseOptions): Promise<Database> {
    applyDialect(dialectOf(options.url));
    const dataSource = new DataSource(buildDataSourceOptions(options));
    try {
      await dataSource.initialize();
    } catch (error) {
      throw isUnavailableDbError(error) ? new DatabaseUnavailableError(describeDbError(error)) : error;
    }
    const db = new Database(dataSource, options.url);
    if (options.migrate !== false) await db.migrate();
    const path = sqlitePathOf(options.url);
    if (db.dialect === 'sqlite' && path !== ':memory:') {
      // Checkpoints move to a worker thread; the writer's own automatic checkpoint is only a backstop.
      db.sqliteConnection().pragma(`wal_autocheckpoint = ${BACKSTOP_WAL_PAGES}`);
      db.checkpointer = WalCheckpointer.start(path, options.busyTimeoutMs ?? 10000);
    }
    return db;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.checkpointer?.stop();
    await this.dataSource.destroy();
  }

  /** Applies pending migrations; safe when several processes start at once. */
  async migrate(): Promise<void> {
    if (this.dialect === 'postgres') {
      const client = await this.pool().connect();
      try {
        await client.query('SELECT pg_advisory_lock(7243001)');
        await this.dataSource.runMigrations({ transaction: 'all' });
      } finally {
        await client.query('SELECT pg_advisory_unlock(7243001)').catch(() => undefined);
        client.release();
      }
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.writeLock.run(() => this.dataSource.runMigrations({ transaction: 'all' }));
        return;
      } catch (error) {
        // Another process may be migrating the same file: wait for it and look again.
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }

  /** Drops every table and applies the migrations again (`rigel-server db reset`). */
  async reset(): Promise<void> {
    await this.writeLock.run(() => this.dataSource.dropDatabase());
    await this.migrate();
  }

  /** Column names and kinds of an entity's table, read once from TypeORM's metadata. */
  entity(target: EntityTarget<ObjectLiteral>): EntityCodec {
    let codec = this.codecs.get(target);
    if (!codec) {
      codec = entityCodec(this.dataSource.getMetadata(target));
      this.codecs.set(target, codec);
    }
    return codec;
  }

  /** Reads outside a transaction (committed data). */
  query<T = Row>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.guard(async () => {
      if (this.dialect === 'sqlite') return this.sqliteRun(sql, params) as T[];
      const result = await this.pool().query(this.pgStatement(sql), params);
      return result.rows as T[];
    });
  }

  /**
   * A read planned for its own parameters every time: on PostgreSQL an unnamed statement, never a
   * prepared one. For the dynamic list, count and history queries: a prepared statement switches to
   * a generic plan after a few runs, and a plan good for one filter value (a state most runs have) is a
   * full scan for another (a state few runs have); each filter combination would also stay prepared
   * on every pooled connection.
   */
  queryUnprepared<T = Row>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.guard(async () => {
      if (this.dialect === 'sqlite') return this.sqliteRun(sql, params) as T[];
      const result = await this.pool().query(toPgPlaceholders(sql), params);
      return result.rows as T[];
    });
  }

  /** PostgreSQL: sends `payload` on the notification `channel` from a pooled connection, outside any transaction. */
  async notify(channel: string, payload: string): Promise<void> {
    if (this.dialect !== 'postgres') return;
    await this.guard(() => this.pool().query(this.pgStatement('SELECT pg_notify(?, ?)'), [channel, payload]));
  }

  /** Runs `fn` in one write transaction, retrying the whole of it on transient failures. */
  async transaction<T>(fn: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T> {
    if (options?.group !== undefined && this.collectWrites && this.dialect === 'postgres' && !this.closed) {
      return this.pgGroupedTransaction(fn, options.group);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.guard(() =>
          this.dialect === 'sqlite' ? this.sqliteTransaction(fn) : this.pgTransaction(fn),
        );
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause ?? error;
        if (!isTransientDbError(cause)) throw error;
        // Still busy (SQLite lock held past the busy timeout, repeated PostgreSQL conflicts): a 503, not a 500.
        if (attempt >= MAX_TRANSACTION_ATTEMPTS) {
          throw new DatabaseUnavailableError(`other writers kept it busy through ${attempt} attempts`);
        }
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    }
  }

  /**
   * Runs reads that must see one consistent state of the database: on PostgreSQL a REPEATABLE READ,
   * READ ONLY transaction (one snapshot for all its statements); on SQLite a transaction of the write
   * queue (its one connection runs no other write meanwhile).
   */
  async snapshot<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    if (this.dialect === 'sqlite') return this.transaction(fn);
    return this.guard(() => this.pgTransaction(fn, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'));
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new DatabaseUnavailableError('the database connection is closed');
    try {
      return await fn();
    } catch (error) {
      if (isTransientDbError(error)) throw error;
      if (isUnavailableDbError(error)) throw new DatabaseUnavailableError(describeDbError(error));
      throw error;
    }
  }

  private sqliteConnection(): BetterSqlite3.Database {
    return (this.dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
  }

  private pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  private sqliteRun(sql: string, params: unknown[]): Row[] {
    let statement = this.sqliteStatements.get(sql);
    if (!statement) {
      statement = this.sqliteConnection().prepare(sql);
      this.sqliteStatements.set(sql, statement);
    }
    if (statement.reader) return statement.all(...params) as Row[];
    const info = statement.run(...params);
    return [{ changes: info.changes }];
  }

  private pgStatement(sql: string): { name: string; text: string } {
    let statement = this.pgStatements.get(sql);
    if (!statement) {
      statement = { name: `rigel_${this.pgStatements.size}`, text: toPgPlaceholders(sql) };
      this.pgStatements.set(sql, statement);
    }
    return statement;
  }

  private sqliteQueryable(): Tx {
    return {
      dialect: 'sqlite',
      codec: this.codec,
      forUpdate: '',
      query: async <T>(sql: string, params: unknown[] = []) => this.sqliteRun(sql, params) as T[],
      queryUnprepared: async <T>(sql: string, params: unknown[] = []) => this.sqliteRun(sql, params) as T[],
      execute: async (sql: string, params: unknown[] = []) => Number(this.sqliteRun(sql, params)[0]?.changes ?? 0),
      send: (sql: string, params: unknown[] = []) => void this.sqliteRun(sql, params),
    };
  }

  /**
   * SQLite write transactions are queued and run in groups: the transactions waiting when the write
   * lock frees up share one BEGIN IMMEDIATE … COMMIT, each inside its own savepoint (so one that fails
   * rolls back alone), one after another exactly as they would run serially. Every caller's promise
   * settles only after the group's COMMIT. Concurrent callers thus pay for one commit instead of one
   * each; a lone caller sees no difference. With `collectWrites` a group begins only after the current
   * I/O phase, so the requests read in it share the group (one commit instead of one per request).
   */
  private sqliteTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.sqliteQueue.push({
        fn: fn as (tx: Tx) => Promise<unknown>,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      if (!this.sqliteDraining) void this.drainSqliteQueue();
    });
  }

  private async drainSqliteQueue(): Promise<void> {
    this.sqliteDraining = true;
    try {
      if (this.collectWrites) await new Promise((resolve) => setImmediate(resolve));
      while (this.sqliteQueue.length > 0) {
        await this.letEventLoopTurn();
        const group = this.sqliteQueue.splice(0, MAX_GROUP_COMMIT);
        await this.writeLock.run(() => this.runSqliteGroup(group));
      }
    } finally {
      this.sqliteDraining = false;
    }
  }

  /**
   * In-process (ephemeral) callers run SQLite transactions back to back as promise continuations that
   * never give the event loop a turn: a flow of 100,000 quick tasks would starve its own timers (its
   * heartbeat — a server sharing the file then marks the run Crashed —, log flushes) for minutes. When
   * the loop has not turned for STARVED_LOOP_MS, the next group waits for one turn first. A server,
   * whose requests arrive through the loop, never waits here.
   */
  private async letEventLoopTurn(): Promise<void> {
    const now = performance.now();
    if (!this.loopMarkPending) {
      this.loopMarkPending = true;
      this.loopMarkSince = now;
      setImmediate(() => (this.loopMarkPending = false));
      return;
    }
    if (now - this.loopMarkSince < STARVED_LOOP_MS) return;
    await new Promise((resolve) => setImmediate(resolve));
  }

  private async runSqliteGroup(group: QueuedTransaction[]): Promise<void> {
    const connection = this.sqliteConnection();
    try {
      this.sqliteRun('BEGIN IMMEDIATE', []);
    } catch (error) {
      for (const item of group) item.reject(error);
      return;
    }
    const tx = this.sqliteQueryable();
    const single = group.length === 1;
    const outcomes: Outcome[] = [];
    for (const item of group) {
      if (!single) this.sqliteRun('SAVEPOINT rigel_tx', []);
      try {
        const value = await item.fn(tx);
        if (!single) this.sqliteRun('RELEASE rigel_tx', []);
        outcomes.push({ ok: true, value });
      } catch (error) {
        if (connection.inTransaction) {
          if (single) this.sqliteRun('ROLLBACK', []);
          else {
            this.sqliteRun('ROLLBACK TO rigel_tx', []);
            this.sqliteRun('RELEASE rigel_tx', []);
          }
        }
        outcomes.push({ ok: false, error });
      }
    }
    try {
      if (connection.inTransaction) this.sqliteRun('COMMIT', []);
    } catch (error) {
      if (connection.inTransaction) this.sqliteRun('ROLLBACK', []);
      for (const item of group) item.reject(error);
      return;
    }
    settle(group, outcomes);
  }

  /**
   * One PostgreSQL transaction on a pooled client, pipelined (pg-pipeline.ts): BEGIN (or `begin`) leaves
   * with the first statement, and writes sent with `tx.send` leave with the next statement or COMMIT.
   */
  private async pgTransaction<T>(fn: (tx: Tx) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const client = await this.pool().connect();
    const tx = new PipelinedPgTx(client, (sql) => this.pgStatement(sql), this.codec, begin);
    let broken = false;
    try {
      try {
        const result = await fn(tx);
        await tx.commit();
        return result;
      } catch (error) {
        await tx.rollback().catch(() => (broken = true));
        throw error;
      }
    } catch (error) {
      if (isUnavailableDbError(error)) broken = true;
      throw error;
    } finally {
      tx.close();
      client.release(broken ? true : undefined);
    }
  }

  /** Queues a transaction for the group commit of the current I/O phase (see `runPgGroup`). */
  private pgGroupedTransaction<T>(fn: (tx: Tx) => Promise<T>, group: string): Promise<T> {
    const colon = group.indexOf(':');
    return new Promise<T>((resolve, reject) => {
      this.pgGroupQueue.push({
        fn: fn as (tx: Tx) => Promise<unknown>,
        resolve: resolve as (v: unknown) => void,
        reject,
        kind: group.slice(0, colon),
        key: group.slice(colon + 1),
      });
      if (!this.pgGroupScheduled) {
        this.pgGroupScheduled = true;
        setImmediate(() => this.flushPgGroups());
      }
    });
  }

  /** Splits the queued transactions into groups: one class, distinct ids, at most MAX_PG_GROUP. */
  private flushPgGroups(): void {
    this.pgGroupScheduled = false;
    const queued = this.pgGroupQueue.splice(0);
    const open = new Map<string, { items: GroupedTransaction[]; keys: Set<string> }[]>();
    for (const item of queued) {
      let groups = open.get(item.kind);
      if (!groups) open.set(item.kind, (groups = []));
      let group = groups.find((g) => g.items.length < MAX_PG_GROUP && !g.keys.has(item.key));
      if (!group) groups.push((group = { items: [], keys: new Set() }));
      group.items.push(item);
      group.keys.add(item.key);
    }
    for (const groups of open.values()) {
      for (const { items } of groups) {
        if (items.length === 1) this.runAlone(items[0]!);
        else void this.runPgGroup(items);
      }
    }
  }

  private runAlone(item: QueuedTransaction): void {
    this.transaction(item.fn).then(item.resolve, item.reject);
  }

  /**
   * One PostgreSQL transaction for several: the first statement of every member (the locking read of
   * its own row; distinct rows, locked in id order so that two groups cannot deadlock on them) leaves
   * at once, in one packet; then the members continue one after another, in that order, each seeing
   * the writes of the ones before it, exactly as if they ran one after another — their writes are sent
   * without waiting and leave with one COMMIT. Every member's promise settles after the COMMIT.
   *
   * A member that fails having only read is rejected alone (the others commit). Any other failure — a
   * database error, a member failing after it wrote, the COMMIT — rolls the group back and runs each
   * member again in a transaction of its own.
   */
  private async runPgGroup(group: GroupedTransaction[]): Promise<void> {
    group.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    let client: PoolClient;
    try {
      client = await this.pool().connect();
    } catch {
      for (const item of group) this.runAlone(item);
      return;
    }
    const tx = new PipelinedPgTx(client, (sql) => this.pgStatement(sql), this.codec);
    let outcomes: Outcome[] | null = null;
    let broken = false;
    try {
      outcomes = await this.runMembers(tx, group);
    } catch (error) {
      if (isUnavailableDbError(error)) {
        // Whether the COMMIT happened is not known: running the members again could apply them twice.
        tx.close();
        client.release(true);
        const unavailable = new DatabaseUnavailableError(describeDbError(error));
        for (const item of group) item.reject(unavailable);
        return;
      }
      await tx.rollback().catch(() => (broken = true));
    }
    tx.close();
    client.release(broken ? true : undefined);
    if (!outcomes) {
      for (const item of group) this.runAlone(item);
      return;
    }
    settle(group, outcomes);
  }

  /** The members' outcomes once committed; null when the group was rolled back (run each alone). */
  private async runMembers(tx: PipelinedPgTx, group: GroupedTransaction[]): Promise<Outcome[] | null> {
    const members: GroupMember[] = [];
    const finished: Promise<Outcome>[] = [];
    let previous: Promise<unknown> = Promise.resolve();
    tx.hold();
    for (const item of group) {
      const member = new GroupMember(tx, previous);
      let done: Promise<Outcome>;
      try {
        done = item.fn(member).then(
          (value): Outcome => ({ ok: true, value }),
          (error: unknown): Outcome => ({ ok: false, error }),
        );
      } catch (error) {
        done = Promise.resolve({ ok: false, error });
      }
      members.push(member);
      finished.push(done);
      previous = done;
    }
    // The first statements leave together; what the members send after them leaves with COMMIT.
    tx.flush();
    const outcomes = await Promise.all(finished);
    const committable =
      !tx.failed && outcomes.every((outcome, i) => !members[i]!.failed && (outcome.ok || !members[i]!.wrote));
    if (!committable) {
      await tx.rollback();
      return null;
    }
    await tx.commit();
    return outcomes;
  }
}

/**
 * A member of a PostgreSQL group transaction (`Database.runPgGroup`): its first statement leaves at
 * once; it continues after the member before it finished (`turn`).
 */
class GroupMember implements Tx {
  readonly dialect = 'postgres' as const;
  readonly forUpdate = ' FOR UPDATE';
  readonly codec: Codec;
  /** Whether it sent a write. */
  wrote = false;
  /** Whether a statement of it failed (the group's transaction is then aborted). */
  failed = false;
  private started = false;

  constructor(
    private readonly tx: PipelinedPgTx,
    private readonly turn: Promise<unknown>,
  ) {
    this.codec = tx.codec;
  }

  query<T = Row>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.statement(() => this.tx.query<T>(sql, params));
  }

  queryUnprepared<T = Row>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.statement(() => this.tx.queryUnprepared<T>(sql, params));
  }

  execute(sql: string, params?: unknown[]): Promise<number> {
    this.wrote = true;
    return this.statement(() => this.tx.execute(sql, params));
  }

  send(sql: string, params?: unknown[]): void {
    this.wrote = true;
    if (!this.started) throw new Error('a grouped transaction begins with a read of its own row');
    this.tx.send(sql, params);
  }

  private async statement<R>(run: () => Promise<R>): Promise<R> {
    const first = !this.started;
    this.started = true;
    if (!first) await this.turn;
    const sent = run();
    // A statement awaited during the member's turn leaves now (the group holds everything else).
    if (!first) this.tx.flush();
    try {
      return await sent;
    } catch (error) {
      this.failed = true;
      throw error;
    } finally {
      if (first) await this.turn;
    }
  }
}
