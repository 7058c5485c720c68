/**
 * One proposed transition of one run, as the rules see it. The run row is locked for the whole life
 * of a context; rules change the proposal only through the verbs in rule.ts, which update `status`,
 * `details` and `revision` here and record a decision.
 */
import type { OrchestrationDetails, OrchestrationStatus, RunKind, StateType } from '../schemas/states';
import type { Tx } from '../db/database';
import type { OrchestrationStore } from './store';
import type { FlowRunSummary, ProposedState, RunRecord, StateRecord } from './records';

export interface DecisionDraft {
  rule: string;
  status: OrchestrationStatus;
  reason: string | null;
  proposedType: StateType | null;
  proposedName: string | null;
  delaySeconds: number | null;
}

export interface OrchestrationSettings {
  /** WAIT given to a task whose tag concurrency slots are full. */
  taskConcurrencyWaitSeconds: number;
}

export interface ContextInit {
  kind: RunKind;
  run: RunRecord;
  initialState: StateRecord | null;
  proposedState: ProposedState;
  tx: Tx;
  store: OrchestrationStore;
  now: Date;
  random: () => number;
  settings: OrchestrationSettings;
  /** The enclosing flow run of a task run, when the caller already read it. */
  flowRun?: FlowRunSummary | null;
}

export class OrchestrationContext {
  readonly kind: RunKind;
  readonly run: RunRecord;
  readonly initialState: StateRecord | null;
  proposedState: ProposedState | null;
  readonly tx: Tx;
  readonly store: OrchestrationStore;
  readonly random: () => number;
  readonly settings: OrchestrationSettings;

  status: OrchestrationStatus = 'ACCEPT';
  details: OrchestrationDetails = { type: 'accept' };
  /** Bumped by every verb that changes the outcome; a rule fizzles when it moved after its beforeTransition. */
  revision = 0;
  /** The state written by this transition, if any. */
  validatedState: StateRecord | null = null;
  readonly decisions: DecisionDraft[] = [];

  private readonly instant: Date;
  private flowRunLookup?: Promise<FlowRunSummary | null>;

  constructor(init: ContextInit) {
    this.kind = init.kind;
    this.run = init.run;
    this.initialState = init.initialState;
    this.proposedState = init.proposedState;
    this.tx = init.tx;
    this.store = init.store;
    this.instant = init.now;
    this.random = init.random;
    this.settings = init.settings;
    if (init.flowRun !== undefined) this.flowRunLookup = Promise.resolve(init.flowRun);
  }

  /** The one instant this transition happens at (the clock is read once per transition). */
  now(): Date {
    return new Date(this.instant.getTime());
  }

  get initialStateType(): StateType | null {
    return this.initialState?.type ?? null;
  }

  get proposedStateType(): StateType | null {
    return this.proposedState?.type ?? null;
  }

  /** The flow run enclosing a task run (read once per transition); null for flow runs and orphan tasks. */
  flowRun(): Promise<FlowRunSummary | null> {
    if (this.kind !== 'task' || !this.run.flowRunId) return Promise.resolve(null);
    this.flowRunLookup ??= this.store.readFlowRunSummary(this.tx, this.run.flowRunId);
    return this.flowRunLookup;
  }
}
