/**
 * The worker thread of WalCheckpointer: its own connection to the SQLite file, running a PASSIVE
 * checkpoint every `intervalMs` (copying committed WAL frames into the database file and syncing it)
 * until the parent posts 'stop'. PASSIVE never waits for or blocks the writer.
 */
import Sqlite from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const { path, intervalMs, busyTimeoutMs } = workerData as { path: string; intervalMs: number; busyTimeoutMs: number };
const db = new Sqlite(path, { timeout: busyTimeoutMs });

const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy (another process is checkpointing) or briefly unavailable: the next tick tries again.
  }
}, intervalMs);

parentPort!.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
