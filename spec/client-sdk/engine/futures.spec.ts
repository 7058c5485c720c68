import { expect } from 'chai';
import { allowFailure, asCompleted, Flow, map, submit, Task, unmapped, wait, type TaskFuture } from '@rigel/sdk';
import { describeInBothModes } from '../../support/sdk';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class FutureTasks {
  static observed: Record<string, unknown> = {};
  static received: unknown[] = [];

  @Task({ name: 'fu-after', taskRunName: 'after-{ms}' })
  async after(ms: number, value: string): Promise<string> {
    await sleep(ms);
    return value;
  }

  @Task({ name: 'fu-fail', taskRunName: 'fail' })
  async fail(): Promise<string> {
    throw new Error('upstream broke');
  }

  @Task({ name: 'fu-join', taskRunName: 'join' })
  async join(left: string, right: string): Promise<string> {
    return `${left}+${right}`;
  }

  @Task({ name: 'fu-collect', taskRunName: 'collect' })
  async collect(parts: string[]): Promise<string> {
    return parts.join(',');
  }

  @Task({ name: 'fu-receive', taskRunName: 'receive' })
  async receive(input: unknown): Promise<string> {
    FutureTasks.received.push(input);
    return 'received';
  }

  @Task({ name: 'fu-scale', taskRunName: 'scale-{x}' })
  async scale(x: number, factor: number): Promise<number> {
    return x * factor;
  }

  @Flow({ name: 'fu-submit' })
  async submits(): Promise<string> {
    const future = submit(this.after, 50, 'slow');
    FutureTasks.observed.stateWhileRunning = future.state;
    FutureTasks.observed.waited = (await future.wait()).name;
    FutureTasks.observed.stateAfter = future.state?.name;
    return future.result();
  }

  @Flow({ name: 'fu-map' })
  async maps(xs: number[], factor: number): Promise<number[]> {
    return Promise.all(map(this.scale, xs, unmapped(factor)).map((f) => f.result()));
  }

  @Flow({ name: 'fu-wait' })
  async waits(): Promise<[number, number]> {
    const { done, notDone } = await wait([submit(this.after, 10, 'fast'), submit(this.after, 400, 'slow')], 0.2);
    return [done.length, notDone.length];
  }

  @Flow({ name: 'fu-as-completed' })
  async completes(): Promise<string[]> {
    const futures = [submit(this.after, 150, 'c'), submit(this.after, 10, 'a'), submit(this.after, 80, 'b')];
    const order: string[] = [];
    for await (const future of asCompleted(futures)) order.push(await future.result());
    return order;
  }

  @Flow({ name: 'fu-dependencies' })
  async dependencies(): Promise<string> {
    const left = submit(this.after, 10, 'L');
    const right = submit(this.after, 20, 'R');
    const joined = submit(this.join, left, right);
    return this.collect([await joined.result(), submit(this.after, 0, 'X')] as unknown as string[]);
  }

  @Flow({ name: 'fu-upstream-failed' })
  async upstreamFailed(): Promise<string> {
    const broken = submit(this.fail);
    return submit(this.join, broken as unknown as string, 'x').result();
  }

  @Flow({ name: 'fu-allow-failure' })
  async allowsFailure(): Promise<string> {
    const broken = submit(this.fail);
    return this.receive(allowFailure(broken));
  }
}

describeInBothModes('task futures', (world) => {
  const flows = new FutureTasks();
  const taskNamed = async (name: string) => (await world().taskRuns()).find((t) => t.name === name)!;
  beforeEach(() => {
    FutureTasks.observed = {};
    FutureTasks.received = [];
  });

  describe('when a task is submitted', () => {
    it('returns a future whose state, wait() and result() follow the task run', async () => {
      expect(await flows.submits()).to.equal('slow');
      expect(FutureTasks.observed).to.deep.equal({
        stateWhileRunning: null,
        waited: 'Completed',
        stateAfter: 'Completed',
      });
    });
  });

  describe('when a task is mapped', () => {
    it('creates one task run per element, passing unmapped() values to every call', async () => {
      expect(await flows.maps([1, 2, 3], 10)).to.deep.equal([10, 20, 30]);
      const names = (await world().taskRuns()).map((t) => t.name).sort();
      expect(names).to.deep.equal(['scale-1', 'scale-2', 'scale-3']);
    });
  });

  describe('when many tasks run at once', () => {
    it('runs them all without Node warning about abort listeners', async () => {
      const warnings: string[] = [];
      const listener = (warning: Error) => warnings.push(warning.name);
      process.on('warning', listener);
      try {
        const xs = Array.from({ length: 40 }, (_, i) => i);
        expect(await flows.maps(xs, 2)).to.deep.equal(xs.map((x) => x * 2));
        await new Promise((resolve) => setImmediate(resolve));
      } finally {
        process.off('warning', listener);
      }
      expect(warnings).to.not.include('MaxListenersExceededWarning');
    });
  });

  describe('when wait(futures, timeout) is called', () => {
    it('returns the done and the not-yet-done futures at the timeout', async () => {
      expect(await flows.waits()).to.deep.equal([1, 1]);
    });
  });

  describe('when asCompleted(futures) is iterated', () => {
    it('yields the futures in the order they finish', async () => {
      expect(await flows.completes()).to.deep.equal(['a', 'b', 'c']);
    });
  });

  describe('when futures are passed as arguments', () => {
    it('passes their values and records them as upstream task inputs', async () => {
      expect(await flows.dependencies()).to.equal('L+R,X');
      const join = await taskNamed('join');
      const ids = (await world().taskRuns()).filter((t) => t.name === 'after-10' || t.name === 'after-20');
      expect(join.taskInputs).to.deep.equal({
        left: [{ inputType: 'task_run', id: ids.find((t) => t.name === 'after-10')!.id }],
        right: [{ inputType: 'task_run', id: ids.find((t) => t.name === 'after-20')!.id }],
      });
      const collect = await taskNamed('collect');
      expect((collect.taskInputs as Record<string, unknown[]>).parts).to.have.length(1);
    });
  });

  describe('when an upstream future failed', () => {
    it('does not run the downstream task and names the upstream run in its Failed state', async () => {
      await flows.upstreamFailed().catch(() => undefined);
      const broken = await taskNamed('fail');
      const join = await taskNamed('join');
      expect(join.stateType).to.equal('FAILED');
      expect(join.state?.message).to.contain(`"fail" (${broken.id})`);
      expect(join.runCount).to.equal(0);
      expect(join.taskInputs).to.deep.equal({ left: [{ inputType: 'task_run', id: broken.id }] });
    });

    it('with allowFailure(future), runs the downstream task and hands it the error', async () => {
      expect(await flows.allowsFailure()).to.equal('received');
      expect(FutureTasks.received).to.have.length(1);
      expect(FutureTasks.received[0]).to.have.property('message', 'upstream broke');
      expect((await taskNamed('receive')).stateType).to.equal('COMPLETED');
    });
  });
});

export type { TaskFuture };
