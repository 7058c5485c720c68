/**
 * The single write path for states (orchestration.md §1, §3). For one proposal: lock the run row,
 * apply the policy (core, or minimal with `force`) and the global transforms, write at most one state
 * row and the run row, record the non-trivial decisions, commit, then publish the change. A subflow's
 * states are mirrored onto its parent task run in the same transaction.
 */
import type { Database, Tx } from '../db/database';
import { isUniqueViolation } from '../db/errors';
import { OrchestrationContext, type OrchestrationSettings } from '../orchestration/context';
import { systemClock, type Clock } from '../orchestration/clock';
import { CoreFlowPolicy, CoreTaskPolicy, MinimalFlowPolicy, MinimalTaskPolicy } from '../orchestration/policies';
import { applyPolicy, type OrchestrationPolicy } from '../orchestration/policy';
import type { FlowRunSummary, ProposedState, RunRecord, StateRecord } from '../orchestration/records';
import { OrchestrationStore, type DecisionRecordInput } from '../orchestration/store';
import { buildValidatedState, GLOBAL_TRANSFORMS } from '../orchestration/transforms';
import { ObjectNotFoundError } from '../schemas/errors';
import { defaultStateName, type OrchestrationResult, type RunKind, type StateProposal } from '../schemas/states';
import type { EventBus } from './events';
import { historyFields, markStaleHistory, staleSlots } from './flow-run-history';
import { runToApi, stateToApi } from './serializers';

export interface TransitionOptions {
  /** Replace the core policy by the minimal one (global transforms still run). */
  force?: boolean;
  /** Apply this policy instead (e.g. the late-runs service's); global transforms still run. */
  policy?: OrchestrationPolicy;
}

export interface TransitionOutcome {
  result: OrchestrationResult;
  run: RunRecord;
  /** The run's state after the transition (the written one, or the unchanged current one). */
  state: StateRecord | null;
  written: boolean;
}

/** Changes made inside one transaction, published after it commits. */
export class ChangeSet {
  private readonly changes = new Map<string, { kind: RunKind; run: RunRecord; state: StateRecord | null }>();

  add(kind: RunKind, run: RunRecord, state: StateRecord | null): void {
    this.changes.set(`${kind}:${run.id}`, { kind, run, state });
  }

  clear(): void {
    this.changes.clear();
  }

  entries(): Iterable<{ kind: RunKind; run: RunRecord; state: StateRecord | null }> {
    return this.changes.values();
  }
}

export interface OrchestrationServiceDeps {
  db: Database;
  events: EventBus;
  clock?: Clock;
  random?: () => number;
  settings?: Partial<OrchestrationSettings>;
}

/**
 * Thrown inside the creating transaction when the new run's unique key is already taken (a re-sent
 * create): the transaction rolls back, and the caller returns the existing run.
 */
export class RunExistsError extends Error {
  constructor() {
    super('a run with this key exists');
  }

  /** Whether `error` says the new run's key was taken: this error, or the unique violation of its key. */
  static caused(error: unknown, newRun: NewRun): boolean {
    return error instanceof RunExistsError || isUniqueViolation(error, newRun.constraint);
  }
}

/** A run that is not in the database yet: stored together with its first state. */
export interface NewRun {
  /** The unique key of the run's table, for `ON CONFLICT`. */
  conflict: string;
  /** The name of that key's constraint (a PostgreSQL insert sent unawaited fails with it: see the store). */
  constraint: string;
}

export const RUN_LABEL: Record<RunKind, string> = { flow: 'Flow run', task: 'Task run' };

export function normalizeProposal(proposal: StateProposal): ProposedState {
  return {
    type: proposal.type,
    name: proposal.name || defaultStateName(proposal.type),
    message: proposal.message ?? null,
    // A copy the rules may add to (Object.assign: see buildValidatedState).
    stateDetails: Object.assign({}, proposal.stateDetails),
    data: proposal.data ?? null,
  };
}

