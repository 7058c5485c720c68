import { expect } from 'chai';
import { harness, type Harness } from '../../../support/orchestration';

describe('duplicate-transition rules', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  for (const kind of ['flow', 'task'] as const) {
    describe(`PreventDuplicateTransitions (${kind} runs)`, () => {
      describe('when a proposal is re-sent with the transitionId of the current state', () => {
        it('answers REJECT with the current state and writes nothing', async () => {
          const run = await h.runIn(kind, { type: 'PENDING' });
          const first = await h.propose(kind, run.id, { type: 'RUNNING', stateDetails: { transitionId: 't-1' } });
          const again = await h.propose(kind, run.id, { type: 'RUNNING', stateDetails: { transitionId: 't-1' } });
          expect(first.result.status).to.equal('ACCEPT');
          expect(again.result.status).to.equal('REJECT');
          expect(again.written).to.equal(false);
          expect(again.result.state?.id).to.equal(first.result.state?.id);
          const history = await h.services.runs.states(kind, run.id);
          expect(history.map((s) => s.type)).to.deep.equal(['PENDING', 'PENDING', 'RUNNING']);
        });

        it('rejects a different proposed state carrying the same transitionId too', async () => {
          const run = await h.runIn(kind, { type: 'RUNNING', stateDetails: { transitionId: 't-2' } });
          const { result } = await h.propose(kind, run.id, {
            type: 'COMPLETED',
            stateDetails: { transitionId: 't-2' },
          });
          expect(result.status).to.equal('REJECT');
          expect(result.state?.type).to.equal('RUNNING');
          expect((await h.read(kind, run.id)).stateType).to.equal('RUNNING');
        });

        it('records the REJECT with its rule and reason', async () => {
          const run = await h.runIn(kind, { type: 'RUNNING', stateDetails: { transitionId: 't-3' } });
          await h.propose(kind, run.id, { type: 'COMPLETED', stateDetails: { transitionId: 't-3' } });
          const decisions = await h.services.runs.decisions(kind, run.id);
          expect(decisions).to.have.length(1);
          expect(decisions[0]).to.include({
            rule: 'PreventDuplicateTransitions',
            status: 'REJECT',
            fromType: 'RUNNING',
            proposedType: 'COMPLETED',
            resultType: null,
            stateId: null,
          });
          expect(decisions[0]!.reason).to.match(/already made this state transition/);
        });
      });

      describe('when the transitionIds differ or one is missing', () => {
        it('accepts a new transitionId', async () => {
          const run = await h.runIn(kind, { type: 'RUNNING', stateDetails: { transitionId: 't-4' } });
          const { result } = await h.propose(kind, run.id, {
            type: 'COMPLETED',
            stateDetails: { transitionId: 't-5' },
          });
          expect(result.status).to.equal('ACCEPT');
          expect(result.state?.stateDetails.transitionId).to.equal('t-5');
        });

        it('accepts a proposal without a transitionId', async () => {
          const run = await h.runIn(kind, { type: 'RUNNING', stateDetails: { transitionId: 't-6' } });
          const { result } = await h.propose(kind, run.id, { type: 'COMPLETED' });
          expect(result.status).to.equal('ACCEPT');
        });

        it('accepts a transitionId when the current state has none', async () => {
          const run = await h.runIn(kind, { type: 'RUNNING' });
          const { result } = await h.propose(kind, run.id, {
            type: 'COMPLETED',
            stateDetails: { transitionId: 't-7' },
          });
          expect(result.status).to.equal('ACCEPT');
          expect(await h.services.runs.decisions(kind, run.id)).to.deep.equal([]);
        });
      });
    });
  }

  describe('PreventDuplicateTransitions (first state of a run)', () => {
    it('accepts a first proposal with a transitionId (there is no current state to repeat)', async () => {
      const run = await h.createFlowRun({ state: { type: 'PENDING', stateDetails: { transitionId: 't-8' } } });
      expect(run.stateType).to.equal('PENDING');
      expect(run.state?.stateDetails.transitionId).to.equal('t-8');
    });
  });
});
