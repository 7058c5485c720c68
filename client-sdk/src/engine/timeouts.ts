/**
 * Timeouts that really stop waiting: the run's AbortSignal fires and the engine moves on with a
 * RunTimeoutError, whether or not the user's code cooperates with the signal.
 */
import { RunTimeoutError } from '../errors';

/**
 * Runs `work` until it settles, `timeoutSeconds` pass, or `parent` aborts (a task inside a flow attempt
 * that timed out or was interrupted): then `controller` is aborted and the call rejects with the reason.
 */
export async function withTimeout<T>(
  work: () => Promise<T>,
  timeoutSeconds: number | undefined,
  controller: AbortController,
  kind: 'flow' | 'task',
  parent?: AbortSignal,
): Promise<T> {
  const hasTimeout = !!timeoutSeconds && timeoutSeconds > 0;
  if (!hasTimeout && !parent) return work();
  let timer: NodeJS.Timeout | undefined;
  let onParentAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    const stop = (reason: unknown) => {
      controller.abort(reason);
      reject(reason);
    };
    if (hasTimeout) timer = setTimeout(() => stop(new RunTimeoutError(kind, timeoutSeconds!)), timeoutSeconds! * 1000);
    if (parent) {
      onParentAbort = () => stop(parent.reason);
      if (parent.aborted) onParentAbort();
      else parent.addEventListener('abort', onParentAbort, { once: true });
    }
  });
  try {
    return await Promise.race([work(), stopped]);
  } finally {
    clearTimeout(timer);
    if (onParentAbort) parent?.removeEventListener('abort', onParentAbort);
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export function renderName(
  template: string | ((p: Record<string, unknown>) => string) | undefined,
  parameters: Record<string, unknown>,
): string | undefined {
  if (!template) return undefined;
  if (typeof template === 'function') return template(parameters);
  return template.replace(/\{([A-Za-z_$][\w$.]*)\}/g, (whole, path: string) => {
    let value: unknown = parameters;
    for (const part of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
    if (value === undefined) return whole;
    return value instanceof Date ? value.toISOString() : String(value);
  });
}
