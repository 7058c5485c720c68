/** State-change hooks: run in order; a failing hook is logged and never changes the run's outcome. */
import type { RunLogger } from '../logging/run-logger';
import type { Hook, HookContext } from '../metadata/options';

export async function runHooks<R>(
  hooks: Hook<R>[] | undefined,
  context: HookContext<R>,
  logger: RunLogger,
): Promise<void> {
  for (const hook of hooks ?? []) {
    try {
      await hook(context);
    } catch (error) {
      logger.error(
        `A ${context.state.name} hook (${hook.name || 'anonymous'}) failed: ${(error as Error)?.message ?? error}`,
      );
    }
  }
}
