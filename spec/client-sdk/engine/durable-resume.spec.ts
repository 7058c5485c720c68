import { expect } from 'chai';
import { Flow, submit, Task } from '@rigel/sdk';
import { describeInBothModes, names } from '../../support/sdk';

class Resumable {
  static bodies: string[] = [];
  static attempts = 0;

  @Task({ name: 'dr-extract' })
  async extract(day: string): Promise<Date> {
    Resumable.bodies.push(`extract ${day}`);
    return new Date(`${day}T00:00:00.000Z`);
  }

  @Task({ name: 'dr-load' })
  async load(when: Date): Promise<string> {
    Resumable.bodies.push('load');
    if (Resumable.attempts === 1) throw new Error('the warehouse was down');
    return when.toISOString();
  }

  @Task({ name: 'dr-not-persisted', persistResult: false })
  async notPersisted(): Promise<number> {
    Resumable.bodies.push('not persisted');
    return 42;
  }

  @Flow({ name: 'dr-forgetful', retries: 1, retryDelaySeconds: 0 })
  async forgetful(): Promise<number> {
    Resumable.attempts++;
    const value = await this.notPersisted();
    if (Resumable.attempts === 1) throw new Error('the first attempt failed after the task');
    return value;
  }

  @Flow({ name: 'dr-nightly', retries: 2, retryDelaySeconds: 0 })
  async nightly(day: string): Promise<string> {
    Resumable.attempts++;
    const when = await this.extract(day);
    const other = submit(this.extract, `${day.slice(0, 8)}01`);
    await other.wait();
    return this.load(when);
  }
}

describeInBothModes('durable resume', (world) => {
  const flows = new Resumable();
  beforeEach(() => {
    Resumable.bodies = [];
    Resumable.attempts = 0;
  });

  describe('when a flow run is retried', () => {
    it('does not execute again the task calls that completed in an earlier attempt', async () => {
      expect(await flows.nightly('2026-11-24')).to.equal('2026-11-24T00:00:00.000Z');
      expect(Resumable.attempts).to.equal(2);
      expect(Resumable.bodies).to.deep.equal(['extract 2026-11-24', 'extract 2026-11-01', 'load', 'load']);
    });

    it('keeps one task run per call, and runs the failed one again in place', async () => {
      await flows.nightly('2026-11-24');
      const run = await world().onlyFlowRun('dr-nightly');
      const tasks = await world().taskRuns(run.id);
      expect(tasks.map((t) => [t.taskKey, t.dynamicKey, t.stateName])).to.have.deep.members([
        ['dr-extract', '0', 'Completed'],
        ['dr-extract', '1', 'Completed'],
        ['dr-load', '0', 'Completed'],
      ]);
      const load = tasks.find((t) => t.taskKey === 'dr-load')!;
      expect(names(await world().states('task', load.id))).to.deep.equal([
        'Running',
        'Failed',
        'Retrying',
        'Completed',
      ]);
    });

    it('runs again a completed task whose result was not persisted (its value is gone)', async () => {
      expect(await flows.forgetful()).to.equal(42);
      expect(Resumable.bodies).to.deep.equal(['not persisted', 'not persisted']);
      const [task, ...others] = await world().taskRuns((await world().onlyFlowRun('dr-forgetful')).id);
      expect(others).to.have.length(0);
      expect(names(await world().states('task', task!.id))).to.deep.equal([
        'Running',
        'Completed',
        'Retrying',
        'Completed',
      ]);
    });
  });
});
