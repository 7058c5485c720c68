import { expect } from 'chai';
import { FLOW_PARAMETERS, Flow, INPUTS, NONE, RUN_ID, Task, TASK_SOURCE } from '@rigel/sdk';
import { describeInBothModes, type SdkWorld } from '../../support/sdk';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class CachedTasks {
  static bodies: string[] = [];

  private static ran(name: string, x: number): string {
    CachedTasks.bodies.push(name);
    return `${name}(${x}) #${CachedTasks.bodies.length}`;
  }

  @Task({ name: 'ca-inputs', cachePolicy: INPUTS })
  async inputs(x: number): Promise<string> {
    return CachedTasks.ran('inputs', x);
  }

  @Task({ name: 'ca-source', cachePolicy: TASK_SOURCE })
  async source(x: number): Promise<string> {
    return CachedTasks.ran('source', x);
  }

  @Task({ name: 'ca-flow-params', cachePolicy: FLOW_PARAMETERS })
  async flowParams(x: number): Promise<string> {
    return CachedTasks.ran('flowParams', x);
  }

  @Task({ name: 'ca-run-id', cachePolicy: RUN_ID })
  async runId(x: number): Promise<string> {
    return CachedTasks.ran('runId', x);
  }

  @Task({ name: 'ca-none', cachePolicy: INPUTS.plus(NONE) })
  async none(x: number): Promise<string> {
    return CachedTasks.ran('none', x);
  }

  @Task({ name: 'ca-inputs-and-params', cachePolicy: INPUTS.plus(FLOW_PARAMETERS) })
  async inputsAndParams(x: number): Promise<string> {
    return CachedTasks.ran('inputsAndParams', x);
  }

  @Task({ name: 'ca-key-fn', cacheKeyFn: ({ parameters }) => ((parameters.x as number) < 0 ? null : 'same-for-all') })
  async keyFn(x: number): Promise<string> {
    return CachedTasks.ran('keyFn', x);
  }

  @Task({ name: 'ca-expiring', cachePolicy: INPUTS, cacheExpiration: 0.2 })
  async expiring(x: number): Promise<string> {
    return CachedTasks.ran('expiring', x);
  }

  @Task({ name: 'ca-not-persisted', cachePolicy: INPUTS, persistResult: false })
  async notPersisted(x: number): Promise<string> {
    return CachedTasks.ran('notPersisted', x);
  }

  @Task({ name: 'ca-unpersistable', cachePolicy: INPUTS })
  async unpersistable(x: number): Promise<string> {
    CachedTasks.ran('unpersistable', x);
    return { format: () => String(x) } as unknown as string;
  }

  @Flow({ name: 'ca-flow' })
  async run(task: string, day: string, xs: number[]): Promise<string[]> {
    const fn = (this as unknown as Record<string, (x: number) => Promise<string>>)[task]!;
    const out: string[] = [];
    for (const x of xs) out.push(await fn(x));
    return out;
  }

  @Flow({ name: 'ca-refresh' })
  async refresh(x: number): Promise<string> {
    return withRefresh(this, x);
  }
}

function withRefresh(tasks: CachedTasks, x: number): Promise<string> {
  const task = tasks.inputs as unknown as { with(o: object): (x: number) => Promise<string> };
  return task.with({ refreshCache: true })(x);
}

async function taskStateNames(world: SdkWorld): Promise<string[]> {
  return (await world.taskRuns()).map((t) => String(t.stateName));
}

