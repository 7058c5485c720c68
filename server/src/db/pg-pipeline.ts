/**
 * A PostgreSQL transaction that spends fewer round trips: node-postgres' pipeline mode sends a
 * statement without waiting for the answers to the ones before it, so
 *
 * - `BEGIN` goes out in the same packet as the transaction's first statement (one round trip, not two);
 * - a write whose result the caller does not need (`send`) is not waited for: the statement after it,
 *   or `COMMIT`, goes out in the same packet, and its error (if any) is raised there.
 *
 * An orchestrated transition is then two round trips (BEGIN + the locking read; the write + COMMIT)
 * instead of four, with every statement still a prepared one. The semantics are those of the plain
 * transaction: statements run in order on one connection inside BEGIN … COMMIT; a failed statement
 * aborts the transaction (PostgreSQL answers a COMMIT after it by rolling back), and the first error is
 * the one raised, not the "current transaction is aborted" of the statements behind it.
 */
import type { Socket } from 'node:net';
import type { PoolClient, QueryResult } from 'pg';
import type { Codec } from './codec';
import type { Row, Tx } from './database';

/**
 * The parts of node-postgres' client this relies on: pipeline mode (the `pipeline` client option of
 * pg 8.23, which server/package.json pins). A client without it queues each statement until the one
 * before it is answered: the same results in the same order, one round trip each.
 */
type PipelineClient = PoolClient & { pipeline: boolean; connection: { stream: Socket } };

/** `?` placeholders (both databases' SQL here) as PostgreSQL's `$1, $2, …`. */
export function toPgPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export class PipelinedPgTx implements Tx {
  readonly dialect = 'postgres' as const;
  readonly forUpdate = ' FOR UPDATE';
  private begun = false;
  /** The statements sent and not waited for (BEGIN, `send` writes), each settled without throwing. */
  private readonly unchecked: Promise<void>[] = [];
  /** The first error of an unchecked statement. */
  private failure: { error: unknown } | null = null;
  /** Whether this transaction corked the socket (statements wait there for the next one, or COMMIT). */
  private corked = false;
  /** While held (`hold`), statements stay corked until `release`, even ones awaited. */
  private held = false;

  constructor(
    private readonly pg: PoolClient,
    private readonly statement: (sql: string) => { name: string; text: string },
    readonly codec: Codec,
    /** The statement that opens the transaction (e.g. with an isolation level). */
    private readonly begin = 'BEGIN',
  ) {
    this.client.pipeline = true;
  }

  private get client(): PipelineClient {
    return this.pg as PipelineClient;
  }

  async query<T = Row>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.run(sql, params)).rows as T[];
  }

  /** A read planned for its own parameters: an unnamed statement (see `Database.queryUnprepared`). */
  async queryUnprepared<T = Row>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.run(sql, params, false)).rows as T[];
  }

  async execute(sql: string, params: unknown[] = []): Promise<number> {
    return (await this.run(sql, params)).rowCount ?? 0;
  }

  /**
   * Sends a write whose result the caller does not need. It is not waited for: it leaves with the next
   * statement or COMMIT, and an error it raises is raised by that one.
   */
  send(sql: string, params: unknown[] = []): void {
    this.cork();
    this.check(this.submit(sql, params));
    // Not left waiting if the caller awaits something else before its next statement.
    process.nextTick(() => this.uncork());
  }

  /** Commits what was sent (nothing to do when no statement was). */
  async commit(): Promise<void> {
    if (!this.begun) return;
    const commit = this.client.query('COMMIT');
    this.release();
    await Promise.all(this.unchecked);
    if (this.failure) {
      // PostgreSQL rolled back instead (a COMMIT of a failed transaction does).
      await commit.catch(() => undefined);
      throw this.failure.error;
    }
    await commit;
  }

  async rollback(): Promise<void> {
    this.release();
    await Promise.all(this.unchecked);
    if (this.begun) await this.client.query('ROLLBACK');
  }

  /** Back to one statement at a time, before the client returns to the pool (every statement answered). */
  close(): void {
    this.release();
    this.client.pipeline = false;
  }

  private async run(sql: string, params: unknown[], prepared = true): Promise<QueryResult> {
    const sent = this.submit(sql, params, prepared);
    // Only the statements sent before this one (a group's members send more while it waits).
    const earlier = this.unchecked.length;
    this.uncork();
    let result: QueryResult;
    try {
      result = await sent;
    } catch (error) {
      // A statement sent earlier failed first: this one only found the transaction aborted.
      await this.settled(earlier);
      throw this.failure ? this.failure.error : error;
    }
    // The statements sent before this one were answered before it: their outcome is known already.
    await this.settled(earlier);
    if (this.failure) throw this.failure.error;
    return result;
  }

  private settled(count: number): Promise<unknown> {
    return count === this.unchecked.length ? Promise.all(this.unchecked) : Promise.all(this.unchecked.slice(0, count));
  }

  /** Submits a statement, with BEGIN ahead of it in the same packet when it is the first. */
  private submit(sql: string, params: unknown[], prepared = true): Promise<QueryResult> {
    if (!this.begun) {
      this.begun = true;
      this.cork();
      this.check(this.client.query(this.begin));
    }
    return this.client.query(prepared ? this.statement(sql) : toPgPlaceholders(sql), params);
  }

  private check(sent: Promise<unknown>): void {
    this.unchecked.push(
      sent.then(
        () => undefined,
        (error: unknown) => {
          this.failure ??= { error };
        },
      ),
    );
  }

  /** Keeps every statement submitted from now on in the socket's buffer until `release`: one packet. */
  hold(): void {
    this.held = true;
    this.cork();
  }

  release(): void {
    this.held = false;
    this.uncork();
  }

  /** Sends what is held, and goes on holding. */
  flush(): void {
    if (!this.held) return;
    this.release();
    this.hold();
  }

  /** Whether a statement failed (the transaction is aborted). */
  get failed(): boolean {
    return this.failure !== null;
  }

  private cork(): void {
    if (this.corked) return;
    this.corked = true;
    this.client.connection.stream.cork();
  }

  private uncork(): void {
    if (!this.corked || this.held) return;
    this.corked = false;
    this.client.connection.stream.uncork();
  }
}
