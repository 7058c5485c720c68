/**
 * The correctness check that ends every part: for every run the part drove, the states in the
 * database are exactly the states the server answered as written (none lost, none duplicated, none
 * unreported, in the same order where one client drove the run), every state answered as current
 * exists, the run row points at its newest state, and every non-ACCEPT answer left one decision row.
 */
import type { Database } from '@rigel/server';
import type { RunKind } from './api';
import type { Ledger, LedgerRun } from './ledger';

const TABLES: Record<RunKind, { run: string; state: string; fk: string }> = {
  flow: { run: 'flow_run', state: 'flow_run_state', fk: 'flowRunId' },
  task: { run: 'task_run', state: 'task_run_state', fk: 'taskRunId' },
};

interface DbState {
  id: string;
  type: string;
}

interface DbRun {
  stateId: string | null;
  stateType: string | null;
}

async function loadKind(db: Database, kind: RunKind) {
  const { run, state, fk } = TABLES[kind];
  const states = new Map<string, DbState[]>();
  const rows = await db.query<{ runId: string; id: string; type: string }>(
    `SELECT "${fk}" AS "runId", "id", "type" FROM "${state}" ORDER BY "${fk}", "timestamp"`,
  );
  for (const row of rows) {
    const list = states.get(row.runId) ?? [];
    list.push({ id: row.id, type: row.type });
    states.set(row.runId, list);
  }
  const runs = new Map<string, DbRun>();
  for (const row of await db.query<{ id: string } & DbRun>(`SELECT "id", "stateId", "stateType" FROM "${run}"`)) {
    runs.set(row.id, row);
  }
  return { states, runs };
}

async function loadDecisionCounts(db: Database): Promise<Map<string, number>> {
  const rows = await db.query<{ runId: string; n: unknown }>(
    `SELECT coalesce("flowRunId", "taskRunId") AS "runId", COUNT(*) AS n FROM "orchestration_decision" GROUP BY 1`,
  );
  return new Map(rows.map((row) => [row.runId, Number(row.n)]));
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function checkRun(
  id: string,
  expected: LedgerRun,
  states: DbState[],
  row: DbRun | undefined,
  decisions: number,
  ordered: boolean,
): string[] {
  const problems: string[] = [];
  const answered = expected.states.map((s) => s.id);
  const stored = states.map((s) => s.id);
  if (new Set(answered).size !== answered.length) problems.push(`run ${id}: a written state was reported twice`);
  const storedSet = new Set(stored);
  const lost = answered.filter((s) => !storedSet.has(s));
  const unreported = stored.filter((s) => !answered.includes(s));
  if (lost.length) problems.push(`run ${id}: ${lost.length} written state(s) missing from the database`);
  if (unreported.length) problems.push(`run ${id}: ${unreported.length} state(s) in the database no answer reported`);
  if (ordered && !lost.length && !unreported.length && !same(answered, stored)) {
    problems.push(`run ${id}: states are stored in a different order than they were answered`);
  }
  for (const seen of expected.seen) {
    if (!storedSet.has(seen)) problems.push(`run ${id}: answered with current state ${seen}, which is not stored`);
  }
  const newest = states[states.length - 1];
  if (!row) problems.push(`run ${id}: the run row is missing`);
  else if (row.stateId !== (newest?.id ?? null) || row.stateType !== (newest?.type ?? null)) {
    problems.push(
      `run ${id}: the run row points at ${row.stateType} ${row.stateId}, the newest state is ${newest?.id}`,
    );
  }
  if (decisions !== expected.nonAccepts) {
    problems.push(`run ${id}: ${expected.nonAccepts} non-ACCEPT answers but ${decisions} decision rows`);
  }
  return problems;
}

/** Returns the problems found (empty when the part was correct). */
export async function checkLedger(db: Database, ledger: Ledger, options: { ordered: boolean }): Promise<string[]> {
  const problems = [...ledger.problems];
  const kinds = new Set([...ledger.runs.values()].map((r) => r.kind));
  const loaded = new Map<RunKind, Awaited<ReturnType<typeof loadKind>>>();
  for (const kind of kinds) loaded.set(kind, await loadKind(db, kind));
  const decisions = await loadDecisionCounts(db);
  for (const [id, expected] of ledger.runs) {
    const data = loaded.get(expected.kind)!;
    const found = checkRun(
      id,
      expected,
      data.states.get(id) ?? [],
      data.runs.get(id),
      decisions.get(id) ?? 0,
      options.ordered,
    );
    for (const problem of found) if (problems.length < 20) problems.push(problem);
  }
  return problems;
}
