/**
 * What the clients were told: per run, the states the server answered as written (201), in the order
 * the client saw them, and the count of each orchestration status. The check compares it with the DB.
 */
import type { ApiState, CreatedRun, RunKind, SetStateResponse, Status } from './api';

export interface LedgerRun {
  kind: RunKind;
  /** Written states, oldest first (for runs driven by one client at a time, this is the commit order). */
  states: { id: string; type: string }[];
  /** States answered as current without being written by that request (checked against the DB). */
  seen: Set<string>;
  /** Answers that were not ACCEPT. */
  nonAccepts: number;
}

export class Ledger {
  readonly runs = new Map<string, LedgerRun>();
  readonly statuses: Record<Status, number> = { ACCEPT: 0, REJECT: 0, WAIT: 0, ABORT: 0 };
  readonly problems: string[] = [];
  transitions = 0;
  written = 0;

  addRun(kind: RunKind, run: CreatedRun): void {
    this.runs.set(run.id, {
      kind,
      states: [{ id: run.state.id, type: run.state.type }],
      seen: new Set(),
      nonAccepts: 0,
    });
  }

  /** Records one set-state answer; `expected` (when given) is the status the workload must get. */
  record(runId: string, response: SetStateResponse, expected?: Status): void {
    const run = this.runs.get(runId);
    if (!run) throw new Error(`set-state on a run the ledger does not know: ${runId}`);
    const { status, state } = response.result;
    this.transitions++;
    this.statuses[status]++;
    if (status !== 'ACCEPT') run.nonAccepts++;
    if (expected && status !== expected) this.problem(`run ${runId}: expected ${expected}, got ${status}`);
    if (response.httpStatus === 201) {
      this.written++;
      if (!state) this.problem(`run ${runId}: 201 without a state`);
      else run.states.push({ id: state.id, type: state.type });
    } else if (state) {
      run.seen.add(state.id);
    }
  }

  problem(message: string): void {
    if (this.problems.length < 20) this.problems.push(message);
  }
}

export type { ApiState };
