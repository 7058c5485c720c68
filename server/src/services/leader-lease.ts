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

  private drop(): void {
    this.client?.off('error', this.onError);
    this.client?.release(true);
    this.client = null;
  }

  async release(): Promise<void> {
    if (!this.client) return;
    const client = this.client;
    this.client = null;
    // The pooled connection outlives this lease: it must not keep calling back into it.
    client.off('error', this.onError);
    try {
      await client.query('SELECT pg_advisory_unlock($1)', [this.key]);
      client.release();
    } catch {
      client.release(true);
    }
  }
}
