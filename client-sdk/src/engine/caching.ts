/**
 * Cache policies: what makes two task calls "the same" for result caching. Compose with `.plus()`:
 * `INPUTS.plus(TASK_SOURCE)`. No caching happens unless a task asks for it (cachePolicy or cacheKeyFn).
 */
import { createHash } from 'node:crypto';
import type { TaskContextInfo } from '../metadata/options';
import { stableSerialize } from './serialization';

export interface CacheKeyInput extends TaskContextInfo {
  /** The enclosing flow run's parameters. */
  flowParameters: Record<string, unknown>;
}

type Part = (input: CacheKeyInput) => string | null;

export class CachePolicy {
  private constructor(
    readonly description: string,
    private readonly parts: readonly Part[],
  ) {}

  static of(description: string, part: Part): CachePolicy {
    return new CachePolicy(description, [part]);
  }

  /** This policy and `other`: a call matches only when both parts match. */
  plus(other: CachePolicy): CachePolicy {
    return new CachePolicy(`${this.description} + ${other.description}`, [...this.parts, ...other.parts]);
  }

  /** The cache key for a call, or null when the policy says "do not cache". */
  key(taskKey: string, input: CacheKeyInput): string | null {
    const values: string[] = [];
    for (const part of this.parts) {
      const value = part(input);
      if (value === null) return null;
      values.push(value);
    }
    return `${taskKey}:${createHash('sha256').update(values.join('\u0000')).digest('hex')}`;
  }
}

/** The task's inputs (parameters, compared by value). */
export const INPUTS = CachePolicy.of('inputs', (input) => stableSerialize(input.parameters));
/** The task's source code: editing the task invalidates its cache. */
export const TASK_SOURCE = CachePolicy.of('task source', (input) => input.sourceHash);
/** The enclosing flow run's parameters. */
export const FLOW_PARAMETERS = CachePolicy.of('flow parameters', (input) => stableSerialize(input.flowParameters));
/** The enclosing flow run: results are reused only within one flow run (a call outside any flow is not cached). */
export const RUN_ID = CachePolicy.of('flow run id', (input) => input.flowRunId);
/** Never cache. */
export const NONE = CachePolicy.of('none', () => null);
