import { expect } from 'chai';
import type { StateDetails } from '@rigel/server';
import { harness, type Harness } from '../../../support/orchestration';

const RESULT = { type: 'reference', storageKey: 'results/cached.json' };

describe('caching rules', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  const inSeconds = (s: number) => new Date(h.clock.now().getTime() + s * 1000).toISOString();

  /** A task run that ran and completed with `stateDetails` (a cache key, an expiration) and RESULT. */
  async function completed(stateDetails: StateDetails, input: object = {}) {
    const run = await h.createTaskRun({ ...input, state: { type: 'RUNNING' } });
    const { result } = await h.propose('task', run.id, {
      type: 'COMPLETED',
      message: 'done',
      stateDetails,
      data: RESULT,
    });
    return { run, state: result.state! };
  }

  /** The cache entries, oldest first. */
  async function cacheEntries() {
    const rows = await h.db.query<Record<string, unknown>>(`SELECT * FROM "task_run_state_cache" ORDER BY "created"`);
    return rows.map((row) => ({
      cacheKey: row.cacheKey,
      cacheExpiration: h.db.codec.decodeTimestamp(row.cacheExpiration)?.toISOString() ?? null,
      taskRunStateId: row.taskRunStateId,
    }));
  }

  describe('CacheRetrieval (task runs)', () => {
    describe('when an unexpired entry matches the proposed cache key', () => {
      it('answers REJECT with a copy named Cached, which is written instead of running', async () => {
        const source = await completed({ cacheKey: 'k' });
        const run = await h.createTaskRun();
        const { result, written } = await h.propose('task', run.id, {
          type: 'RUNNING',
          stateDetails: { cacheKey: 'k' },
        });
        expect(result.status).to.equal('REJECT');
        expect(written).to.equal(true);
        expect(result.state).to.include({ type: 'COMPLETED', name: 'Cached', message: 'done' });
        expect(result.state?.data).to.deep.equal(RESULT);
        expect(result.state?.stateDetails).to.include({ cacheKey: 'k', cachedFromTaskRunId: source.run.id });
        const stored = await h.read('task', run.id);
        expect(stored).to.include({ stateName: 'Cached', runCount: 0, startTime: null });
      });

      it('records the REJECT with the cache key and the source task run', async () => {
        const source = await completed({ cacheKey: 'k' });
        const run = await h.createTaskRun();
        await h.propose('task', run.id, { type: 'RUNNING', stateDetails: { cacheKey: 'k' } });
        const decisions = await h.services.runs.decisions('task', run.id);
        expect(decisions.map((d) => [d.rule, d.status, d.proposedType, d.resultName])).to.deep.equal([
          ['CacheRetrieval', 'REJECT', 'RUNNING', 'Cached'],
        ]);
        expect(decisions[0]!.reason).to.equal(
          `Found a cached result for cache key "k" (from task run ${source.run.id})`,
        );
      });

      it('uses the cache key of the task run row when the proposal has none', async () => {
        await completed({ cacheKey: 'row-key' });
        const run = await h.createTaskRun({ cacheKey: 'row-key' });
        const { result } = await h.propose('task', run.id, { type: 'RUNNING' });
        expect(result.state?.name).to.equal('Cached');
      });

      it('answers the very first proposal of a new task run (no state yet) from the cache', async () => {
        await completed({ cacheKey: 'k' });
        const flowRunId = (await h.runIn('flow', { type: 'RUNNING' })).id;
        const created = await h.services.taskRuns.create({
          flowRunId,
          taskKey: 'cached-task',
          dynamicKey: '0',
          state: { type: 'RUNNING', stateDetails: { cacheKey: 'k' } },
        });
        expect(created.orchestrationResult?.status).to.equal('REJECT');
        expect(created.run.stateName).to.equal('Cached');
        const decisions = await h.services.runs.decisions('task', created.run.id);
        expect(decisions[0]).to.include({ rule: 'CacheRetrieval', fromType: null });
      });

      it('never waits for nor takes a concurrency slot, even on a tag limited to 0', async () => {
        await completed({ cacheKey: 'k' });
        await h.services.concurrencyLimits.upsert({ tag: 'gpu', concurrencyLimit: 0 });
        const run = await h.createTaskRun({ tags: ['gpu'] });
        const { result } = await h.propose('task', run.id, { type: 'RUNNING', stateDetails: { cacheKey: 'k' } });
        expect(result.state?.name).to.equal('Cached');
        expect((await h.services.concurrencyLimits.readByTag('gpu')).activeSlots).to.deep.equal([]);
      });

      it('serves the newest entry for the key', async () => {
        await completed({ cacheKey: 'k' });
        h.clock.advance(1);
        const newest = await completed({ cacheKey: 'k' });
        const run = await h.createTaskRun();
        const { result } = await h.propose('task', run.id, { type: 'RUNNING', stateDetails: { cacheKey: 'k' } });
        expect(result.state?.stateDetails.cachedFromTaskRunId).to.equal(newest.run.id);
      });
    });

    describe('when no unexpired entry matches', () => {
      it('accepts RUNNING for a different key', async () => {
        await completed({ cacheKey: 'k' });
        const run = await h.createTaskRun();
        const { result } = await h.propose('task', run.id, { type: 'RUNNING', stateDetails: { cacheKey: 'other' } });
        expect(result.state).to.include({ type: 'RUNNING', name: 'Running' });
      });

      it('hits until the expiration and misses from the expiration on', async () => {
        await completed({ cacheKey: 'k', cacheExpiration: inSeconds(60) });
        h.clock.advance(59);
        const before = await h.createTaskRun();
        expect(
          (await h.propose('task', before.id, { type: 'RUNNING', stateDetails: { cacheKey: 'k' } })).result.state?.name,
        ).to.equal('Cached');
        h.clock.advance(1);
        const after = await h.createTaskRun();
        const { result } = await h.propose('task', after.id, { type: 'RUNNING', stateDetails: { cacheKey: 'k' } });
        expect(result.status).to.equal('ACCEPT');
        expect(result.state?.type).to.equal('RUNNING');
      });
    });

    describe('when the proposal sets refreshCache', () => {
      it('runs despite a matching entry, and its result becomes the cached one', async () => {
        await completed({ cacheKey: 'k' });
        const run = await h.createTaskRun();
        const { result } = await h.propose('task', run.id, {
          type: 'RUNNING',
          stateDetails: { cacheKey: 'k', refreshCache: true },
        });
        expect(result.state?.type).to.equal('RUNNING');
        h.clock.advance(1);
        await h.propose('task', run.id, { type: 'COMPLETED', stateDetails: { cacheKey: 'k' }, data: { v: 2 } });
        const next = await h.createTaskRun();
        const hit = await h.propose('task', next.id, { type: 'RUNNING', stateDetails: { cacheKey: 'k' } });
        expect(hit.result.state?.data).to.deep.equal({ v: 2 });
      });
    });

    describe('when the transition is not → RUNNING, or the run is a flow run', () => {
      it('accepts PENDING with a matching key', async () => {
        await completed({ cacheKey: 'k' });
        const run = await h.runIn('task', { type: 'SCHEDULED' });
        const { result } = await h.propose('task', run.id, { type: 'PENDING', stateDetails: { cacheKey: 'k' } });
        expect(result.state?.type).to.equal('PENDING');
      });

      it('does not answer a flow run from the cache', async () => {
        await completed({ cacheKey: 'k' });
        const run = await h.createFlowRun();
        const { result } = await h.propose('flow', run.id, { type: 'RUNNING', stateDetails: { cacheKey: 'k' } });
        expect(result.state?.type).to.equal('RUNNING');
      });
    });
  });

  describe('CacheInsertion (task runs)', () => {
    describe('when a task run completes with a cache key', () => {
      it('stores an entry for the written state with its expiration', async () => {
        const expiration = inSeconds(3600);
        const { state } = await completed({ cacheKey: 'k', cacheExpiration: expiration });
        expect(await cacheEntries()).to.deep.equal([
          { cacheKey: 'k', cacheExpiration: expiration, taskRunStateId: state.id },
        ]);
      });

      it('takes the key and expiration from the task run row when the state has none', async () => {
        const expiration = inSeconds(600);
        const { state } = await completed({}, { cacheKey: 'row-key', cacheExpiration: expiration });
        expect(await cacheEntries()).to.deep.equal([
          { cacheKey: 'row-key', cacheExpiration: expiration, taskRunStateId: state.id },
        ]);
      });

      it('stores an entry without expiration that still hits a year later', async () => {
        await completed({ cacheKey: 'k' });
        expect((await cacheEntries())[0]!.cacheExpiration).to.equal(null);
        h.clock.advance(365 * 24 * 3600);
        const run = await h.createTaskRun();
        const { result } = await h.propose('task', run.id, { type: 'RUNNING', stateDetails: { cacheKey: 'k' } });
        expect(result.state?.name).to.equal('Cached');
      });

      it('accepts a key of exactly 2000 characters', async () => {
        await completed({ cacheKey: 'k'.repeat(2000) });
        expect(await cacheEntries()).to.have.length(1);
      });
    });

    describe('when the cache key is longer than 2000 characters', () => {
      it('answers REJECT with the current state, writes nothing and stores no entry', async () => {
        const run = await h.createTaskRun({ state: { type: 'RUNNING' } });
        const cacheKey = 'k'.repeat(2001);
        const { result, written } = await h.propose('task', run.id, { type: 'COMPLETED', stateDetails: { cacheKey } });
        expect(result.status).to.equal('REJECT');
        expect(result.state?.type).to.equal('RUNNING');
        expect(written).to.equal(false);
        expect(await cacheEntries()).to.deep.equal([]);
        const decisions = await h.services.runs.decisions('task', run.id);
        expect(decisions.map((d) => [d.rule, d.status])).to.deep.equal([['CacheInsertion', 'REJECT']]);
        expect(decisions[0]!.reason).to.equal('The cache key is longer than 2000 characters');
      });
    });

    describe('when nothing new should be cached', () => {
      it('stores no entry for a Cached state (a hit), a FAILED state or a state without a key', async () => {
        await completed({ cacheKey: 'k' });
        const hit = await h.createTaskRun();
        await h.propose('task', hit.id, { type: 'RUNNING', stateDetails: { cacheKey: 'k' } });
        const failed = await h.createTaskRun({ state: { type: 'RUNNING' } });
        await h.propose('task', failed.id, { type: 'FAILED', stateDetails: { cacheKey: 'f' } });
        await completed({});
        expect((await cacheEntries()).map((e) => e.cacheKey)).to.deep.equal(['k']);
      });

      it('stores no entry for a flow run', async () => {
        const run = await h.runIn('flow', { type: 'RUNNING' });
        await h.propose('flow', run.id, { type: 'COMPLETED', stateDetails: { cacheKey: 'k' } });
        expect(await cacheEntries()).to.deep.equal([]);
      });
    });
  });
});