export class OrchestrationService {
  readonly store: OrchestrationStore;
  readonly clock: Clock;
  private readonly random: () => number;
  private readonly settings: OrchestrationSettings;

  constructor(private readonly deps: OrchestrationServiceDeps) {
    this.store = new OrchestrationStore(deps.db);
    this.clock = deps.clock ?? systemClock;
    this.random = deps.random ?? Math.random;
    this.settings = { taskConcurrencyWaitSeconds: 1, ...deps.settings };
  }

  /** Proposes `proposal` for a flow run or task run; the one way a state is ever written. */
  async setState(
    kind: RunKind,
    runId: string,
    proposal: StateProposal,
    options: TransitionOptions = {},
  ): Promise<TransitionOutcome> {
    const changes = new ChangeSet();
    const outcome = await this.deps.db.transaction(
      async (tx) => {
        changes.clear();
        // Only → RUNNING has task rules that read the flow run.
        const locked = await this.store.lockRunWithState(tx, kind, runId, proposal.type === 'RUNNING');
        if (!locked) throw new ObjectNotFoundError(RUN_LABEL[kind], runId);
        return this.transition(tx, kind, locked.run, proposal, options, changes, {
          initialState: locked.state,
          flowRun: locked.flowRun,
        });
      },
      { group: `${kind}:${runId}` },
    );
    this.publish(changes);
    return outcome;
  }

  /** Orchestrates one transition of `run`, already locked by the caller's transaction `tx`. */
  async transition(
    tx: Tx,
    kind: RunKind,
    run: RunRecord,
    proposal: StateProposal,
    options: TransitionOptions,
    changes: ChangeSet,
    known: { initialState?: StateRecord | null; flowRun?: FlowRunSummary | null; newRun?: NewRun } = {},
  ): Promise<TransitionOutcome> {
    const initialState =
      known.initialState !== undefined
        ? known.initialState
        : run.stateId
          ? await this.store.readState(tx, kind, run.stateId)
          : null;
    const ctx = new OrchestrationContext({
      kind,
      run,
      initialState,
      proposedState: normalizeProposal(proposal),
      tx,
      store: this.store,
      now: this.clock(),
      random: this.random,
      settings: this.settings,
      flowRun: known.flowRun,
    });
    // The run-history roll-up learns of the rare transitions that change a slot it may hold.
    const historyBefore = kind === 'flow' ? historyFields(run) : null;
    const newRun = known.newRun;
    // A new run is inserted with its first state already on it (no separate UPDATE); if nothing is
    // written, it is inserted as it was proposed.
    const proposedRun = newRun ? { ...run } : null;
    let saved: unknown[] = [];
    await applyPolicy(ctx, this.policyFor(kind, options), async () => {
      if (!ctx.proposedState) return;
      const state = buildValidatedState(ctx, ctx.proposedState);
      for (const transform of GLOBAL_TRANSFORMS) transform.apply(ctx, state);
      if (newRun) {
        if (!(await this.store.insertNewRunWithState(tx, kind, run, state, newRun.conflict)))
          throw new RunExistsError();
      } else await this.store.writeTransition(tx, kind, run, state);
      saved = this.store.runSnapshot(kind, run);
      ctx.validatedState = state;
    });
    const written = ctx.validatedState;
    if (proposedRun && !written) {
      if (!(await this.store.insertNewRun(tx, kind, proposedRun, newRun!.conflict))) throw new RunExistsError();
    }
    // Saved again after the hooks only if one changed the run (a fizzled rule's cleanup restoring a
    // field), so that is stored, not only returned.
    if (written && this.store.runChangedSince(kind, run, saved)) await this.store.saveRun(tx, kind, run);
    if (written && historyBefore) {
      const stale = staleSlots(historyBefore, run);
      if (stale.length > 0) markStaleHistory(tx, stale);
    }
    if (ctx.decisions.length > 0) {
      await this.store.insertDecisions(tx, {
        kind,
        runId: run.id,
        timestamp: written?.timestamp ?? ctx.now(),
        initial: initialState,
        written,
        decisions: ctx.decisions,
      });
    }
    if (written) {
      changes.add(kind, run, written);
      if (kind === 'flow' && run.parentTaskRunId) await this.mirrorOnParentTask(tx, run, written, changes);
    }
    const state = written ?? initialState;
    return {
      result: { status: ctx.status, state: stateToApi(state), details: ctx.details },
      run,
      state,
      written: written !== null,
    };
  }

