/**
 * Tag concurrency limits on task runs: a task run entering RUNNING takes one slot on every limited
 * tag it carries (all or nothing), and gives them back when it leaves RUNNING. Slots are the ids of the
 * holding runs, so taking and releasing are idempotent.
 */
import type { OrchestrationContext } from '../context';
import { ALL_STATES, ANY_STATE, OrchestrationRule, states } from '../rule';

/**
 * any → RUNNING: a limit of 0 → ABORT (the task could never run); a full limit → WAIT (a short,
 * configurable delay; the client re-proposes); otherwise take a slot on each limited tag.
 * Cleanup gives the slots back when a later rule changes the outcome.
 */
export class SecureTaskConcurrencySlots extends OrchestrationRule {
  static override readonly FROM_STATES = ANY_STATE;
  static override readonly TO_STATES = states('RUNNING');
  private taken: string[] = [];

  override async beforeTransition(ctx: OrchestrationContext): Promise<void> {
    if (ctx.run.tags.length === 0) return;
    const limits = await ctx.store.lockConcurrencyLimits(ctx.tx, ctx.run.tags);
    const zero = limits.find((limit) => limit.concurrencyLimit === 0);
    if (zero) {
      this.abort(`The concurrency limit on tag "${zero.tag}" is 0: this task can never run while the limit stays 0`);
      return;
    }
    const full = limits.find(
      (limit) => !limit.activeSlots.includes(ctx.run.id) && limit.activeSlots.length >= limit.concurrencyLimit,
    );
    if (full) {
      this.delay(
        ctx.settings.taskConcurrencyWaitSeconds,
        `The concurrency limit on tag "${full.tag}" (${full.concurrencyLimit}) has been reached`,
      );
      return;
    }
    for (const limit of limits) {
      if (limit.activeSlots.includes(ctx.run.id)) continue;
      await ctx.store.saveConcurrencySlots(ctx.tx, limit.id, [...limit.activeSlots, ctx.run.id], ctx.now());
      this.taken.push(limit.tag);
    }
  }

  override async cleanup(ctx: OrchestrationContext): Promise<void> {
    if (this.taken.length === 0) return;
    await releaseSlots(ctx, this.taken);
  }
}

/** Universal: once a task run's written state is anything but RUNNING, its tag slots are released. */
export class ReleaseTaskConcurrencySlots extends OrchestrationRule {
  static override readonly FROM_STATES = ANY_STATE;
  static override readonly TO_STATES = ALL_STATES;

  override async afterTransition(ctx: OrchestrationContext): Promise<void> {
    const state = ctx.validatedState;
    if (!state || state.type === 'RUNNING' || ctx.run.tags.length === 0) return;
    await releaseSlots(ctx, ctx.run.tags);
  }
}

async function releaseSlots(ctx: OrchestrationContext, tags: string[]): Promise<void> {
  const limits = await ctx.store.lockConcurrencyLimits(ctx.tx, tags);
  for (const limit of limits) {
    if (!limit.activeSlots.includes(ctx.run.id)) continue;
    const slots = limit.activeSlots.filter((id) => id !== ctx.run.id);
    await ctx.store.saveConcurrencySlots(ctx.tx, limit.id, slots, ctx.now());
  }
}

/** States in which a flow run holds a deployment concurrency slot. */
const FLOW_ACTIVE = new Set(['PENDING', 'RUNNING', 'PAUSED', 'CANCELLING']);

/**
 * non-active → PENDING (flow runs of a deployment with a concurrency limit): a free slot → take it;
 * full → ENQUEUE: REJECT into AwaitingConcurrencySlot (now + 30 s), CANCEL_NEW: REJECT into Cancelled;
 * a limit of 0 → ABORT. Cleanup gives the slot back when a later rule changes the outcome.
 */
export class SecureFlowConcurrencySlots extends OrchestrationRule {
  static override readonly FROM_STATES = states(null, 'SCHEDULED', 'COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED');
  static override readonly TO_STATES = states('PENDING');
  private took = false;

  override async beforeTransition(ctx: OrchestrationContext): Promise<void> {
    if (!ctx.run.deploymentId) return;
    const deployment = await ctx.store.lockDeploymentSlots(ctx.tx, ctx.run.deploymentId);
    if (!deployment || deployment.concurrencyLimit === null) return;
    if (deployment.concurrencyLimit === 0) {
      return this.abort('The deployment concurrency limit is 0: its runs can never start while it stays 0');
    }
    if (deployment.activeSlots.includes(ctx.run.id)) return;
    if (deployment.activeSlots.length >= deployment.concurrencyLimit) {
      const reason = `The deployment concurrency limit (${deployment.concurrencyLimit}) is reached`;
      if (deployment.collisionStrategy === 'CANCEL_NEW') {
        return this.reject(
          { type: 'CANCELLED', name: 'Cancelled', message: reason, stateDetails: {}, data: null },
          `${reason}; CANCEL_NEW cancels this run`,
        );
      }
      const scheduledTime = new Date(ctx.now().getTime() + 30_000).toISOString();
      return this.reject(
        {
          type: 'SCHEDULED',
          name: 'AwaitingConcurrencySlot',
          message: reason,
          stateDetails: { scheduledTime },
          data: null,
        },
        `${reason}; ENQUEUE waits 30 s for a slot`,
      );
    }
    await ctx.store.saveDeploymentSlots(ctx.tx, ctx.run.deploymentId, [...deployment.activeSlots, ctx.run.id]);
    this.took = true;
  }

  override async cleanup(ctx: OrchestrationContext): Promise<void> {
    if (this.took) await releaseDeploymentSlot(ctx);
  }
}

/** Universal (flow runs): leaving the active states gives the deployment concurrency slot back. */
export class ReleaseFlowConcurrencySlots extends OrchestrationRule {
  static override readonly FROM_STATES = ANY_STATE;
  static override readonly TO_STATES = ALL_STATES;

  override async afterTransition(ctx: OrchestrationContext): Promise<void> {
    const state = ctx.validatedState;
    if (!state || !ctx.run.deploymentId || FLOW_ACTIVE.has(state.type)) return;
    await releaseDeploymentSlot(ctx);
  }
}

async function releaseDeploymentSlot(ctx: OrchestrationContext): Promise<void> {
  const deployment = await ctx.store.lockDeploymentSlots(ctx.tx, ctx.run.deploymentId!);
  if (!deployment || !deployment.activeSlots.includes(ctx.run.id)) return;
  await ctx.store.saveDeploymentSlots(
    ctx.tx,
    ctx.run.deploymentId!,
    deployment.activeSlots.filter((id) => id !== ctx.run.id),
  );
}
