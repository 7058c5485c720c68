import { expect } from 'chai';
import { Flow, getRunContext, getRunLogger, Task, tags, type RunContextView } from '@rigel/sdk';
import { describeInBothModes } from '../../support/sdk';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class Contextual {
  static views: Record<string, RunContextView> = {};
  static flowSignal: AbortSignal | undefined;

  @Task({ name: 'cx-task' })
  async inTask(table: string): Promise<void> {
    Contextual.views.task = getRunContext();
    getRunLogger().warning('loading %s', table);
  }

  @Task({ name: 'cx-logs-alone' })
  async logsAlone(): Promise<void> {
    getRunLogger().info('a line from a task outside any flow');
  }

  @Flow({ name: 'cx-flow', tags: ['flow-tag'] })
  async inFlow(day: string): Promise<void> {
    Contextual.views.flow = getRunContext();
    getRunLogger().info('starting %s', day);
    await tags(['scoped'], () => this.inTask('orders'));
  }

  @Flow({ name: 'cx-timeout', timeoutSeconds: 0.2 })
  async timesOut(): Promise<void> {
    Contextual.flowSignal = getRunContext().signal;
    await sleep(3000);
  }
}

describeInBothModes('run context and logging', (world) => {
  const flows = new Contextual();
  beforeEach(() => {
    Contextual.views = {};
    Contextual.flowSignal = undefined;
  });

  describe('when read inside a flow and its task', () => {
    it('names the runs, their parameters and tags', async () => {
      await flows.inFlow('2026-11-24');
      const run = await world().onlyFlowRun('cx-flow');
      const [task] = await world().taskRuns(run.id);
      const { flow, task: inTask } = Contextual.views;
      expect(flow).to.deep.include({ flowName: 'cx-flow', parameters: { day: '2026-11-24' } });
      expect(flow!.flowRun!.id).to.equal(run.id);
      expect(flow!.taskRun).to.equal(undefined);
      expect(inTask).to.deep.include({ flowName: 'cx-flow', taskName: 'cx-task', parameters: { table: 'orders' } });
      expect(inTask!.flowRun!.id).to.equal(run.id);
      expect(inTask!.taskRun!.id).to.equal(task!.id);
      expect(inTask!.tags).to.deep.equal(['scoped']);
      expect(task!.tags).to.have.members(['scoped']);
    });

    it('carries an AbortSignal that fires when the run times out', async () => {
      await flows.timesOut().catch(() => undefined);
      expect(Contextual.flowSignal?.aborted).to.equal(true);
    });

    it('is empty outside any run', () => {
      expect(getRunContext()).to.deep.include({ flowRun: undefined, taskRun: undefined, parameters: {} });
    });
  });

  describe('when getRunLogger() is used', () => {
    it("ships the flow's and the task's lines to the run's logs with their level", async () => {
      await flows.inFlow('2026-11-24');
      const run = await world().onlyFlowRun('cx-flow');
      const [task] = await world().taskRuns(run.id);
      const logs = await world().logs({ flowRunId: run.id });
      const starting = logs.find((l) => l.message === 'starting 2026-11-24');
      expect(starting).to.include({ level: 20, taskRunId: null, name: 'rigel.flow_runs' });
      const loading = logs.find((l) => l.message === 'loading orders');
      expect(loading).to.include({ level: 30, taskRunId: task!.id, name: 'rigel.task_runs' });
    });

    it('ships the lines of a task called outside any flow by the time the call returns', async () => {
      await flows.logsAlone();
      const [task] = await world().taskRuns(null);
      const logs = await world().logs({ taskRunId: task!.id });
      expect(logs.map((l) => l.message)).to.include('a line from a task outside any flow');
    });
  });
});
