/**
 * Tag concurrency limits on task runs: a task run entering RUNNING takes one slot on every limited
 * tag it carries (all or nothing), and gives them back when it leaves RUNNING. Slots are the ids of the
 * holding runs, so taking and releasing are idempotent.
 */
import type { OrchestrationContext } from '../context';
import { ANY_STATE, OrchestrationRule, states } from '../rule';

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
  static override readonly TO_STATES = ANY_STATE;

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
