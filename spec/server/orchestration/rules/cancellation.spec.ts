import { expect } from 'chai';
import type { StateProposal, StateType } from '@rigel/server';
import type { FlowRunCreateDto } from '@rigel/server/schemas/dto/flow-run.dto';
import { harness, type Harness } from '../../../support/orchestration';

describe('cancellation rules', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  /** A flow run created with `input`, then forced through `states`. */
  async function flowRunIn(input: Partial<FlowRunCreateDto>, ...states: StateProposal[]) {
    const run = await h.createFlowRun(input);
    for (const state of states) await h.propose('flow', run.id, state, { force: true });
    return h.read('flow', run.id);
  }
  const decisions = async (id: string) =>
    (await h.services.runs.decisions('flow', id)).map((d) => [d.rule, d.status, d.reason]);

  describe('EnforceCancellingToCancelledTransition (flow runs)', () => {
    describe('when a CANCELLING run is proposed anything but CANCELLED', () => {
      const others: StateType[] = [
        'SCHEDULED',
        'PENDING',
        'RUNNING',
        'PAUSED',
        'CANCELLING',
        'COMPLETED',
        'FAILED',
        'CRASHED',
      ];
      for (const type of others) {
        it(`answers REJECT with the Cancelling state for ${type} and writes nothing`, async () => {
          const run = await flowRunIn({ infrastructurePid: '4242' }, { type: 'RUNNING' }, { type: 'CANCELLING' });
          const { result, written } = await h.propose('flow', run.id, { type });
          expect(result.status).to.equal('REJECT');
          expect(result.state?.id).to.equal(run.stateId);
          expect(written).to.equal(false);
          expect(await decisions(run.id)).to.deep.equal([
            [
              'EnforceCancellingToCancelledTransition',
              'REJECT',
              'The run is being cancelled; it can only become Cancelled',
            ],
          ]);
        });
      }
    });

    describe('when the transition is CANCELLING → CANCELLED, or does not start at CANCELLING', () => {
      it('accepts CANCELLED', async () => {
        const run = await flowRunIn({}, { type: 'RUNNING' }, { type: 'CANCELLING' });
        const { result } = await h.propose('flow', run.id, { type: 'CANCELLED' });
        expect(result.status).to.equal('ACCEPT');
        expect(result.state?.type).to.equal('CANCELLED');
      });

      it('does not govern a running run finishing', async () => {
        const run = await flowRunIn({}, { type: 'RUNNING' });
        expect((await h.propose('flow', run.id, { type: 'COMPLETED' })).result.status).to.equal('ACCEPT');
        expect(await decisions(run.id)).to.deep.equal([]);
      });

      it('does not apply under force (it is not in the minimal policy)', async () => {
        const run = await flowRunIn({ infrastructurePid: '4242' }, { type: 'RUNNING' }, { type: 'CANCELLING' });
        const { result } = await h.propose('flow', run.id, { type: 'RUNNING' }, { force: true });
        expect(result.status).to.equal('ACCEPT');
      });
    });
  });

  describe('BypassCancellingFlowRunsWithNoInfra (flow runs)', () => {
    describe('when a run with no process to stop is cancelled', () => {
      it('answers REJECT into a written Cancelled state for a SCHEDULED run without a process', async () => {
        const run = await flowRunIn({}, { type: 'SCHEDULED' });
        const { result, written } = await h.propose('flow', run.id, { type: 'CANCELLING', message: 'by the user' });
        expect(result.status).to.equal('REJECT');
        expect(written).to.equal(true);
        expect(result.state).to.include({ type: 'CANCELLED', name: 'Cancelled', message: 'by the user' });
        expect((await h.read('flow', run.id)).stateType).to.equal('CANCELLED');
        expect(await decisions(run.id)).to.deep.equal([
          [
            'BypassCancellingFlowRunsWithNoInfra',
            'REJECT',
            'The run has no process running it; it is cancelled directly',
          ],
        ]);
      });

      it('cancels a PAUSED run without a process directly', async () => {
        const run = await flowRunIn({}, { type: 'RUNNING' }, { type: 'PAUSED' });
        expect((await h.propose('flow', run.id, { type: 'CANCELLING' })).result.state?.type).to.equal('CANCELLED');
      });

      for (const suspended of [
        { type: 'PAUSED', name: 'Suspended' },
        { type: 'PAUSED', stateDetails: { pauseReschedule: true } },
      ] as StateProposal[]) {
        it(`cancels a suspended run directly even if a process was recorded (${JSON.stringify(suspended)})`, async () => {
          const run = await flowRunIn({ infrastructurePid: '4242' }, { type: 'RUNNING' }, suspended);
          const { result } = await h.propose('flow', run.id, { type: 'CANCELLING' });
          expect(result.state?.type).to.equal('CANCELLED');
          expect((await h.services.runs.decisions('flow', run.id))[0]!.reason).to.equal(
            'The suspended run has no process to stop; it is cancelled directly',
          );
        });
      }

      it('cancels directly under force too (it is in the minimal policy)', async () => {
        const run = await flowRunIn({}, { type: 'SCHEDULED' });
        const { result } = await h.propose('flow', run.id, { type: 'CANCELLING' }, { force: true });
        expect(result.state?.type).to.equal('CANCELLED');
      });
    });

    describe('when a process may be running the run', () => {
      it('accepts CANCELLING for a SCHEDULED run with a recorded process', async () => {
        const run = await flowRunIn({ infrastructurePid: '4242' }, { type: 'SCHEDULED' });
        const { result } = await h.propose('flow', run.id, { type: 'CANCELLING' });
        expect(result.status).to.equal('ACCEPT');
        expect(result.state?.type).to.equal('CANCELLING');
      });

      it('does not govern RUNNING → CANCELLING, with or without a process', async () => {
        for (const input of [{}, { infrastructurePid: '4242' }]) {
          const run = await flowRunIn(input, { type: 'RUNNING' });
          expect((await h.propose('flow', run.id, { type: 'CANCELLING' })).result.state?.type).to.equal('CANCELLING');
        }
      });
    });
  });
});
