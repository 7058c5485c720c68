/**
 * Policies: ordered lists of rules (the order is part of the behaviour). `applyPolicy` enters every
 * rule that governs the transition as it stands when its turn comes, lets `commit` write the outcome,
 * then runs each entered rule's `afterTransition` — or its `cleanup` if it fizzled — in reverse order.
 */
import type { OrchestrationContext } from './context';
import { OrchestrationRule, type RuleClass } from './rule';

/** The base class's hooks, which do nothing. */
const NO_HOOK = OrchestrationRule.prototype;

export interface OrchestrationPolicy {
  readonly name: string;
  readonly rules: readonly RuleClass[];
}

export function definePolicy(name: string, rules: readonly RuleClass[]): OrchestrationPolicy {
  return Object.freeze({ name, rules: Object.freeze([...rules]) });
}

export async function applyPolicy(
  context: OrchestrationContext,
  policy: OrchestrationPolicy,
  commit: (context: OrchestrationContext) => Promise<void>,
): Promise<void> {
  const entered: { rule: OrchestrationRule; revision: number }[] = [];
  for (const Rule of policy.rules) {
    if (!Rule.governs(context)) continue;
    const rule = new Rule(context);
    // Hooks a rule does not override do nothing: they are skipped rather than awaited (hot path).
    if (rule.beforeTransition !== NO_HOOK.beforeTransition) await rule.beforeTransition(context);
    entered.push({ rule, revision: context.revision });
  }
  await commit(context);
  for (let i = entered.length - 1; i >= 0; i--) {
    const { rule, revision } = entered[i]!;
    if (context.revision === revision) {
      if (rule.afterTransition !== NO_HOOK.afterTransition) await rule.afterTransition(context);
    } else if (rule.cleanup !== NO_HOOK.cleanup) await rule.cleanup(context);
  }
}
