import { expect } from 'chai';
import { harness, type Harness } from '../../../support/orchestration';

describe('task concurrency rules', () => {
  let h: Harness;
  let flowRunId: string;
  beforeEach(async () => {
    h = await harness({ taskConcurrencyWaitSeconds: 3 });
    flowRunId = (await h.runIn('flow', { type: 'RUNNING' })).id;
  });

  const limit = (tag: string, concurrencyLimit: number) =>
    h.services.concurrencyLimits.upsert({ tag, concurrencyLimit });
  const slots = async (tag: string) => (await h.services.concurrencyLimits.readByTag(tag)).activeSlots;
  const task = (tags: string[]) => h.createTaskRun({ flowRunId, tags });
  const runningTask = async (tags: string[]) => {
    const run = await task(tags);
    expect((await h.propose('task', run.id, { type: 'RUNNING' })).result.status).to.equal('ACCEPT');
    return run;
  };

  describe('SecureTaskConcurrencySlots (task runs)', () => {
    describe('when a slot is free', () => {
      it('accepts RUNNING and takes a slot on every limited tag (unlimited tags are ignored)', async () => {
        await limit('db', 2);
        await limit('api', 1);
        const run = await runningTask(['db', 'api', 'unlimited']);
        expect(await slots('db')).to.deep.equal([run.id]);
        expect(await slots('api')).to.deep.equal([run.id]);
      });

      it('does not count a slot the run already holds', async () => {
        await limit('db', 1);
        const run = await runningTask(['db']);
        const { result } = await h.propose('task', run.id, { type: 'RUNNING', name: 'Running' });
        expect(result.status).to.equal('ACCEPT');
        expect(await slots('db')).to.deep.equal([run.id]);
      });
    });

    describe('when a limit is full', () => {
      it('answers WAIT with the configured delay, writes nothing and records why', async () => {
        await limit('db', 1);
        await runningTask(['db']);
        const run = await task(['db']);
        const { result, written } = await h.propose('task', run.id, { type: 'RUNNING' });
        expect(result.status).to.equal('WAIT');
        expect(result.details).to.deep.include({ type: 'wait', delaySeconds: 3 });
        expect(written).to.equal(false);
        expect((await h.read('task', run.id)).stateType).to.equal('PENDING');
        const decisions = await h.services.runs.decisions('task', run.id);
        expect(decisions.map((d) => [d.rule, d.status, d.delaySeconds])).to.deep.equal([
          ['SecureTaskConcurrencySlots', 'WAIT', 3],
        ]);
        expect(decisions[0]!.reason).to.equal('The concurrency limit on tag "db" (1) has been reached');
      });

      it('takes no slot on the other tags (all or nothing)', async () => {
        await limit('a', 5);
        await limit('b', 1);
        await runningTask(['b']);
        const run = await task(['a', 'b']);
        expect((await h.propose('task', run.id, { type: 'RUNNING' })).result.status).to.equal('WAIT');
        expect(await slots('a')).to.deep.equal([]);
      });

      it('accepts the waiting task once a slot is given back', async () => {
        await limit('db', 1);
        const holder = await runningTask(['db']);
        const run = await task(['db']);
        expect((await h.propose('task', run.id, { type: 'RUNNING' })).result.status).to.equal('WAIT');
        await h.propose('task', holder.id, { type: 'COMPLETED' });
        expect((await h.propose('task', run.id, { type: 'RUNNING' })).result.status).to.equal('ACCEPT');
        expect(await slots('db')).to.deep.equal([run.id]);
      });
    });

    describe('when a limit is 0', () => {
      it('answers ABORT: the task could never run', async () => {
        await limit('db', 0);
        const run = await task(['db']);
        const { result, written } = await h.propose('task', run.id, { type: 'RUNNING' });
        expect(result.status).to.equal('ABORT');
        expect(written).to.equal(false);
        const decisions = await h.services.runs.decisions('task', run.id);
        expect(decisions.map((d) => [d.rule, d.status])).to.deep.equal([['SecureTaskConcurrencySlots', 'ABORT']]);
        expect(decisions[0]!.reason).to.match(/concurrency limit on tag "db" is 0/);
      });
    });

    describe('when a later rule makes the transition WAIT (the rule fizzles)', () => {
      it('takes the slot when the scheduled time has come', async () => {
        await limit('db', 1);
        const run = await task(['db']);
        await h.propose('task', run.id, {
          type: 'SCHEDULED',
          stateDetails: { scheduledTime: h.clock.now().toISOString() },
        });
        expect((await h.propose('task', run.id, { type: 'RUNNING' })).result.status).to.equal('ACCEPT');
        expect(await slots('db')).to.deep.equal([run.id]);
      });

      it('gives the slot back when WaitForScheduledTime answers WAIT', async () => {
        await limit('db', 1);
        const run = await task(['db']);
        const scheduledTime = new Date(h.clock.now().getTime() + 60_000).toISOString();
        await h.propose('task', run.id, { type: 'SCHEDULED', stateDetails: { scheduledTime } });
        const { result } = await h.propose('task', run.id, { type: 'RUNNING' });
        expect(result.status).to.equal('WAIT');
        expect(result.details).to.deep.include({ delaySeconds: 60 });
        expect(await slots('db')).to.deep.equal([]);
        expect((await h.services.runs.decisions('task', run.id)).map((d) => d.rule)).to.deep.equal([
          'WaitForScheduledTime',
        ]);
      });
    });

    describe('when the transition does not start a task run', () => {
      it('takes no slot for PENDING or SCHEDULED', async () => {
        await limit('db', 1);
        const run = await task(['db']);
        await h.propose('task', run.id, { type: 'SCHEDULED' });
        await h.propose('task', run.id, { type: 'PENDING' });
        expect(await slots('db')).to.deep.equal([]);
      });

      it('does not limit flow runs carrying the tag', async () => {
        await limit('db', 0);
        const run = await h.createFlowRun({ tags: ['db'] });
        expect((await h.propose('flow', run.id, { type: 'RUNNING' })).result.status).to.equal('ACCEPT');
      });

      it('does not apply under force (minimal task policy): no slot is taken, a limit of 0 does not abort', async () => {
        await limit('db', 0);
        const run = await task(['db']);
        const { result } = await h.propose('task', run.id, { type: 'RUNNING' }, { force: true });
        expect(result.status).to.equal('ACCEPT');
        expect(await slots('db')).to.deep.equal([]);
      });
    });
  });

  describe('ReleaseTaskConcurrencySlots (task runs)', () => {
    describe('when the written state is not RUNNING', () => {
      for (const type of ['COMPLETED', 'FAILED', 'PAUSED', 'CRASHED', 'CANCELLED'] as const) {
        it(`gives back the slots on every tag for → ${type}`, async () => {
          await limit('db', 2);
          await limit('api', 2);
          const run = await runningTask(['db', 'api']);
          await h.propose('task', run.id, { type });
          expect(await slots('db')).to.deep.equal([]);
          expect(await slots('api')).to.deep.equal([]);
        });
      }

      it('gives them back when a retry substitutes AwaitingRetry for FAILED', async () => {
        await limit('db', 1);
        const run = await h.createTaskRun({ flowRunId, tags: ['db'], empiricalPolicy: { retries: 1 } });
        await h.propose('task', run.id, { type: 'RUNNING' });
        expect((await h.propose('task', run.id, { type: 'FAILED' })).result.state?.name).to.equal('AwaitingRetry');
        expect(await slots('db')).to.deep.equal([]);
      });

      it('gives them back under force (it is the whole minimal task policy)', async () => {
        await limit('db', 1);
        const run = await runningTask(['db']);
        await h.propose('task', run.id, { type: 'CRASHED' }, { force: true });
        expect(await slots('db')).to.deep.equal([]);
      });

      it('gives back only the run’s own slot', async () => {
        await limit('db', 2);
        const first = await runningTask(['db']);
        const second = await runningTask(['db']);
        await h.propose('task', first.id, { type: 'COMPLETED' });
        expect(await slots('db')).to.deep.equal([second.id]);
      });
    });

    describe('when nothing is written', () => {
      it('keeps the slot of a running task whose proposal is rejected (a re-sent transitionId)', async () => {
        await limit('db', 1);
        const run = await runningTask(['db']);
        await h.propose('task', run.id, { type: 'RUNNING', stateDetails: { transitionId: 't' } });
        const { result } = await h.propose('task', run.id, { type: 'COMPLETED', stateDetails: { transitionId: 't' } });
        expect(result.status).to.equal('REJECT');
        expect(await slots('db')).to.deep.equal([run.id]);
      });
    });
  });
});
