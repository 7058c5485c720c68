import { expect } from 'chai';
import type { StateProposal } from '@rigel/server';
import { MarkLateRunsPolicy } from '@rigel/server/orchestration/policies';
import { harness, type Harness } from '../../../support/orchestration';

describe('late-run rules', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  const scheduledTime = '2029-12-31T23:59:00.000Z';
  const late: StateProposal = { type: 'SCHEDULED', name: 'Late', stateDetails: { scheduledTime } };
  const decisions = async (id: string) =>
    (await h.services.runs.decisions('flow', id)).map((d) => [d.rule, d.status, d.reason]);

  for (const [policy, options] of [
    ['the core flow policy', {}],
    ['MarkLateRunsPolicy', { policy: MarkLateRunsPolicy }],
  ] as const) {
    describe(`EnsureOnlyScheduledFlowsMarkedLate (flow runs, ${policy})`, () => {
      describe('when a SCHEDULED run is marked Late', () => {
        it('accepts Late, still SCHEDULED at the same time', async () => {
          const run = await h.runIn('flow', { type: 'SCHEDULED', stateDetails: { scheduledTime } });
          const { result } = await h.propose('flow', run.id, late, options);
          expect(result.status).to.equal('ACCEPT');
          expect(result.state).to.include({ type: 'SCHEDULED', name: 'Late' });
          expect(result.state?.stateDetails.scheduledTime).to.equal(scheduledTime);
          expect((await h.read('flow', run.id)).nextScheduledStartTime).to.equal(scheduledTime);
          expect(await decisions(run.id)).to.deep.equal([]);
        });
      });

      describe('when the run is already Late, or not SCHEDULED', () => {
        const cases: [string, StateProposal[]][] = [
          ['Late', [late]],
          ['Pending', [{ type: 'PENDING' }]],
          ['Running', [{ type: 'RUNNING' }]],
        ];
        // In the core policy a finished run meets HandleFlowTerminalStateTransitions first.
        if ('policy' in options) cases.push(['Completed', [{ type: 'RUNNING' }, { type: 'COMPLETED' }]]);
        for (const [name, path] of cases) {
          it(`answers REJECT with the current state for a ${name} run and writes nothing`, async () => {
            const run = await h.runIn('flow', ...path);
            expect(run.stateName).to.equal(name);
            const { result, written } = await h.propose('flow', run.id, late, options);
            expect([result.status, written, result.state?.id]).to.deep.equal(['REJECT', false, run.stateId]);
            expect(await decisions(run.id)).to.deep.equal([
              [
                'EnsureOnlyScheduledFlowsMarkedLate',
                'REJECT',
                `Only a scheduled run can become Late (this one is ${name})`,
              ],
            ]);
          });
        }
      });

      describe('when the proposal is not named Late', () => {
        it('does not govern SCHEDULED proposals with other names', async () => {
          const run = await h.runIn('flow', { type: 'RUNNING' });
          const { result } = await h.propose('flow', run.id, { type: 'SCHEDULED', name: 'Resuming' }, options);
          expect(result.status).to.equal('ACCEPT');
          expect(await decisions(run.id)).to.deep.equal([]);
        });
      });
    });
  }
});
