import { expect } from 'chai';
import { ChangeFeed } from '@rigel/server/services/change-feed';
import type { RigelEvent } from '@rigel/server/services/events';
import { harness, type Harness } from '../../support/orchestration';

describe('OrchestrationService events', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  for (const kind of ['flow', 'task'] as const) {
    describe(`when a subscriber listens (${kind} runs)`, () => {
      it('publishes a written transition with the run as the API shows it', async () => {
        const run = await h.runIn(kind, { type: 'PENDING' });
        const seen: RigelEvent[] = [];
        const subscription = h.services.events.events$.subscribe((event) => seen.push(event));
        h.clock.advance(1);
        await h.propose(kind, run.id, { type: 'RUNNING' });
        subscription.unsubscribe();
        expect(seen).to.have.length(1);
        expect(seen[0]!.type).to.equal(`${kind}-run.updated`);
        expect(seen[0]!.payload).to.deep.equal(await h.read(kind, run.id));
      });
    });

    describe(`when nobody listens (${kind} runs)`, () => {
      it('still remembers the event, so the change feed does not publish it again', async () => {
        const { services } = h;
        const feed = new ChangeFeed(h.db, services.events, services.runs, services.logs, 0, h.clock.now);
        const run = await h.runIn(kind, { type: 'PENDING' });
        h.clock.advance(1);
        await h.propose(kind, run.id, { type: 'RUNNING' });
        const seen: RigelEvent[] = [];
        const subscription = services.events.events$.subscribe((event) => seen.push(event));
        await feed.pollOnce();
        subscription.unsubscribe();
        expect(seen.filter((event) => event.payload.id === run.id)).to.deep.equal([]);
      });
    });
  }
});
