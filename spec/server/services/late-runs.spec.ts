import { expect } from 'chai';
import { LateRunsService } from '@rigel/server/services/late-runs';
import { inSeconds } from '../../support/deployments';
import { harness, type Harness } from '../../support/orchestration';

describe('LateRunsService', () => {
  let h: Harness;
  let service: LateRunsService;
  beforeEach(async () => {
    h = await harness();
    service = new LateRunsService(h.db, h.services.orchestration, h.clock.now, 15, 5, () => undefined);
  });

  const scheduledIn = (seconds: number) =>
    h.runIn('flow', { type: 'SCHEDULED', stateDetails: { scheduledTime: inSeconds(h, seconds) } });

  describe('when a SCHEDULED run is 15 s past its time', () => {
    it('marks it Late through MarkLateRunsPolicy, keeping its scheduled time', async () => {
      const run = await scheduledIn(0);
      const scheduledTime = run.state!.stateDetails.scheduledTime;
      h.clock.advance(15);
      expect(await service.runOnce(h.clock.now())).to.deep.equal([run.id]);
      const after = await h.read('flow', run.id);
      expect(after).to.include({ stateType: 'SCHEDULED', stateName: 'Late', nextScheduledStartTime: scheduledTime });
      expect(after.state?.stateDetails.scheduledTime).to.equal(scheduledTime);
      expect(after.state?.timestamp).to.equal(h.clock.now().toISOString());
    });

    it('marks every overdue run once: a second pass finds nothing', async () => {
      const runs = [await scheduledIn(-60), await scheduledIn(-30)];
      expect(await service.runOnce(h.clock.now())).to.have.members(runs.map((r) => r.id));
      expect(await service.runOnce(h.clock.now())).to.deep.equal([]);
      const history = await h.services.runs.states('flow', runs[0]!.id);
      expect(history.map((s) => s.name)).to.deep.equal(['Pending', 'Scheduled', 'Late']);
    });
  });

  describe('when a run is not late', () => {
    it('leaves a run less than 15 s past its time, and one in the future', async () => {
      await scheduledIn(-14);
      await scheduledIn(3600);
      expect(await service.runOnce(h.clock.now())).to.deep.equal([]);
    });

    it('leaves runs that wait on purpose: AwaitingRetry, AwaitingConcurrencySlot', async () => {
      for (const name of ['AwaitingRetry', 'AwaitingConcurrencySlot']) {
        await h.runIn('flow', { type: 'SCHEDULED', name, stateDetails: { scheduledTime: inSeconds(h, -60) } });
      }
      expect(await service.runOnce(h.clock.now())).to.deep.equal([]);
    });

    it('leaves runs that are not SCHEDULED, whatever their expected start', async () => {
      const run = await scheduledIn(-60);
      await h.propose('flow', run.id, { type: 'PENDING' });
      expect(await service.runOnce(h.clock.now())).to.deep.equal([]);
      expect((await h.read('flow', run.id)).stateName).to.equal('Pending');
    });
  });
});
