/**
 * Task runs and their enclosing flow run: a task may only start while its flow run is RUNNING, and
 * records which attempt of the flow run it belongs to.
 */
import type { OrchestrationContext } from '../context';
import { ANY_STATE, OrchestrationRule, states } from '../rule';

/**
 * any → RUNNING (task runs): flow run PAUSED → REJECT into NotReady (PAUSED); flow run not RUNNING →
 * ABORT. Tasks called outside any flow are not governed.
 */
export class PreventRunningTasksFromStoppedFlows extends OrchestrationRule {
  static override readonly FROM_STATES = ANY_STATE;
  static override readonly TO_STATES = states('RUNNING');

  override async beforeTransition(ctx: OrchestrationContext): Promise<void> {
    const flowRun = await ctx.flowRun();
    if (!flowRun) return;
    if (flowRun.stateType === 'PAUSED') {
      this.reject(
        { type: 'PAUSED', name: 'NotReady', message: null, stateDetails: {}, data: null },
        `The flow run ${flowRun.id} is paused; new tasks can run after it resumes`,
      );
    } else if (flowRun.stateType !== 'RUNNING') {
      const current = flowRun.stateName ? `it is ${flowRun.stateName}` : 'it has no state';
      this.abort(`The enclosing flow run must be running to begin task execution (${current})`);
    }
  }
}

/** any → RUNNING (task runs): record the flow run's `runCount` on the task run (flow-retry tracking). */
export class UpdateFlowRunTrackerOnTasks extends OrchestrationRule {
  static override readonly FROM_STATES = ANY_STATE;
  static override readonly TO_STATES = states('RUNNING');
  private original?: number;

  override async beforeTransition(ctx: OrchestrationContext): Promise<void> {
    const flowRun = await ctx.flowRun();
    if (!flowRun) return;
    this.original = ctx.run.flowRunRunCount;
    ctx.run.flowRunRunCount = flowRun.runCount;
  }

  override async cleanup(ctx: OrchestrationContext): Promise<void> {
    if (this.original !== undefined) ctx.run.flowRunRunCount = this.original;
  }
}
