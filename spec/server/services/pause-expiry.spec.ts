import { expect } from 'chai';
import { PauseExpiryService } from '@rigel/server/services/pause-expiry';
import { inSeconds } from '../../support/deployments';
import { harness, type Harness } from '../../support/orchestration';

describe('PauseExpiryService', () => {
  let h: Harness;
  let service: PauseExpiryService;
  beforeEach(async () => {
    h = await harness();
    service = new PauseExpiryService(h.db, h.services.orchestration, h.clock.now, 10, () => undefined);
  });

  const pausedFor = (seconds?: number) =>
    h.runIn(
      'flow',
      { type: 'RUNNING' },
      { type: 'PAUSED', stateDetails: seconds === undefined ? {} : { pauseTimeout: inSeconds(h, seconds) } },
    );

  describe('when a paused run is past its pause timeout', () => {
    it('fails it, through the rules, and only once', async () => {
      const run = await pausedFor(60);
      h.clock.advance(61);
      expect(await service.runOnce(h.clock.now())).to.deep.equal([run.id]);
      const after = await h.read('flow', run.id);
      expect(after.state).to.include({ type: 'FAILED', message: 'Paused and never resumed' });
      expect(after.endTime).to.equal(h.clock.now().toISOString());
      expect(await service.runOnce(h.clock.now())).to.deep.equal([]);
    });
  });

  describe('when a paused run may still resume', () => {
    it('leaves a run before or at its timeout, and one without a timeout', async () => {
      const timed = await pausedFor(60);
      const untimed = await pausedFor();
      h.clock.advance(60);
      expect(await service.runOnce(h.clock.now())).to.deep.equal([]);
      expect((await h.read('flow', timed.id)).stateType).to.equal('PAUSED');
      expect((await h.read('flow', untimed.id)).stateType).to.equal('PAUSED');
    });

    it('leaves a run that resumed before its timeout', async () => {
      const run = await pausedFor(60);
      await h.propose('flow', run.id, { type: 'RUNNING' });
      h.clock.advance(120);
      expect(await service.runOnce(h.clock.now())).to.deep.equal([]);
      expect((await h.read('flow', run.id)).stateType).to.equal('RUNNING');
    });
  });
});
