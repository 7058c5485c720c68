import { expect } from 'chai';
import { harness, type Harness } from '../../../support/orchestration';

describe('scheduling rules', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  /** The ISO time `ms` milliseconds from the (frozen) clock's now. */
  const inMs = (ms: number) => new Date(h.clock.now().getTime() + ms).toISOString();

  for (const kind of ['flow', 'task'] as const) {
    describe(`CopyScheduledTime (${kind} runs)`, () => {
      describe('when a SCHEDULED run is claimed (→ PENDING)', () => {
        it('carries the scheduled time into the PENDING state', async () => {
          const scheduledTime = inMs(120_000);
          const run = await h.runIn(kind, { type: 'SCHEDULED', stateDetails: { scheduledTime } });
          const { result } = await h.propose(kind, run.id, { type: 'PENDING' });
          expect(result.status).to.equal('ACCEPT');
          expect(result.state?.stateDetails.scheduledTime).to.equal(scheduledTime);
        });

        it('keeps the run’s scheduled time over one named in the proposal', async () => {
          const scheduledTime = inMs(120_000);
          const run = await h.runIn(kind, { type: 'SCHEDULED', stateDetails: { scheduledTime } });
          const { result } = await h.propose(kind, run.id, {
            type: 'PENDING',
            stateDetails: { scheduledTime: inMs(0) },
          });
          expect(result.state?.stateDetails.scheduledTime).to.equal(scheduledTime);
        });
      });

      describe('when the transition is not SCHEDULED → PENDING', () => {
        it('does not copy into a RUNNING state', async () => {
          const run = await h.runIn(kind, { type: 'SCHEDULED', stateDetails: { scheduledTime: inMs(-1000) } });
          const { result } = await h.propose(kind, run.id, { type: 'RUNNING' });
          expect(result.status).to.equal('ACCEPT');
          expect(result.state?.stateDetails).to.not.have.property('scheduledTime');
        });

        it('does not copy from a FAILED state', async () => {
          const run = await h.runIn(kind, { type: 'FAILED', stateDetails: { scheduledTime: inMs(60_000) } });
          const { result } = await h.propose(kind, run.id, { type: 'PENDING' });
          expect(result.state?.stateDetails).to.not.have.property('scheduledTime');
        });
      });
    });

    describe(`WaitForScheduledTime (${kind} runs)`, () => {
      describe('when the scheduled time is in the future', () => {
        it('answers WAIT with the remaining whole seconds', async () => {
          const run = await h.runIn(kind, { type: 'SCHEDULED', stateDetails: { scheduledTime: inMs(90_500) } });
          const { result, written } = await h.propose(kind, run.id, { type: 'RUNNING' });
          expect(result.status).to.equal('WAIT');
          expect(result.details).to.deep.include({ type: 'wait', delaySeconds: 91 });
          expect(written).to.equal(false);
          expect((await h.read(kind, run.id)).stateType).to.equal('SCHEDULED');
        });

        it('rounds a remaining millisecond up to a WAIT of 1 second', async () => {
          const run = await h.runIn(kind, { type: 'SCHEDULED', stateDetails: { scheduledTime: inMs(1) } });
          const { result } = await h.propose(kind, run.id, { type: 'RUNNING' });
          expect(result.details).to.deep.include({ type: 'wait', delaySeconds: 1 });
        });

        it('still waits after an early claim, because the claim carried the time forward', async () => {
          const run = await h.runIn(kind, { type: 'SCHEDULED', stateDetails: { scheduledTime: inMs(30_000) } });
          expect((await h.propose(kind, run.id, { type: 'PENDING' })).result.status).to.equal('ACCEPT');
          const { result } = await h.propose(kind, run.id, { type: 'RUNNING' });
          expect(result.status).to.equal('WAIT');
          expect(result.details).to.deep.include({ delaySeconds: 30 });
        });

        it('records the WAIT with its rule and reason', async () => {
          const scheduledTime = inMs(30_000);
          const run = await h.runIn(kind, { type: 'SCHEDULED', stateDetails: { scheduledTime } });
          await h.propose(kind, run.id, { type: 'RUNNING' });
          const decisions = await h.services.runs.decisions(kind, run.id);
          expect(decisions).to.have.length(1);
          expect(decisions[0]).to.include({
            rule: 'WaitForScheduledTime',
            status: 'WAIT',
            delaySeconds: 30,
            fromType: 'SCHEDULED',
            reason: `Scheduled to start at ${scheduledTime}`,
          });
        });
      });

      describe('when the scheduled time has come', () => {
        it('accepts RUNNING at exactly the scheduled time', async () => {
          const run = await h.runIn(kind, { type: 'SCHEDULED', stateDetails: { scheduledTime: inMs(60_000) } });
          h.clock.advance(60);
          const { result } = await h.propose(kind, run.id, { type: 'RUNNING' });
          expect(result.status).to.equal('ACCEPT');
          expect(result.state?.type).to.equal('RUNNING');
        });

        it('accepts RUNNING from a PENDING state without a scheduled time', async () => {
          const run = await h.runIn(kind, { type: 'PENDING' });
          const { result } = await h.propose(kind, run.id, { type: 'RUNNING' });
          expect(result.status).to.equal('ACCEPT');
        });
      });

      describe('when the transition is not SCHEDULED|PENDING → RUNNING', () => {
        it('does not make a PAUSED run with a future time wait', async () => {
          const run = await h.runIn(
            kind,
            { type: 'RUNNING' },
            { type: 'PAUSED', stateDetails: { scheduledTime: inMs(60_000) } },
          );
          const { result } = await h.propose(kind, run.id, { type: 'RUNNING' });
          expect(result.status).to.equal('ACCEPT');
        });

        it('does not make a claim (→ PENDING) wait', async () => {
          const run = await h.runIn(kind, { type: 'SCHEDULED', stateDetails: { scheduledTime: inMs(60_000) } });
          const { result } = await h.propose(kind, run.id, { type: 'PENDING' });
          expect(result.status).to.equal('ACCEPT');
        });
      });
    });
  }
});
