import { expect } from 'chai';
import { OrchestrationContext } from '@rigel/server/orchestration/context';
import {
  ALL_STATES,
  ANY_STATE,
  OrchestrationRule,
  states,
  type RuleClass,
  type StateSet,
} from '@rigel/server/orchestration/rule';
import type { ProposedState } from '@rigel/server/orchestration/records';
import { harness, type Harness } from '../../support/orchestration';
import { applyRules, withContext } from '../../support/policy';

type Action =
  | { verb: 'none' }
  | { verb: 'delay'; seconds: number }
  | { verb: 'abort' }
  | { verb: 'reject'; state: ProposedState | null }
  | { verb: 'rename'; name: string };

const NONE: Action = { verb: 'none' };

/** A rule for the machinery specs: logs its hooks and applies one verb in beforeTransition. */
function rule(log: string[], name: string, act: Action = NONE, from: StateSet = ANY_STATE, to: StateSet = ANY_STATE) {
  const Rule = class extends OrchestrationRule {
    static override readonly FROM_STATES = from;
    static override readonly TO_STATES = to;
    override async beforeTransition(): Promise<void> {
      log.push(`${name}.before`);
      if (act.verb === 'delay') this.delay(act.seconds, `${name} waits`);
      if (act.verb === 'abort') this.abort(`${name} aborts`);
      if (act.verb === 'reject') this.reject(act.state, `${name} rejects`);
      if (act.verb === 'rename') this.rename(act.name);
    }
    override async afterTransition(): Promise<void> {
      log.push(`${name}.after`);
    }
    override async cleanup(): Promise<void> {
      log.push(`${name}.cleanup`);
    }
  };
  Object.defineProperty(Rule, 'name', { value: name });
  return Rule as RuleClass;
}

/** The same context without a current state (a run's very first proposal). */
function withoutState(ctx: OrchestrationContext): OrchestrationContext {
  return new OrchestrationContext({
    kind: ctx.kind,
    run: ctx.run,
    initialState: null,
    proposedState: ctx.proposedState!,
    tx: ctx.tx,
    store: ctx.store,
    now: ctx.now(),
    random: ctx.random,
    settings: ctx.settings,
  });
}

