/**
 * Policies: ordered lists of rules (the order is part of the behaviour). `applyPolicy` enters every
 * rule that governs the transition as it stands when its turn comes, lets `commit` write the outcome,
 * then runs each entered rule's `afterTransition` — or its `cleanup` if it fizzled — in reverse order.
 */
import type { OrchestrationContext } from './context';
import type { OrchestrationRule, RuleClass } from './rule';

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
    await rule.beforeTransition(context);
    entered.push({ rule, revision: context.revision });
  }
  await commit(context);
  for (let i = entered.length - 1; i >= 0; i--) {
    const { rule, revision } = entered[i]!;
    if (context.revision === revision) await rule.afterTransition(context);
    else await rule.cleanup(context);
  }
}
