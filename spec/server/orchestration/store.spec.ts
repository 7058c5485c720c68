import { expect } from 'chai';
import type { RunKind } from '@rigel/server';
import { harness, type Harness } from '../../support/orchestration';

describe('OrchestrationStore', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  const store = () => h.services.orchestration.store;

  for (const kind of ['flow', 'task'] as const) {
    describe(`lockRunWithState (${kind} runs)`, () => {
      it('returns the run together with its current state', async () => {
        const run = await h.runIn(kind, { type: 'RUNNING', stateDetails: { transitionId: 'one' } });
        const locked = await h.db.transaction((tx) => store().lockRunWithState(tx, kind, run.id));
        expect(locked?.run.id).to.equal(run.id);
        expect(locked?.state?.id).to.equal(run.stateId);
        expect(locked?.state).to.deep.include({ type: 'RUNNING', name: 'Running' });
        expect(locked?.state?.stateDetails.transitionId).to.equal('one');
      });

      it('returns null for a run that does not exist', async () => {
        const locked = await h.db.transaction((tx) =>
          store().lockRunWithState(tx, kind, '01900000-0000-7000-8000-000000000000'),
        );
        expect(locked).to.equal(null);
      });
    });

    describe(`saveRun (${kind} runs)`, () => {
      async function cycle(runId: string): Promise<void> {
        for (const type of ['PENDING', 'RUNNING', 'COMPLETED'] as const) {
          h.clock.advance(5);
          const { run } = await h.propose(kind, runId, { type });
          const stored = await h.read(kind, runId);
          expect(stored).to.deep.include({
            stateId: run.stateId,
            stateType: type,
            runCount: run.runCount,
            totalRunTime: run.totalRunTime,
            startTime: run.startTime?.toISOString() ?? null,
            endTime: run.endTime?.toISOString() ?? null,
            nextScheduledStartTime: null,
            updated: run.updated.toISOString(),
          });
        }
      }

      it('stores every run column each transition changes', async () => {
        const scheduledTime = h.clock.now().toISOString();
        const run = await h.runIn(kind, { type: 'SCHEDULED', stateDetails: { scheduledTime } });
        expect(run.nextScheduledStartTime).to.equal(scheduledTime);
        await cycle(run.id);
        const stored = await h.read(kind, run.id);
        expect(stored).to.deep.include({ runCount: 1, totalRunTime: 5, expectedStartTime: scheduledTime });
      });

      it('stores a value changed back within the same transaction', async () => {
        const run = await h.runIn(kind, { type: 'RUNNING' });
        await h.db.transaction(async (tx) => {
          const locked = (await store().lockRunWithState(tx, kind as RunKind, run.id))!;
          locked.run.runCount = 7;
          await store().saveRun(tx, kind, locked.run);
          locked.run.runCount = 1;
          await store().saveRun(tx, kind, locked.run);
        });
        expect((await h.read(kind, run.id)).runCount).to.equal(1);
      });

      it('stores every engine column of a run that was read without a lock', async () => {
        const run = await h.runIn(kind, { type: 'RUNNING' });
        await h.db.transaction(async (tx) => {
          const unlocked = (await store().readRun(tx, kind, run.id))!;
          unlocked.runCount = 3;
          await store().saveRun(tx, kind, unlocked);
        });
        expect((await h.read(kind, run.id)).runCount).to.equal(3);
      });
    });
  }
});