  private policyFor(kind: RunKind, options: TransitionOptions): OrchestrationPolicy {
    if (options.policy) return options.policy;
    if (kind === 'flow') return options.force ? MinimalFlowPolicy : CoreFlowPolicy;
    return options.force ? MinimalTaskPolicy : CoreTaskPolicy;
  }

  /**
   * Bulk creation: orchestrates the first state of runs that are not written yet (the scheduler's
   * many new runs), in memory. The caller writes the runs (already carrying their state fields) and
   * then the returned states with multi-row statements. Decisions, if any rule made one, come back too.
   */
  async firstStates(
    tx: Tx,
    kind: RunKind,
    runs: RunRecord[],
    proposalFor: (run: RunRecord) => StateProposal,
  ): Promise<{ run: RunRecord; state: StateRecord | null; decisions: DecisionRecordInput | null }[]> {
    const out: { run: RunRecord; state: StateRecord | null; decisions: DecisionRecordInput | null }[] = [];
    const now = this.clock();
    for (const run of runs) {
      const ctx = new OrchestrationContext({
        kind,
        run,
        initialState: null,
        proposedState: normalizeProposal(proposalFor(run)),
        tx,
        store: this.store,
        now,
        random: this.random,
        settings: this.settings,
        flowRun: null,
      });
      await applyPolicy(ctx, this.policyFor(kind, {}), async () => {
        if (!ctx.proposedState) return;
        const state = buildValidatedState(ctx, ctx.proposedState);
        for (const transform of GLOBAL_TRANSFORMS) transform.apply(ctx, state);
        ctx.validatedState = state;
      });
      const written = ctx.validatedState;
      const decisions = ctx.decisions.length
        ? {
            kind,
            runId: run.id,
            timestamp: written?.timestamp ?? now,
            initial: null,
            written,
            decisions: ctx.decisions,
          }
        : null;
      out.push({ run, state: written, decisions });
    }
    return out;
  }

  /** A subflow's parent task run mirrors every state of the child flow run (forced). */
  private async mirrorOnParentTask(tx: Tx, flowRun: RunRecord, state: StateRecord, changes: ChangeSet): Promise<void> {
    const parent = await this.store.lockRun(tx, 'task', flowRun.parentTaskRunId!);
    if (!parent) return;
    const proposal: StateProposal = {
      type: state.type,
      name: state.name,
      message: state.message,
      stateDetails: {
        ...state.stateDetails,
        childFlowRunId: flowRun.id,
        flowRunId: undefined,
        transitionId: undefined,
      },
      data: state.data,
    };
    delete proposal.stateDetails!.flowRunId;
    delete proposal.stateDetails!.transitionId;
    await this.transition(tx, 'task', parent, proposal, { force: true }, changes);
  }

  /** Publishes committed changes to live subscribers. */
  publish(changes: ChangeSet): void {
    if (!this.deps.events.observed) {
      for (const { kind, run } of changes.entries()) {
        this.deps.events.recordLocalChange(
          kind === 'flow' ? 'flow-run.updated' : 'task-run.updated',
          run.id,
          run.updated,
        );
      }
      return;
    }
    const now = this.clock();
    for (const { kind, run, state } of changes.entries()) {
      this.deps.events.publish({
        type: kind === 'flow' ? 'flow-run.updated' : 'task-run.updated',
        occurred: (run.updated ?? state?.timestamp ?? now).toISOString(),
        flowRunId: kind === 'flow' ? run.id : (run.flowRunId ?? null),
        payload: runToApi(kind, run, state, now),
      });
    }
  }
}
