import { expect } from 'chai';
import { EventBus, type RigelEvent } from '@rigel/server/services/events';

function runEvent(id: string, occurred: string): RigelEvent {
  return { type: 'task-run.updated', occurred, flowRunId: null, payload: { id } };
}

describe('EventBus', () => {
  const at = '2030-01-01T00:00:00.000Z';
  const clock = () => new Date(at);

  describe('by default (a server, whose change feed reads recent changes again)', () => {
    it('remembers delivered events and drops one delivered again', () => {
      const bus = new EventBus(clock);
      const seen: string[] = [];
      const subscription = bus.events$.subscribe((event) => seen.push(event.payload.id));
      expect(bus.publish(runEvent('a', at))).to.equal(true);
      expect(bus.publish(runEvent('a', at))).to.equal(false);
      bus.recordLocalChange('task-run.updated', 'b', new Date(at));
      subscription.unsubscribe();
      expect(seen).to.deep.equal(['a']);
      expect(bus.remembered).to.equal(2);
    });
  });

  describe('when made withoutFeed (the SDK ephemeral client: no change feed ever reads back)', () => {
    it('publishes every event and remembers none, and still tells other processes of local changes', () => {
      const bus = new EventBus(clock, { withoutFeed: true });
      let notified = 0;
      bus.onLocalChange(() => notified++);
      const seen: string[] = [];
      const subscription = bus.events$.subscribe((event) => seen.push(event.payload.id));
      bus.publish(runEvent('a', at));
      bus.publish(runEvent('b', at));
      subscription.unsubscribe();
      for (let i = 0; i < 1000; i++) bus.recordLocalChange('task-run.updated', `run-${i}`, new Date(at));
      expect(seen).to.deep.equal(['a', 'b']);
      expect(bus.remembered).to.equal(0);
      expect(notified).to.equal(1002);
    });
  });
});
