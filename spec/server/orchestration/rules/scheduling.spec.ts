import { expect } from 'chai';
import { harness, type Harness } from '../../../support/orchestration';

describe('scheduling rules', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  for (const kind of ['flow', 'task'] as const) {
    describe(`WaitForScheduledTime (${kind} runs)`, () => {
      it('answers WAIT with the remaining whole seconds when the scheduled time is in the future', async () => {
        const scheduledTime = new Date(h.clock.now().getTime() + 90_500).toISOString();
        const run = await h.runIn(kind, { type: 'SCHEDULED', stateDetails: { scheduledTime } });
        const { result, written } = await h.propose(kind, run.id, { type: 'RUNNING' });
        expect(result.status).to.equal('WAIT');
        expect(result.details).to.deep.include({ type: 'wait', delaySeconds: 91 });
        expect(written).to.equal(false);
        expect((await h.read(kind, run.id)).stateType).to.equal('SCHEDULED');
      });

      it('accepts RUNNING once the scheduled time has come', async () => {
        const scheduledTime = new Date(h.clock.now().getTime() + 60_000).toISOString();
        const run = await h.runIn(kind, { type: 'SCHEDULED', stateDetails: { scheduledTime } });
        h.clock.advance(60);
        const { result } = await h.propose(kind, run.id, { type: 'RUNNING' });
        expect(result.status).to.equal('ACCEPT');
        expect(result.state?.type).to.equal('RUNNING');
      });

      it('records the WAIT with its rule and reason', async () => {
        const scheduledTime = new Date(h.clock.now().getTime() + 30_000).toISOString();
        const run = await h.runIn(kind, { type: 'SCHEDULED', stateDetails: { scheduledTime } });
        await h.propose(kind, run.id, { type: 'RUNNING' });
        const decisions = await h.services.runs.decisions(kind, run.id);
        expect(decisions).to.have.length(1);
        expect(decisions[0]).to.include({
          rule: 'WaitForScheduledTime',
          status: 'WAIT',
          delaySeconds: 30,
          fromType: 'SCHEDULED',
        });
      });
    });
  }
});
