import { expect } from 'chai';
import { completed, failed, Flow, RunFailedError, submit, Task, withOptions, type State } from '@rigel/sdk';
import { describeInBothModes, names } from '../../support/sdk';

class Basics {
  static calls: string[] = [];

  @Task({ name: 'fe-double' })
  async double(x: number): Promise<number> {
    Basics.calls.push(`double ${x}`);
    return x * 2;
  }

  @Task({ name: 'fe-explode' })
  async explode(): Promise<number> {
    throw new Error('kaboom');
  }

  @Flow({ name: 'fe-sum' })
  async sum(a: number, b: number): Promise<number> {
    return (await this.double(a)) + (await this.double(b));
  }

  @Flow({ name: 'fe-raises' })
  async raises(): Promise<void> {
    throw new Error('the body raised');
  }

  @Flow({ name: 'fe-returns-failed' })
  async returnsFailed() {
    return failed('no new files today');
  }

  @Flow({ name: 'fe-returns-completed' })
  async returnsCompleted() {
    return completed('nothing to do');
  }

  @Flow({ name: 'fe-ignores-failed-task' })
  async ignoresFailedTask(): Promise<string> {
    submit(this.explode);
    return 'done anyway';
  }

  @Flow({ name: 'fe-awaits-failed-task' })
  async awaitsFailedTask(): Promise<number> {
    return this.explode();
  }
}

describeInBothModes('the flow engine', (world) => {
  const basics = new Basics();
  beforeEach(() => (Basics.calls = []));

  describe('when a flow completes', () => {
    it('resolves to the return value', async () => {
      expect(await basics.sum(2, 3)).to.equal(10);
    });

    it('records the run Pending → Running → Completed with its parameters', async () => {
      await basics.sum(2, 3);
      const run = await world().onlyFlowRun('fe-sum');
      expect(run.parameters).to.deep.equal({ a: 2, b: 3 });
      expect(names(await world().states('flow', run.id))).to.deep.equal(['Pending', 'Running', 'Completed']);
    });

    it('records each task call as a task run of the flow run, in call order', async () => {
      await basics.sum(2, 3);
      const run = await world().onlyFlowRun('fe-sum');
      const tasks = await world().taskRuns(run.id);
      expect(tasks.map((t) => [t.taskKey, t.dynamicKey, t.stateName])).to.deep.equal([
        ['fe-double', '0', 'Completed'],
        ['fe-double', '1', 'Completed'],
      ]);
      expect(Basics.calls).to.deep.equal(['double 2', 'double 3']);
    });
  });

  describe('when the body raises', () => {
    it('throws a RunFailedError carrying the cause and records Failed with the message', async () => {
      const error = await basics.raises().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RunFailedError);
      expect((error as RunFailedError).cause).to.have.property('message', 'the body raised');
      const run = await world().onlyFlowRun('fe-raises');
      expect(run.stateType).to.equal('FAILED');
      expect(run.state?.message).to.contain('the body raised');
    });
  });

  describe('when called with .with({ returnState: true })', () => {
    it('resolves to the final state instead of the value, without throwing', async () => {
      const state = (await withOptions(basics.raises, { returnState: true })()) as unknown as State;
      expect(state).to.include({ type: 'FAILED', name: 'Failed' });
      const ok = (await withOptions(basics.sum, { returnState: true })(1, 1)) as unknown as State;
      expect(ok.type).to.equal('COMPLETED');
      expect(ok.stateDetails.flowRunId).to.equal((await world().onlyFlowRun('fe-sum')).id);
    });
  });

  describe('when the body returns a state', () => {
    it('ends the run in that state', async () => {
      const error = await basics.returnsFailed().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RunFailedError);
      const run = await world().onlyFlowRun('fe-returns-failed');
      expect(run.state).to.include({ type: 'FAILED', message: 'no new files today' });
      await basics.returnsCompleted();
      expect((await world().onlyFlowRun('fe-returns-completed')).state).to.include({
        type: 'COMPLETED',
        message: 'nothing to do',
      });
    });
  });

  describe('when a submitted task fails but its future is neither awaited nor returned', () => {
    it('still completes the flow run (the task run is Failed)', async () => {
      expect(await basics.ignoresFailedTask()).to.equal('done anyway');
      const run = await world().onlyFlowRun('fe-ignores-failed-task');
      expect(run.stateType).to.equal('COMPLETED');
      const [task] = await world().taskRuns(run.id);
      expect(task?.stateType).to.equal('FAILED');
    });
  });

  describe('when an awaited task fails', () => {
    it('fails the flow run with the task error', async () => {
      const error = await basics.awaitsFailedTask().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RunFailedError);
      const run = await world().onlyFlowRun('fe-awaits-failed-task');
      expect(run.stateType).to.equal('FAILED');
      expect(run.state?.message).to.contain('kaboom');
    });
  });
});
