/**
 * Result caching: a task proposing RUNNING with a cache key that has an unexpired cached COMPLETED
 * state gets that state (named Cached) instead of running; every COMPLETED state with a cache key is
 * stored as a cache entry. The key comes from the proposed state, else from the task run row.
 */
import type { OrchestrationContext } from '../context';
import { ANY_STATE, OrchestrationRule, states } from '../rule';

export const MAX_CACHE_KEY_LENGTH = 2000;

function cacheKeyOf(ctx: OrchestrationContext): string | undefined {
  return ctx.proposedState?.stateDetails.cacheKey ?? ctx.run.cacheKey ?? undefined;
}

/**
 * any → RUNNING: an unexpired cache entry for the key and no `refreshCache` → REJECT into a copy of the
 * cached state named Cached. Placed before the concurrency rule so cached tasks never wait for a slot.
 */
export class CacheRetrieval extends OrchestrationRule {
  static override readonly FROM_STATES = ANY_STATE;
  static override readonly TO_STATES = states('RUNNING');

  override async beforeTransition(ctx: OrchestrationContext): Promise<void> {
    const key = cacheKeyOf(ctx);
    if (!key || ctx.proposedState!.stateDetails.refreshCache) return;
    const cached = await ctx.store.findCachedState(ctx.tx, key, ctx.now());
    if (!cached) return;
    this.reject(
      {
        type: 'COMPLETED',
        name: 'Cached',
        message: cached.message,
        stateDetails: {
          cacheKey: key,
          cacheExpiration: cached.stateDetails.cacheExpiration,
          cachedFromTaskRunId: cached.taskRunId,
        },
        data: cached.data,
      },
      `Found a cached result for cache key "${key}" (from task run ${cached.taskRunId})`,
    );
  }
}

/**
 * any → COMPLETED: a cache key over 2000 characters → REJECT(current); after the write, the completed
 * state is stored under its cache key with its expiration — unless its result was recorded as not
 * persisted: a cache hit on it could not give the value back, so every later call would fail.
 */
export class CacheInsertion extends OrchestrationRule {
  static override readonly FROM_STATES = ANY_STATE;
  static override readonly TO_STATES = states('COMPLETED');

  override async beforeTransition(ctx: OrchestrationContext): Promise<void> {
    const key = cacheKeyOf(ctx);
    if (key && key.length > MAX_CACHE_KEY_LENGTH) {
      this.reject(null, `The cache key is longer than ${MAX_CACHE_KEY_LENGTH} characters`);
    }
  }

  override async afterTransition(ctx: OrchestrationContext): Promise<void> {
    const state = ctx.validatedState;
    const key = cacheKeyOf(ctx);
    if (!state || !key || state.type !== 'COMPLETED' || state.name === 'Cached') return;
    if ((state.data as { type?: unknown } | null)?.type === 'unpersisted') return;
    const expiration = state.stateDetails.cacheExpiration ?? ctx.run.cacheExpiration?.toISOString() ?? null;
    await ctx.store.insertCacheEntry(ctx.tx, key, expiration ? new Date(expiration) : null, state.id, ctx.now());
  }
}
