import { expect } from 'chai';
import type { StateType } from '@rigel/server';
import { harness, type Harness } from '../../../support/orchestration';

describe('claim rules', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  // Flow runs only: the core task policy (orchestration.md §5) has no claim rule.
  describe('PreventPendingTransitions (flow runs)', () => {
    describe('when a claimed, running, cancelling or cancelled run is claimed again (→ PENDING)', () => {
      const cases: [StateType, StateType[]][] = [
        ['PENDING', []],
        ['RUNNING', ['RUNNING']],
        ['CANCELLED', ['RUNNING', 'CANCELLED']],
      ];
      for (const [from, path] of cases) {
        it(`aborts from ${from} and writes nothing`, async () => {
          const run = await h.runIn('flow', ...path.map((type) => ({ type })));
          expect(run.stateType).to.equal(from);
          const { result, written } = await h.propose('flow', run.id, { type: 'PENDING' });
          expect(result.status).to.equal('ABORT');
          expect(result.state?.id).to.equal(run.stateId);
          expect(written).to.equal(false);
          expect((await h.read('flow', run.id)).stateType).to.equal(from);
        });
      }

      it('leaves CANCELLING to EnforceCancellingToCancelledTransition, which runs first and rejects', async () => {
        const run = await h.runIn('flow', { type: 'RUNNING' }, { type: 'CANCELLING' });
        const { result, written } = await h.propose('flow', run.id, { type: 'PENDING' });
        expect(result.status).to.equal('REJECT');
        expect(written).to.equal(false);
        const decisions = await h.services.runs.decisions('flow', run.id);
        expect(decisions.map((d) => d.rule)).to.deep.equal(['EnforceCancellingToCancelledTransition']);
      });

      it('records the ABORT with its rule and reason', async () => {
        const run = await h.runIn('flow', { type: 'RUNNING' });
        await h.propose('flow', run.id, { type: 'PENDING' });
        const decisions = await h.services.runs.decisions('flow', run.id);
        expect(decisions).to.have.length(1);
        expect(decisions[0]).to.include({
          rule: 'PreventPendingTransitions',
          status: 'ABORT',
          fromType: 'RUNNING',
          proposedType: 'PENDING',
        });
        expect(decisions[0]!.reason).to.match(/cannot be claimed again/);
      });
    });

    describe('when the claimant reports progress (PENDING → PENDING with a new name)', () => {
      it('accepts it', async () => {
        const run = await h.createFlowRun();
        const { result } = await h.propose('flow', run.id, { type: 'PENDING', name: 'PullingImage' });
        expect(result.status).to.equal('ACCEPT');
        expect(result.state).to.include({ type: 'PENDING', name: 'PullingImage' });
      });
    });

    describe('when a run that may be claimed is claimed', () => {
      for (const from of ['SCHEDULED', 'FAILED', 'CRASHED'] as const) {
        it(`accepts PENDING from ${from}`, async () => {
          const run = await h.runIn('flow', { type: 'RUNNING' }, { type: from });
          const { result } = await h.propose('flow', run.id, { type: 'PENDING' });
          expect(result.status).to.equal('ACCEPT');
          expect(result.state?.type).to.equal('PENDING');
        });
      }
    });

    describe('when a claimed run moves on', () => {
      it('does not govern PENDING → RUNNING', async () => {
        const run = await h.runIn('flow', { type: 'PENDING' });
        const { result } = await h.propose('flow', run.id, { type: 'RUNNING' });
        expect(result.status).to.equal('ACCEPT');
      });
    });
  });

  describe('PreventPendingTransitions (task runs)', () => {
    it('is not part of the core task policy: a running task run may go back to PENDING', async () => {
      const run = await h.runIn('task', { type: 'RUNNING' });
      const { result } = await h.propose('task', run.id, { type: 'PENDING' });
      expect(result.status).to.equal('ACCEPT');
      expect(await h.services.runs.decisions('task', run.id)).to.deep.equal([]);
    });
  });
});
