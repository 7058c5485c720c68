import { expect } from 'chai';
import { exponentialBackoff, Flow, getRunContext, Task, type State } from '@rigel/sdk';
import { describeInBothModes, names, type SdkWorld } from '../../support/sdk';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class TransientError extends Error {
  override name = 'TransientError';
}

class TaskOptionsSpec {
  static attempts = 0;
  static failUntil = 0;
  static conditionCalls: [string, number][] = [];
  static aborted = false;

  private static attempt(): number {
    TaskOptionsSpec.attempts++;
    if (TaskOptionsSpec.attempts <= TaskOptionsSpec.failUntil)
      throw new TransientError(`attempt ${TaskOptionsSpec.attempts} failed`);
    return TaskOptionsSpec.attempts;
  }

  @Task({ name: 'to-listed-delays', retries: 3, retryDelaySeconds: [0.05, 0.15] })
  async listedDelays(): Promise<number> {
    return TaskOptionsSpec.attempt();
  }

  @Task({ name: 'to-backoff', retries: 3, retryDelaySeconds: exponentialBackoff(0.02) })
  async backoff(): Promise<number> {
    return TaskOptionsSpec.attempt();
  }

  @Task({ name: 'to-jittered', retries: 1, retryDelaySeconds: 0.1, retryJitterFactor: 0.5 })
  async jittered(): Promise<number> {
    return TaskOptionsSpec.attempt();
  }

  @Task({
    name: 'to-conditional',
    retries: 5,
    retryDelaySeconds: 0,
    retryCondition: (error, attempt) => {
      TaskOptionsSpec.conditionCalls.push([(error as Error).name, attempt]);
      return error instanceof TransientError;
    },
  })
  async conditional(kind: 'transient' | 'fatal'): Promise<number> {
    if (kind === 'fatal') {
      TaskOptionsSpec.attempts++;
      throw new TypeError('a bug, retrying will not help');
    }
    return TaskOptionsSpec.attempt();
  }

  @Task({
    name: 'to-broken-condition',
    retries: 3,
    retryDelaySeconds: 0,
    retryCondition: () => {
      throw new Error('the condition itself is broken');
    },
  })
  async brokenCondition(): Promise<number> {
    return TaskOptionsSpec.attempt();
  }

  @Task({ name: 'to-slow', timeoutSeconds: 0.2 })
  async slow(): Promise<string> {
    const signal = getRunContext().signal!;
    signal.addEventListener('abort', () => (TaskOptionsSpec.aborted = true));
    await sleep(5000);
    return 'too late';
  }

  @Task({ name: 'to-named', taskRunName: 'load-{table}' })
  async named(table: string): Promise<string> {
    return table;
  }

  @Task({ name: 'to-fn-named', taskRunName: (p) => `page-${String(p.page)}` })
  async fnNamed(page: number): Promise<number> {
    return page;
  }

  @Task({ name: 'to-default-named' })
  async defaultNamed(): Promise<void> {}

  @Task({ name: 'to-tagged', tags: ['warehouse'] })
  async tagged(): Promise<void> {}

  @Flow({ name: 'to-flow' })
  async run(which: string): Promise<unknown> {
    switch (which) {
      case 'listed':
        return this.listedDelays();
      case 'backoff':
        return this.backoff();
      case 'jittered':
        return this.jittered();
      case 'transient':
      case 'fatal':
        return this.conditional(which);
      case 'broken-condition':
        return this.brokenCondition();
      case 'slow':
        return this.slow();
      default:
        await this.named('orders');
        await this.fnNamed(7);
        await this.defaultNamed();
        return this.tagged();
    }
  }
}

/**
 * Seconds between each AwaitingRetry state and the time it is scheduled for, in order (to the 1/100 s:
 * a state timestamp is bumped by 1 ms when it collides with the run's previous state).
 */
async function retryDelays(world: SdkWorld, taskRunId: string): Promise<number[]> {
  const states = await world.states('task', taskRunId);
  return states
    .filter((s: State) => s.name === 'AwaitingRetry')
    .map((s) => Math.round((Date.parse(s.stateDetails.scheduledTime!) - Date.parse(s.timestamp)) / 10) / 100);
}

