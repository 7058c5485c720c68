/**
 * Classifying database errors: transient ones (retry the whole transaction), unavailability (503), and
 * constraint violations (the caller decides: idempotent re-create, conflict).
 */

const PG_TRANSIENT = new Set(['40001', '40P01']);
const PG_UNAVAILABLE_PREFIXES = ['08', '57P', '53'];
const PG_UNAVAILABLE_CODES = new Set([
  '55000',
  '55006',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
]);
const SQLITE_UNAVAILABLE = /^SQLITE_(CANTOPEN|IOERR|READONLY|CORRUPT|NOTADB|FULL|BUSY|LOCKED)/;

function codeOf(error: unknown): string {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  return String(e?.driverError?.code ?? e?.code ?? '');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function isTransientDbError(error: unknown): boolean {
  const code = codeOf(error);
  return PG_TRANSIENT.has(code) || code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT';
}

export function isUnavailableDbError(error: unknown): boolean {
  const code = codeOf(error);
  if (PG_UNAVAILABLE_CODES.has(code) || PG_UNAVAILABLE_PREFIXES.some((p) => code.startsWith(p))) return true;
  if (SQLITE_UNAVAILABLE.test(code)) return true;
  return /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end/i.test(
    messageOf(error),
  );
}

/** A unique violation; with `constraint`, one of that constraint (PostgreSQL names it; SQLite does not). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const code = codeOf(error);
  if (constraint !== undefined) {
    const e = error as { constraint?: unknown; driverError?: { constraint?: unknown } } | null;
    return code === '23505' && (e?.driverError?.constraint ?? e?.constraint) === constraint;
  }
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export function isForeignKeyViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

export function describeDbError(error: unknown): string {
  const code = codeOf(error);
  return code ? `${code}: ${messageOf(error)}` : messageOf(error);
}
