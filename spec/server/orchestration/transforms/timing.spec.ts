import { expect } from 'chai';
import { harness, type Harness } from '../../../support/orchestration';

describe('timing transforms', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  const iso = (offsetMs = 0) => new Date(h.clock.now().getTime() + offsetMs).toISOString();

  for (const kind of ['flow', 'task'] as const) {
    /** A new run of `kind` (PENDING, through the core policy). */
    const newRun = () => (kind === 'flow' ? h.createFlowRun() : h.createTaskRun());
    const propose = async (id: string, type: Parameters<Harness['propose']>[2]['type'], force = false) => {
      const { result } = await h.propose(kind, id, { type }, { force });
      expect(result.status, type).to.equal('ACCEPT');
      return result.state!;
    };

    describe(`SetStartTime (${kind} runs)`, () => {
      it('sets startTime on the first RUNNING and keeps it on later ones', async () => {
        const run = await newRun();
        expect(run.startTime).to.equal(null);
        h.clock.advance(10);
        const first = await propose(run.id, 'RUNNING');
        h.clock.advance(10);
        await propose(run.id, 'PAUSED');
        await propose(run.id, 'RUNNING');
        expect((await h.read(kind, run.id)).startTime).to.equal(first.timestamp);
      });
    });

    describe(`SetEndTime (${kind} runs)`, () => {
      it('sets endTime on entering a final state and moves it with the next final state', async () => {
        const run = await h.runIn(kind, { type: 'RUNNING' });
        expect(run.endTime).to.equal(null);
        h.clock.advance(5);
        const failed = await propose(run.id, 'FAILED');
        expect((await h.read(kind, run.id)).endTime).to.equal(failed.timestamp);
        h.clock.advance(5);
        const completed = await propose(run.id, 'COMPLETED');
        expect((await h.read(kind, run.id)).endTime).to.equal(completed.timestamp);
      });

      it('clears endTime when the run leaves its final state', async () => {
        const run = await h.runIn(kind, { type: 'RUNNING' }, { type: 'FAILED' });
        expect(run.endTime).to.not.equal(null);
        await propose(run.id, 'RUNNING');
        expect((await h.read(kind, run.id)).endTime).to.equal(null);
      });
    });

    describe(`IncrementRunTime (${kind} runs)`, () => {
      it('adds the time spent RUNNING when the run leaves RUNNING, and only that time', async () => {
        const run = await newRun();
        h.clock.advance(100);
        await propose(run.id, 'RUNNING');
        h.clock.advance(42.5);
        await propose(run.id, 'PAUSED');
        expect((await h.read(kind, run.id)).totalRunTime).to.equal(42.5);
        h.clock.advance(1000);
        await propose(run.id, 'RUNNING');
        h.clock.advance(7.5);
        await propose(run.id, 'COMPLETED');
        expect((await h.read(kind, run.id)).totalRunTime).to.equal(50);
      });
    });

    describe(`IncrementRunCount (${kind} runs)`, () => {
      it('counts each entry into RUNNING, but not RUNNING → RUNNING', async () => {
        const run = await newRun();
        await propose(run.id, 'RUNNING');
        await propose(run.id, 'RUNNING');
        expect((await h.read(kind, run.id)).runCount).to.equal(1);
        await propose(run.id, 'SCHEDULED');
        await propose(run.id, 'RUNNING');
        expect((await h.read(kind, run.id)).runCount).to.equal(2);
      });

      it(
        kind === 'flow'
          ? 'does not count resuming a flow run from PAUSED'
          : 'counts a task run leaving PAUSED as a new attempt',
        async () => {
          const run = await h.runIn(kind, { type: 'RUNNING' }, { type: 'PAUSED' });
          await propose(run.id, 'RUNNING');
          expect((await h.read(kind, run.id)).runCount).to.equal(kind === 'flow' ? 1 : 2);
        },
      );
    });

    describe(`SetExpectedStartTime (${kind} runs)`, () => {
      it('takes the scheduled time of a SCHEDULED first state, and keeps it', async () => {
        const scheduledTime = iso(3_600_000);
        const input = { state: { type: 'SCHEDULED' as const, stateDetails: { scheduledTime } } };
        const run = kind === 'flow' ? await h.createFlowRun(input) : await h.createTaskRun(input);
        expect(run.expectedStartTime).to.equal(scheduledTime);
        await propose(run.id, 'SCHEDULED', true);
        expect((await h.read(kind, run.id)).expectedStartTime).to.equal(scheduledTime);
      });

      it('takes the timestamp of any other first state, and ignores a later schedule', async () => {
        const run = await newRun();
        expect(run.expectedStartTime).to.equal(run.state?.timestamp);
        const { result } = await h.propose(kind, run.id, {
          type: 'SCHEDULED',
          stateDetails: { scheduledTime: iso(60_000) },
        });
        expect(result.status).to.equal('ACCEPT');
        expect((await h.read(kind, run.id)).expectedStartTime).to.equal(run.state?.timestamp);
      });
    });

    describe(`SetNextScheduledStartTime (${kind} runs)`, () => {
      it('holds the scheduled time while SCHEDULED and is cleared by any other state', async () => {
        const run = await newRun();
        expect(run.nextScheduledStartTime).to.equal(null);
        const scheduledTime = iso(60_000);
        await h.propose(kind, run.id, { type: 'SCHEDULED', stateDetails: { scheduledTime } });
        expect((await h.read(kind, run.id)).nextScheduledStartTime).to.equal(scheduledTime);
        await propose(run.id, 'PENDING');
        expect((await h.read(kind, run.id)).nextScheduledStartTime).to.equal(null);
      });
    });

    describe(`the timing transforms under force (${kind} runs)`, () => {
      it('still apply when the minimal policy is used', async () => {
        const run = await newRun();
        h.clock.advance(1);
        const running = await propose(run.id, 'RUNNING', true);
        h.clock.advance(3);
        const crashed = await propose(run.id, 'CRASHED', true);
        const stored = await h.read(kind, run.id);
        expect(stored).to.include({
          runCount: 1,
          startTime: running.timestamp,
          endTime: crashed.timestamp,
          totalRunTime: 3,
        });
      });
    });
  }
});
