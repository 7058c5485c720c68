import { expect } from 'chai';
import { cancelled, Flow, Task, type HookContext, type FlowRun, type TaskRun } from '@rigel/sdk';
import { describeInBothModes } from '../../support/sdk';

type Seen = { hook: string; state: string; runName: string; error?: string };
const seen: Seen[] = [];

function record(hook: string) {
  return ({ state, run, error }: HookContext<FlowRun | TaskRun>) => {
    seen.push({ hook, state: state.name, runName: run.name, ...(error ? { error: (error as Error).message } : {}) });
  };
}

const flowHooks = {
  onRunning: [record('flow.onRunning')],
  onCompletion: [record('flow.onCompletion')],
  onFailure: [record('flow.onFailure')],
  onCancellation: [record('flow.onCancellation')],
  onCrashed: [record('flow.onCrashed')],
};

class HookedFlows {
  static failTask = false;

  @Task({
    name: 'hk-step',
    retries: 1,
    retryDelaySeconds: 0,
    taskRunName: 'step',
    onRunning: [record('task.onRunning')],
    onCompletion: [record('task.onCompletion')],
    onFailure: [record('task.onFailure')],
  })
  async step(): Promise<string> {
    if (HookedFlows.failTask) throw new Error('step broke');
    return 'ok';
  }

  @Flow({ name: 'hk-completes', flowRunName: 'completes', ...flowHooks })
  async completes(): Promise<string> {
    return this.step();
  }

  @Flow({ name: 'hk-fails', flowRunName: 'fails', ...flowHooks })
  async fails(): Promise<void> {
    throw new Error('flow broke');
  }

  @Flow({ name: 'hk-cancels', flowRunName: 'cancels', ...flowHooks })
  async cancels() {
    return cancelled('nothing to do today');
  }

  @Flow({
    name: 'hk-broken-hook',
    onCompletion: [
      () => {
        throw new Error('the hook itself broke');
      },
    ],
  })
  async brokenHook(): Promise<string> {
    return 'fine';
  }
}

describeInBothModes('state-change hooks', (world) => {
  const flows = new HookedFlows();
  beforeEach(() => {
    seen.length = 0;
    HookedFlows.failTask = false;
  });

  describe('when a flow and its task complete', () => {
    it('calls onRunning then onCompletion, with the run and the state', async () => {
      await flows.completes();
      expect(seen).to.deep.equal([
        { hook: 'flow.onRunning', state: 'Running', runName: 'completes' },
        { hook: 'task.onRunning', state: 'Running', runName: 'step' },
        { hook: 'task.onCompletion', state: 'Completed', runName: 'step' },
        { hook: 'flow.onCompletion', state: 'Completed', runName: 'completes' },
      ]);
    });
  });

  describe('when a task fails after its retries', () => {
    it('calls the task onRunning once per attempt and onFailure once, with the error', async () => {
      HookedFlows.failTask = true;
      await flows.completes().catch(() => undefined);
      expect(seen.filter((s) => s.hook.startsWith('task.'))).to.deep.equal([
        { hook: 'task.onRunning', state: 'Running', runName: 'step' },
        { hook: 'task.onRunning', state: 'Retrying', runName: 'step' },
        { hook: 'task.onFailure', state: 'Failed', runName: 'step', error: 'step broke' },
      ]);
    });
  });

  describe('when a flow fails', () => {
    it('calls onFailure with the error', async () => {
      await flows.fails().catch(() => undefined);
      expect(seen.map((s) => s.hook)).to.deep.equal(['flow.onRunning', 'flow.onFailure']);
      expect(seen[1]).to.include({ state: 'Failed', error: 'flow broke' });
    });
  });

  describe('when a flow ends Cancelled', () => {
    it('calls onCancellation', async () => {
      await flows.cancels().catch(() => undefined);
      expect(seen.map((s) => s.hook)).to.deep.equal(['flow.onRunning', 'flow.onCancellation']);
    });
  });

  describe('when a hook throws', () => {
    it('logs the failure and leaves the run Completed', async () => {
      expect(await flows.brokenHook()).to.equal('fine');
      const run = await world().onlyFlowRun('hk-broken-hook');
      expect(run.stateType).to.equal('COMPLETED');
      const messages = (await world().logs({ flowRunId: run.id })).map((l) => l.message);
      expect(messages.some((m) => m.includes('the hook itself broke'))).to.equal(true);
    });
  });
});
