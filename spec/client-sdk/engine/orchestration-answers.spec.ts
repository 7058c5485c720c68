import { expect } from 'chai';
import { Flow, RunAbortedError, RunFailedError, setConcurrencyLimit, submit, Task } from '@rigel/sdk';
import { describeInBothModes } from '../../support/sdk';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class Answers {
  static active = 0;
  static peak = 0;
  static ran = 0;

  @Task({ name: 'oa-limited', tags: ['oa-one-at-a-time'] })
  async limited(): Promise<void> {
    Answers.active++;
    Answers.peak = Math.max(Answers.peak, Answers.active);
    await sleep(150);
    Answers.active--;
  }

  @Task({ name: 'oa-never', tags: ['oa-never'] })
  async never(): Promise<void> {
    Answers.ran++;
  }

  @Flow({ name: 'oa-waits' })
  async waits(): Promise<void> {
    await Promise.all([submit(this.limited), submit(this.limited)].map((f) => f.result()));
  }

  @Flow({ name: 'oa-aborted' })
  async aborted(): Promise<void> {
    await this.never();
  }
}

describeInBothModes('orchestration answers', (world) => {
  const flows = new Answers();
  beforeEach(() => {
    Answers.peak = 0;
    Answers.ran = 0;
  });

  describe('when the server answers WAIT (a tag concurrency limit is full)', () => {
    it('waits and proposes again, so the tasks never overlap and both complete', async () => {
      await setConcurrencyLimit('oa-one-at-a-time', 1);
      await flows.waits();
      expect(Answers.peak).to.equal(1);
      const tasks = await world().taskRuns();
      expect(tasks.map((t) => t.stateType)).to.deep.equal(['COMPLETED', 'COMPLETED']);
      const decisions = (await Promise.all(tasks.map((t) => world().decisions('task', t.id)))).flat();
      const waits = decisions.filter((d) => d.status === 'WAIT');
      expect(waits.length).to.be.greaterThan(0);
      expect(waits[0]).to.include({ rule: 'SecureTaskConcurrencySlots' });
      expect(waits[0]!.reason).to.contain('"oa-one-at-a-time" (1) has been reached');
    });
  });

  describe('when the server answers ABORT (a tag concurrency limit of 0)', () => {
    it('does not run the task, and the awaiting flow fails naming the reason', async () => {
      await setConcurrencyLimit('oa-never', 0);
      const error = await flows.aborted().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RunFailedError);
      expect((error as RunFailedError).cause).to.be.instanceOf(RunAbortedError);
      expect(Answers.ran).to.equal(0);
      const run = await world().onlyFlowRun('oa-aborted');
      expect(run.state?.message).to.contain('The concurrency limit on tag "oa-never" is 0');
      const [task] = await world().taskRuns(run.id);
      expect(task!.runCount).to.equal(0);
      const [decision] = await world().decisions('task', task!.id);
      expect(decision).to.include({ rule: 'SecureTaskConcurrencySlots', status: 'ABORT' });
    });
  });
});
