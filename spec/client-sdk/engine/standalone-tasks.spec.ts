import { expect } from 'chai';
import { getRunContext, Task, task } from '@rigel/sdk';
import { describeInBothModes, names } from '../../support/sdk';

class Standalone {
  @Task({ name: 'st-square' })
  async square(x: number): Promise<number> {
    return x * x;
  }

  @Task({ name: 'st-broken', retries: 1, retryDelaySeconds: 0 })
  async broken(): Promise<number> {
    throw new Error('broken outside a flow');
  }

  @Task({ name: 'st-context' })
  async context(): Promise<[string | undefined, string | undefined]> {
    const ctx = getRunContext();
    return [ctx.taskName, ctx.flowRun?.id];
  }
}

const cube = task(async (x: number) => x * x * x, { name: 'st-cube' });

describeInBothModes('tasks called outside any flow', (world) => {
  const tasks = new Standalone();

  describe('when the task completes', () => {
    it('runs it, returns the value and records a task run with no flow run', async () => {
      expect(await tasks.square(7)).to.equal(49);
      expect(await cube(2)).to.equal(8);
      const runs = await world().taskRuns(null);
      expect(runs.map((t) => [t.taskKey, t.flowRunId, t.stateName])).to.have.deep.members([
        ['st-square', null, 'Completed'],
        ['st-cube', null, 'Completed'],
      ]);
    });

    it('gives each call its own task run', async () => {
      await tasks.square(1);
      await tasks.square(1);
      expect(await world().taskRuns(null)).to.have.length(2);
    });

    it('exposes the task run, but no flow run, in the run context', async () => {
      expect(await tasks.context()).to.deep.equal(['st-context', undefined]);
    });
  });

  describe('when the task fails', () => {
    it("retries it, then throws the task's error and records Failed", async () => {
      const error = await tasks.broken().catch((e: unknown) => e);
      expect(error).to.have.property('message', 'broken outside a flow');
      const [run] = await world().taskRuns(null);
      expect(names(await world().states('task', run!.id))).to.deep.equal([
        'Running',
        'AwaitingRetry',
        'Retrying',
        'Failed',
      ]);
    });
  });
});
