/**
 * The rule machinery (orchestration.md §3). A rule declares the transitions it governs (FROM_STATES →
 * TO_STATES, `null` meaning "no state yet") and may change the proposal in `beforeTransition` only
 * through four verbs: reject, delay (WAIT), abort, rename. `afterTransition` runs after the write;
 * `cleanup` runs instead when the rule fizzled (a later rule changed the outcome), to undo side effects.
 */
import { STATE_TYPES, TERMINAL_STATE_TYPES, type StateType } from '../schemas/states';
import type { OrchestrationContext } from './context';
import type { ProposedState } from './records';

export type StateSet = ReadonlySet<StateType | null>;

export function states(...types: (StateType | null)[]): StateSet {
  return new Set(types);
}

/** Every state type, and "no state yet" (for FROM_STATES). */
export const ANY_STATE: StateSet = states(null, ...STATE_TYPES);
/**
 * Every state type (for TO_STATES): a rule is not entered once an earlier rule left no proposal
 * (WAIT, ABORT, REJECT with the current state).
 */
export const ALL_STATES: StateSet = states(...STATE_TYPES);
export const TERMINAL_STATES: StateSet = states(...TERMINAL_STATE_TYPES);
export const NON_TERMINAL_STATES: StateSet = states(...STATE_TYPES.filter((t) => !TERMINAL_STATE_TYPES.includes(t)));

export abstract class OrchestrationRule {
  static readonly FROM_STATES: StateSet = ANY_STATE;
  static readonly TO_STATES: StateSet = ALL_STATES;

  constructor(protected readonly context: OrchestrationContext) {}

  /** Whether the rule governs the context's transition as it stands now. */
  static governs(this: RuleClass, context: OrchestrationContext): boolean {
    return this.FROM_STATES.has(context.initialStateType) && this.TO_STATES.has(context.proposedStateType);
  }

  get ruleName(): string {
    return this.constructor.name;
  }

  async beforeTransition(_context: OrchestrationContext): Promise<void> {}

  async afterTransition(_context: OrchestrationContext): Promise<void> {}

  async cleanup(_context: OrchestrationContext): Promise<void> {}

  /** REJECT: substitute `state` for the proposal, or (null) answer with the current state and write nothing. */
  protected reject(state: ProposedState | null, reason: string): void {
    this.record('REJECT', reason, null);
    const ctx = this.context;
    ctx.proposedState = state;
    ctx.status = 'REJECT';
    ctx.details = { type: 'reject', reason };
    ctx.revision++;
  }

  /** WAIT: write nothing; the client sleeps `delaySeconds` and proposes the same state again. */
  protected delay(delaySeconds: number, reason: string): void {
    this.record('WAIT', reason, delaySeconds);
    const ctx = this.context;
    ctx.proposedState = null;
    ctx.status = 'WAIT';
    ctx.details = { type: 'wait', delaySeconds, reason };
    ctx.revision++;
  }

  /** ABORT: this transition must not happen; the client stops orchestrating the run. */
  protected abort(reason: string): void {
    this.record('ABORT', reason, null);
    const ctx = this.context;
    ctx.proposedState = null;
    ctx.status = 'ABORT';
    ctx.details = { type: 'abort', reason };
    ctx.revision++;
  }

  /** Rename the proposed state (the transition is otherwise accepted as proposed). */
  protected rename(name: string, reason = `renamed the state to ${name}`): void {
    const proposed = this.context.proposedState;
    if (!proposed || proposed.name === name) return;
    this.record('ACCEPT', reason, null);
    proposed.name = name;
  }

  private record(status: 'ACCEPT' | 'REJECT' | 'WAIT' | 'ABORT', reason: string, delaySeconds: number | null): void {
    const proposed = this.context.proposedState;
    this.context.decisions.push({
      rule: this.ruleName,
      status,
      reason,
      proposedType: proposed?.type ?? null,
      proposedName: proposed?.name ?? null,
      delaySeconds,
    });
  }
}

export type RuleClass = (new (context: OrchestrationContext) => OrchestrationRule) & {
  readonly FROM_STATES: StateSet;
  readonly TO_STATES: StateSet;
  governs(context: OrchestrationContext): boolean;
  readonly name: string;
};
