import { expect } from 'chai';
import { Client } from 'pg';
import { ChangeFeed } from '@rigel/server/services/change-feed';
import { ChangeNotifier, CHANGES_CHANNEL } from '@rigel/server/services/change-notifier';
import type { RigelEvent } from '@rigel/server/services/events';
import { createServices, type Services } from '@rigel/server/services';
import { isPostgres, testDatabaseUrl } from '../../support/database';
import { harness, type Harness } from '../../support/orchestration';

describe('ChangeFeed', () => {
  // `h` is the other process: its own services and event bus on the same database and clock.
  let h: Harness;
  let reader: Services;
  let feed: ChangeFeed;
  let received: RigelEvent[];
  let release: () => void;

  beforeEach(async () => {
    h = await harness();
    reader = createServices(h.db, { clock: h.clock.now });
    // A timer that never fires during a spec: polls happen when the spec asks (or on NOTIFY).
    feed = new ChangeFeed(h.db, reader.events, reader.runs, reader.logs, 3_600_000, h.clock.now);
    release = feed.addListener();
    received = [];
    reader.events.events$.subscribe((event) => received.push(event));
  });

  afterEach(async () => {
    release();
    await feed.stop();
  });

  const about = (id: string) => received.filter((e) => e.payload.id === id);

  describe('when another process commits a change', () => {
    it('publishes it once, however often the overlap window is read again', async () => {
      const run = await h.createFlowRun();
      await feed.pollOnce();
      await feed.pollOnce();
      expect(about(run.id).map((e) => [e.type, e.payload.stateType])).to.deep.equal([['flow-run.updated', 'PENDING']]);
    });

    it('publishes each later version of the run, even within the same millisecond', async () => {
      const run = await h.createFlowRun();
      await feed.pollOnce();
      await h.services.flowRuns.update(run.id, { name: 'renamed' });
      await feed.pollOnce();
      await h.propose('flow', run.id, { type: 'RUNNING' });
      await feed.pollOnce();
      await h.services.flowRuns.update(run.id, { name: 'renamed again' });
      await feed.pollOnce();
      expect(about(run.id).map((e) => [e.payload.stateType, e.payload.name])).to.deep.equal([
        ['PENDING', run.name],
        ['PENDING', 'renamed'],
        ['RUNNING', 'renamed'],
        ['RUNNING', 'renamed again'],
      ]);
      expect(new Set(about(run.id).map((e) => e.occurred)).size).to.equal(4);
    });

    it('publishes every change when more rows changed than one page holds', async () => {
      const run = await h.createFlowRun();
      const lines = Array.from({ length: 2500 }, (_, i) => ({
        name: 'spec',
        level: 20,
        message: `line ${i}`,
        timestamp: h.clock.now().toISOString(),
        flowRunId: run.id,
      }));
      await h.services.logs.create(lines);
      await feed.pollOnce();
      const logs = received.filter((e) => e.type === 'log');
      expect(logs).to.have.length(2500);
      expect(new Set(logs.map((e) => e.payload.id)).size).to.equal(2500);
    });
  });

  describe('when this process published the change itself', () => {
    it('does not publish it again', async () => {
      const { flow } = await reader.flows.create({ name: 'local' });
      const { run } = await reader.flowRuns.create({ flowId: flow.id } as never);
      await feed.pollOnce();
      expect(about(run.id)).to.have.length(1);
    });
  });

  describe('when time moves past the overlap window', () => {
    it('forgets old deliveries without publishing them again', async () => {
      const first = await h.createFlowRun();
      await feed.pollOnce();
      for (let i = 0; i < 3; i++) {
        h.clock.advance(60);
        await h.createFlowRun();
        await feed.pollOnce();
      }
      expect(about(first.id)).to.have.length(1);
      expect(received).to.have.length(4);
      // The bus keeps only what the feed may still read: the last change (within the overlap window).
      expect(reader.events.remembered).to.be.at.most(2);
    });
  });

  describe('changesSince (catch-up)', () => {
    it('returns the changes at or after `since`, oldest first, for one flow run when asked', async () => {
      const mine = await h.runIn('flow', { type: 'RUNNING' });
      const other = await h.runIn('flow', { type: 'RUNNING' });
      const before = await h.createTaskRun({ flowRunId: mine.id });
      h.clock.advance(5);
      const since = h.clock.now();
      const atSince = await h.createTaskRun({ flowRunId: mine.id });
      await h.createTaskRun({ flowRunId: other.id });
      h.clock.advance(1);
      const later = await h.createTaskRun({ flowRunId: mine.id });
      const events = await feed.changesSince({ since, resource: 'task-run', flowRunId: mine.id });
      expect(events.map((e) => e.payload.id)).to.deep.equal([atSince.id, later.id]);
      expect(events.map((e) => e.payload.id)).not.to.include(before.id);
    });
  });
});

describe('ChangeNotifier', () => {
  if (!isPostgres()) {
    it('is not attached on SQLite (there is no NOTIFY)', async () => {
      const h = await harness();
      expect(ChangeNotifier.attach(h.db, h.services.events)).to.equal(null);
    });
    return;
  }

  describe('when many changes are committed in a burst (PostgreSQL)', () => {
    it('sends one NOTIFY at once and one after the debounce interval, carrying its origin', async () => {
      const h = await harness();
      const listener = new Client({ connectionString: testDatabaseUrl() });
      await listener.connect();
      try {
        const payloads: string[] = [];
        listener.on('notification', (m) => payloads.push(m.payload ?? ''));
        await listener.query(`LISTEN ${CHANGES_CHANNEL}`);
        const notifier = new ChangeNotifier(h.db, 'spec-origin', 50);
        for (let i = 0; i < 100; i++) notifier.changed();
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(payloads.filter((p) => p === 'spec-origin')).to.have.length(2);
      } finally {
        await listener.end();
      }
    });
  });
});
