/**
 * Drives the rule machinery itself (policy.ts) on a real, locked run: builds the OrchestrationContext
 * the service would build for one proposal, inside a real transaction, and hands it to the spec.
 * Nothing is written unless the spec writes it; the service spec covers the write path.
 */
import { OrchestrationContext } from '@rigel/server/orchestration/context';
import { applyPolicy, definePolicy } from '@rigel/server/orchestration/policy';
import type { RuleClass } from '@rigel/server/orchestration/rule';
import { buildValidatedState } from '@rigel/server/orchestration/transforms/index';
import { normalizeProposal } from '@rigel/server/services/orchestration.service';
import type { RunKind, StateProposal } from '@rigel/server';
import type { Harness } from './orchestration';

/** Runs `fn` with the context of proposing `proposal` for the run, as the service would build it. */
export async function withContext<T>(
  h: Harness,
  kind: RunKind,
  runId: string,
  proposal: StateProposal,
  fn: (ctx: OrchestrationContext) => Promise<T>,
): Promise<T> {
  const store = h.services.orchestration.store;
  return h.db.transaction(async (tx) => {
    const run = (await store.lockRun(tx, kind, runId))!;
    const initialState = run.stateId ? await store.readState(tx, kind, run.stateId) : null;
    const ctx = new OrchestrationContext({
      kind,
      run,
      initialState,
      proposedState: normalizeProposal(proposal),
      tx,
      store,
      now: h.clock.now(),
      random: () => 0.5,
      settings: { taskConcurrencyWaitSeconds: 1 },
    });
    return fn(ctx);
  });
}

/**
 * Applies an ad-hoc policy of `rules` to the context; the commit only builds the state that would be
 * written (no rows), so the spec sees exactly what the machinery decided.
 */
export async function applyRules(ctx: OrchestrationContext, rules: RuleClass[]): Promise<void> {
  await applyPolicy(ctx, definePolicy('SpecPolicy', rules), async () => {
    if (ctx.proposedState) ctx.validatedState = buildValidatedState(ctx, ctx.proposedState);
  });
}
