/**
 * One active scheduler per PostgreSQL database: a session-level advisory lock held on a dedicated
 * connection. Whoever holds it schedules; if its process or connection dies, PostgreSQL releases the
 * lock and another server takes over on its next pass. SQLite serves one machine and needs no lease
 * (the write lock and the idempotency keys keep runs unique).
 */
import type { Pool, PoolClient } from 'pg';
import type { Database } from '../db/database';

export class LeaderLease {
  private client: PoolClient | null = null;
  /** Our connection failed (e.g. the server terminated it): the lease is gone with it. */
  private readonly onError = () => this.drop();

  constructor(
    private readonly db: Database,
    private readonly key: number,
  ) {}

  /** Whether this process holds the lease (acquiring it when it is free). */
  async acquire(): Promise<boolean> {
    if (this.db.dialect !== 'postgres') return true;
    if (this.client) {
      try {
        await this.client.query('SELECT 1');
        return true;
      } catch {
        this.drop();
      }
    }
    const pool = (this.db.dataSource.driver as unknown as { master: Pool }).master;
    const client = await pool.connect();
    try {
      const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [this.key]);
      if (result.rows[0]?.locked) {
        client.on('error', this.onError);
        this.client = client;
        return true;
      }
      client.release();
      return false;
    } catch (error) {
      client.release(true);
      throw error;
    }
  }

  /** Destroys the connection (its session lock goes with it). */
  private drop(): void {
    const client = this.client;
    if (!client) return;
    this.client = null;
    // A destroyed connection may still report errors; they are expected and must not go unhandled.
    client.off('error', this.onError).on('error', () => undefined);
    client.release(true);
  }

  async release(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.client = null;
    // Back in the pool the connection is the pool's again: our listener must not stay on it.
    client.off('error', this.onError);
    try {
      await client.query('SELECT pg_advisory_unlock($1)', [this.key]);
      client.release();
    } catch {
      client.on('error', () => undefined);
      client.release(true);
    }
  }
}
