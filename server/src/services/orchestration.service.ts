/**
 * The single write path for states (orchestration.md §1, §3). For one proposal: lock the run row,
 * apply the policy (core, or minimal with `force`) and the global transforms, write at most one state
 * row and the run row, record the non-trivial decisions, commit, then publish the change. A subflow's
 * states are mirrored onto its parent task run in the same transaction.
 */
import type { Database, Tx } from '../db/database';
import { OrchestrationContext, type OrchestrationSettings } from '../orchestration/context';
import { systemClock, type Clock } from '../orchestration/clock';
import { CoreFlowPolicy, CoreTaskPolicy, MinimalFlowPolicy, MinimalTaskPolicy } from '../orchestration/policies';
import { applyPolicy } from '../orchestration/policy';
import type { ProposedState, RunRecord, StateRecord } from '../orchestration/records';
import { OrchestrationStore, type LockedRun } from '../orchestration/store';
import { buildValidatedState, GLOBAL_TRANSFORMS } from '../orchestration/transforms';
import { ObjectNotFoundError } from '../schemas/errors';
import { defaultStateName, type OrchestrationResult, type RunKind, type StateProposal } from '../schemas/states';
import type { EventBus } from './events';
import { runToApi, stateToApi } from './serializers';

export interface TransitionOptions {
  /** Replace the core policy by the minimal one (global transforms still run). */
  force?: boolean;
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

export const RUN_LABEL: Record<RunKind, string> = { flow: 'Flow run', task: 'Task run' };

export function normalizeProposal(proposal: StateProposal): ProposedState {
  return {
    type: proposal.type,
    name: proposal.name || defaultStateName(proposal.type),
    message: proposal.message ?? null,
    stateDetails: { ...(proposal.stateDetails ?? {}) },
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
    const outcome = await this.deps.db.transaction(async (tx) => {
      changes.clear();
      const locked = await this.store.lockRun(tx, kind, runId);
      if (!locked) throw new ObjectNotFoundError(RUN_LABEL[kind], runId);
      return this.transition(tx, kind, locked, proposal, options, changes);
    });
    this.publish(changes);
    return outcome;
  }

  /** Orchestrates one transition of a run already locked (with its current state) by the caller's `tx`. */
  async transition(
    tx: Tx,
    kind: RunKind,
    locked: LockedRun,
    proposal: StateProposal,
    options: TransitionOptions,
    changes: ChangeSet,
  ): Promise<TransitionOutcome> {
    const { run, state: initialState } = locked;
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
    });
    const policy =
      kind === 'flow'
        ? options.force
          ? MinimalFlowPolicy
          : CoreFlowPolicy
        : options.force
          ? MinimalTaskPolicy
          : CoreTaskPolicy;
    await applyPolicy(ctx, policy, async () => {
      if (!ctx.proposedState) return;
      const state = buildValidatedState(ctx, ctx.proposedState);
      for (const transform of GLOBAL_TRANSFORMS) transform.apply(ctx, state);
      await this.store.appendState(tx, kind, run, state);
      ctx.validatedState = state;
    });
    const written = ctx.validatedState;
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

  /**
   * Publishes committed changes to live subscribers. With none, the bus still remembers each event
   * (so the change feed does not deliver it later), but nobody can see its payload: it is not built.
   */
  publish(changes: ChangeSet): void {
    const now = this.clock();
    const events = this.deps.events;
    for (const { kind, run, state } of changes.entries()) {
      events.publish({
        type: kind === 'flow' ? 'flow-run.updated' : 'task-run.updated',
        occurred: (run.updated ?? state?.timestamp ?? now).toISOString(),
        flowRunId: kind === 'flow' ? run.id : (run.flowRunId ?? null),
        payload: events.observed ? runToApi(kind, run, state, now) : { id: run.id },
      });
    }
  }
}