describeInBothModes('task options', (world) => {
  const flows = new TaskOptionsSpec();
  const onlyTask = async () => {
    const [task, ...rest] = await world().taskRuns();
    expect(rest).to.have.length(0);
    return task!;
  };
  beforeEach(() => {
    TaskOptionsSpec.attempts = 0;
    TaskOptionsSpec.failUntil = 0;
    TaskOptionsSpec.conditionCalls = [];
    TaskOptionsSpec.aborted = false;
  });

  describe('when retryDelaySeconds is a list', () => {
    it('waits each listed delay in turn, then repeats the last', async () => {
      TaskOptionsSpec.failUntil = 3;
      expect(await flows.run('listed')).to.equal(4);
      const task = await onlyTask();
      expect(await retryDelays(world(), task.id)).to.deep.equal([0.05, 0.15, 0.15]);
      expect(names(await world().states('task', task.id))).to.deep.equal([
        'Running',
        'AwaitingRetry',
        'Retrying',
        'AwaitingRetry',
        'Retrying',
        'AwaitingRetry',
        'Retrying',
        'Completed',
      ]);
    });
  });

  describe('when retryDelaySeconds is exponentialBackoff(f)', () => {
    it('doubles the delay on each retry', async () => {
      TaskOptionsSpec.failUntil = 3;
      await flows.run('backoff');
      expect(await retryDelays(world(), (await onlyTask()).id)).to.deep.equal([0.02, 0.04, 0.08]);
    });
  });

  describe('when retryJitterFactor is set', () => {
    it('keeps the delay between 0 and delay × (1 + factor), and records the factor', async () => {
      TaskOptionsSpec.failUntil = 1;
      await flows.run('jittered');
      const task = await onlyTask();
      const [delay] = await retryDelays(world(), task.id);
      expect(delay).to.be.within(0, 0.15);
      expect(task.empiricalPolicy).to.deep.include({ retries: 1, retryDelaySeconds: 0.1, retryJitterFactor: 0.5 });
    });
  });

  describe('when retryCondition is given', () => {
    it('retries failures it accepts, with the attempt number', async () => {
      TaskOptionsSpec.failUntil = 3;
      await flows.run('transient');
      expect(TaskOptionsSpec.conditionCalls).to.deep.equal([
        ['TransientError', 1],
        ['TransientError', 2],
        ['TransientError', 3],
      ]);
      expect((await onlyTask()).stateType).to.equal('COMPLETED');
    });

    it('fails at once on a failure it refuses, retries left or not', async () => {
      await flows.run('fatal').catch(() => undefined);
      expect(TaskOptionsSpec.attempts).to.equal(1);
      const task = await onlyTask();
      expect(task.state).to.include({ type: 'FAILED' });
      expect(task.state?.message).to.contain('a bug, retrying will not help');
      expect(names(await world().states('task', task.id))).to.deep.equal(['Running', 'Failed']);
    });
  });

  describe('when retryCondition itself throws', () => {
    it('does not retry, and still records the task run Failed with the original error', async () => {
      TaskOptionsSpec.failUntil = 5;
      const error = await flows.run('broken-condition').catch((e: unknown) => e);
      expect((error as Error).message).to.contain('attempt 1 failed');
      expect(TaskOptionsSpec.attempts).to.equal(1);
      const task = await onlyTask();
      expect(task.state).to.include({ type: 'FAILED', name: 'Failed' });
      expect(task.state?.message).to.contain('attempt 1 failed');
    });
  });

  describe('when the task exceeds timeoutSeconds', () => {
    it('stops waiting, aborts the run signal and fails the task run as TimedOut', async () => {
      const started = Date.now();
      await flows.run('slow').catch(() => undefined);
      expect(Date.now() - started).to.be.below(2000);
      expect(TaskOptionsSpec.aborted).to.equal(true);
      const task = await onlyTask();
      expect(task.state).to.include({ type: 'FAILED', name: 'TimedOut' });
    });
  });

  describe('when taskRunName and tags are given', () => {
    it('names the task runs from a template or a function, and tags them', async () => {
      await flows.run('names');
      const tasks = await world().taskRuns();
      expect(tasks.map((t) => t.name)).to.deep.equal(['load-orders', 'page-7', 'to-default-named-0', 'to-tagged-0']);
      expect(tasks[3]!.tags).to.deep.equal(['warehouse']);
    });
  });
});