describeInBothModes('task caching', (world) => {
  const tasks = new CachedTasks();
  beforeEach(() => (CachedTasks.bodies = []));

  describe('when the cache policy is INPUTS', () => {
    it('reuses the result of an earlier flow run for the same inputs (state Cached)', async () => {
      const first = await tasks.run('inputs', 'mon', [1]);
      const second = await tasks.run('inputs', 'tue', [1, 2]);
      expect(second[0]).to.equal(first[0]);
      expect(CachedTasks.bodies).to.deep.equal(['inputs', 'inputs']);
      expect(await taskStateNames(world())).to.deep.equal(['Completed', 'Cached', 'Completed']);
    });

    it('records the cache hit as a CacheRetrieval decision', async () => {
      await tasks.run('inputs', 'mon', [1]);
      await tasks.run('inputs', 'mon', [1]);
      const cached = (await world().taskRuns())[1]!;
      const [decision] = await world().decisions('task', cached.id);
      expect(decision).to.include({ rule: 'CacheRetrieval', status: 'REJECT' });
    });
  });

  describe('when the cache policy is TASK_SOURCE', () => {
    it('reuses the result whatever the inputs, as long as the source is unchanged', async () => {
      await tasks.run('source', 'mon', [1, 2]);
      expect(CachedTasks.bodies).to.deep.equal(['source']);
    });
  });

  describe('when the cache policy is FLOW_PARAMETERS', () => {
    it('reuses the result within flow runs with the same parameters only', async () => {
      await tasks.run('flowParams', 'mon', [1]);
      await tasks.run('flowParams', 'mon', [1]);
      await tasks.run('flowParams', 'tue', [1]);
      expect(await taskStateNames(world())).to.deep.equal(['Completed', 'Cached', 'Completed']);
    });
  });

  describe('when the cache policy is RUN_ID', () => {
    it('reuses the result within one flow run only', async () => {
      await tasks.run('runId', 'mon', [1, 2]);
      await tasks.run('runId', 'mon', [1]);
      expect(await taskStateNames(world())).to.deep.equal(['Completed', 'Cached', 'Completed']);
    });

    it('does not cache calls made outside any flow run', async () => {
      expect(await tasks.runId(1)).to.not.equal(await tasks.runId(1));
      expect(await taskStateNames(world())).to.deep.equal(['Completed', 'Completed']);
    });
  });

  describe('when NONE is part of the policy', () => {
    it('never caches', async () => {
      await tasks.run('none', 'mon', [1, 1]);
      expect(CachedTasks.bodies).to.deep.equal(['none', 'none']);
      expect((await world().taskRuns()).map((t) => t.cacheKey)).to.deep.equal([null, null]);
    });
  });

  describe('when the cache policy is INPUTS.plus(FLOW_PARAMETERS)', () => {
    it('reuses the result only when both the inputs and the flow parameters match', async () => {
      await tasks.run('inputsAndParams', 'mon', [1, 1, 2]);
      await tasks.run('inputsAndParams', 'tue', [1]);
      expect(await taskStateNames(world())).to.deep.equal(['Completed', 'Cached', 'Completed', 'Completed']);
    });
  });

  describe('when cacheKeyFn is given', () => {
    it('caches by the returned key, and not at all when it returns null', async () => {
      await tasks.run('keyFn', 'mon', [1, 2, -1, -1]);
      expect(await taskStateNames(world())).to.deep.equal(['Completed', 'Cached', 'Completed', 'Completed']);
      expect((await world().taskRuns())[0]!.cacheKey).to.equal('same-for-all');
    });
  });

  describe('when cacheExpiration is set', () => {
    it('stops reusing the result once it expired', async () => {
      await tasks.run('expiring', 'mon', [1, 1]);
      await sleep(300);
      await tasks.run('expiring', 'mon', [1]);
      expect(await taskStateNames(world())).to.deep.equal(['Completed', 'Cached', 'Completed']);
    });
  });

  describe('when the result is not persisted', () => {
    it('runs every time rather than serve a cache hit that could not give the value back', async () => {
      expect(await tasks.run('notPersisted', 'mon', [1])).to.deep.equal(['notPersisted(1) #1']);
      expect(await tasks.run('notPersisted', 'tue', [1])).to.deep.equal(['notPersisted(1) #2']);
      await tasks.run('unpersistable', 'mon', [1]);
      await tasks.run('unpersistable', 'tue', [1]);
      expect(await taskStateNames(world())).to.deep.equal(['Completed', 'Completed', 'Completed', 'Completed']);
      expect(CachedTasks.bodies).to.deep.equal(['notPersisted', 'notPersisted', 'unpersistable', 'unpersistable']);
    });
  });

  describe('when refreshCache is set', () => {
    it('runs despite a cached result and replaces it', async () => {
      const [old] = await tasks.run('inputs', 'mon', [5]);
      const refreshed = await tasks.refresh(5);
      expect(refreshed).to.not.equal(old);
      const [later] = await tasks.run('inputs', 'tue', [5]);
      expect(later).to.equal(refreshed);
      expect(await taskStateNames(world())).to.deep.equal(['Completed', 'Completed', 'Cached']);
    });
  });
});