describe('the policy machinery (applyPolicy, OrchestrationRule)', () => {
  let h: Harness;
  let log: string[];
  let runId: string;
  beforeEach(async () => {
    h = await harness();
    log = [];
    runId = (await h.runIn('flow', { type: 'RUNNING' })).id;
  });

  /** Proposes COMPLETED for the RUNNING flow run under an ad-hoc policy of `rules`. */
  function apply(rules: RuleClass[]) {
    return withContext(h, 'flow', runId, { type: 'COMPLETED' }, async (ctx) => {
      await applyRules(ctx, rules);
      return ctx;
    });
  }

  describe('when every rule governs the transition', () => {
    it('runs beforeTransition in policy order and afterTransition in reverse order', async () => {
      await apply([rule(log, 'A'), rule(log, 'B'), rule(log, 'C')]);
      expect(log).to.deep.equal(['A.before', 'B.before', 'C.before', 'C.after', 'B.after', 'A.after']);
    });

    it('accepts the proposal unchanged when no rule uses a verb', async () => {
      const ctx = await apply([rule(log, 'A')]);
      expect(ctx.status).to.equal('ACCEPT');
      expect(ctx.details).to.deep.equal({ type: 'accept' });
      expect(ctx.validatedState).to.include({ type: 'COMPLETED', name: 'Completed' });
      expect(ctx.decisions).to.deep.equal([]);
    });
  });

  describe('when a rule does not govern the transition', () => {
    it('skips every hook of a rule whose FROM_STATES exclude the current state', async () => {
      await apply([rule(log, 'A'), rule(log, 'FromPending', NONE, states('PENDING')), rule(log, 'C')]);
      expect(log).to.deep.equal(['A.before', 'C.before', 'C.after', 'A.after']);
    });

    it('skips every hook of a rule whose TO_STATES exclude the proposed state', async () => {
      await apply([rule(log, 'ToRunning', NONE, ANY_STATE, states('RUNNING')), rule(log, 'B')]);
      expect(log).to.deep.equal(['B.before', 'B.after']);
    });
  });

  describe('governs()', () => {
    it('matches the current state type against FROM_STATES and the proposed type against TO_STATES', async () => {
      await withContext(h, 'flow', runId, { type: 'COMPLETED' }, async (ctx) => {
        expect(rule(log, 'X', NONE, states('RUNNING'), states('COMPLETED')).governs(ctx)).to.equal(true);
        expect(rule(log, 'X', NONE, states('PENDING'), states('COMPLETED')).governs(ctx)).to.equal(false);
        expect(rule(log, 'X', NONE, states('RUNNING'), states('FAILED')).governs(ctx)).to.equal(false);
      });
    });

    it('treats "no state yet" as null: only FROM_STATES containing null govern a first proposal', async () => {
      await withContext(h, 'flow', runId, { type: 'PENDING' }, async (ctx) => {
        const first = withoutState(ctx);
        expect(first.initialStateType).to.equal(null);
        expect(rule(log, 'X', NONE, states(null)).governs(first)).to.equal(true);
        expect(rule(log, 'X', NONE, ANY_STATE).governs(first)).to.equal(true);
        expect(rule(log, 'X', NONE, states('SCHEDULED', 'PENDING')).governs(first)).to.equal(false);
        expect(rule(log, 'X', NONE, states(null)).governs(ctx)).to.equal(false);
      });
    });
  });

  describe('when a rule changes the proposal', () => {
    it('runs cleanup instead of afterTransition for the rules entered before the change', async () => {
      await apply([rule(log, 'A'), rule(log, 'Waits', { verb: 'delay', seconds: 5 }), rule(log, 'C')]);
      expect(log).to.deep.equal(['A.before', 'Waits.before', 'C.before', 'C.after', 'Waits.after', 'A.cleanup']);
    });

    it('re-evaluates governs() for each later rule against the proposal as it stands then', async () => {
      const running = { type: 'RUNNING', name: 'Running', message: null, stateDetails: {}, data: null } as const;
      const toRunning = rule(log, 'ToRunning', NONE, ANY_STATE, states('RUNNING'));
      const toCompleted = rule(log, 'ToCompleted', NONE, ANY_STATE, states('COMPLETED'));
      await apply([rule(log, 'Rejects', { verb: 'reject', state: running }), toCompleted, toRunning]);
      expect(log).to.deep.equal(['Rejects.before', 'ToRunning.before', 'ToRunning.after', 'Rejects.after']);
    });

    it('enters a rule whose TO_STATES contain null after a WAIT or ABORT nulled the proposal', async () => {
      const toNull = rule(log, 'ToNull', NONE, ANY_STATE, states(null));
      await apply([toNull, rule(log, 'Aborts', { verb: 'abort' }), toNull]);
      expect(log).to.deep.equal(['Aborts.before', 'ToNull.before', 'ToNull.after', 'Aborts.after']);
    });

    it('makes a rule fizzle when a later rule overrides its own change', async () => {
      const aborts = rule(log, 'Aborts', { verb: 'abort' }, ANY_STATE, ANY_STATE);
      await apply([rule(log, 'Rejects', { verb: 'reject', state: null }), aborts]);
      expect(log).to.deep.equal(['Rejects.before', 'Aborts.before', 'Aborts.after', 'Rejects.cleanup']);
    });

    it('does not enter a rule with the default TO_STATES once an earlier rule left no proposal', async () => {
      await apply([
        rule(log, 'Rejects', { verb: 'reject', state: null }),
        rule(log, 'Default', NONE, ANY_STATE, ALL_STATES),
      ]);
      expect(log).to.deep.equal(['Rejects.before', 'Rejects.after']);
    });

    it('does not count a rename as a change: earlier rules still run afterTransition', async () => {
      const ctx = await apply([rule(log, 'A'), rule(log, 'Renames', { verb: 'rename', name: 'Done' })]);
      expect(log).to.deep.equal(['A.before', 'Renames.before', 'Renames.after', 'A.after']);
      expect(ctx.validatedState).to.include({ type: 'COMPLETED', name: 'Done' });
      expect(ctx.status).to.equal('ACCEPT');
    });
  });

  describe('the verbs', () => {
    it('delay answers WAIT with the delay and records the decision', async () => {
      const ctx = await apply([rule(log, 'Waits', { verb: 'delay', seconds: 7 })]);
      expect(ctx.status).to.equal('WAIT');
      expect(ctx.details).to.deep.equal({ type: 'wait', delaySeconds: 7, reason: 'Waits waits' });
      expect(ctx.validatedState).to.equal(null);
      expect(ctx.decisions).to.deep.equal([
        {
          rule: 'Waits',
          status: 'WAIT',
          reason: 'Waits waits',
          proposedType: 'COMPLETED',
          proposedName: 'Completed',
          delaySeconds: 7,
        },
      ]);
    });

    it('abort answers ABORT and writes nothing', async () => {
      const ctx = await apply([rule(log, 'Aborts', { verb: 'abort' })]);
      expect(ctx.status).to.equal('ABORT');
      expect(ctx.details).to.deep.equal({ type: 'abort', reason: 'Aborts aborts' });
      expect(ctx.validatedState).to.equal(null);
      expect(ctx.decisions.map((d) => [d.rule, d.status])).to.deep.equal([['Aborts', 'ABORT']]);
    });

    it('reject(null) answers REJECT and writes nothing', async () => {
      const ctx = await apply([rule(log, 'Rejects', { verb: 'reject', state: null })]);
      expect(ctx.status).to.equal('REJECT');
      expect(ctx.details).to.deep.equal({ type: 'reject', reason: 'Rejects rejects' });
      expect(ctx.validatedState).to.equal(null);
    });

    it('reject(state) answers REJECT and writes the substitute', async () => {
      const paused = { type: 'PAUSED', name: 'Held', message: 'm', stateDetails: {}, data: null } as const;
      const ctx = await apply([rule(log, 'Rejects', { verb: 'reject', state: { ...paused } })]);
      expect(ctx.status).to.equal('REJECT');
      expect(ctx.validatedState).to.include({ type: 'PAUSED', name: 'Held', message: 'm' });
      expect(ctx.decisions[0]).to.include({ proposedType: 'COMPLETED', proposedName: 'Completed' });
    });

    it('rename keeps ACCEPT and records an ACCEPT decision; renaming to the same name records nothing', async () => {
      const renamed = await apply([rule(log, 'Renames', { verb: 'rename', name: 'Finished' })]);
      expect(renamed.decisions.map((d) => [d.rule, d.status, d.proposedName])).to.deep.equal([
        ['Renames', 'ACCEPT', 'Completed'],
      ]);
      const same = await apply([rule(log, 'Renames', { verb: 'rename', name: 'Completed' })]);
      expect(same.decisions).to.deep.equal([]);
    });
  });
});
