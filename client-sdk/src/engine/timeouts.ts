/**
 * Timeouts that really stop waiting: the run's AbortSignal fires and the engine moves on with a
 * RunTimeoutError, whether or not the user's code cooperates with the signal.
 */
import { RunTimeoutError } from '../errors';

export async function withTimeout<T>(
  work: () => Promise<T>,
  timeoutSeconds: number | undefined,
  controller: AbortController,
  kind: 'flow' | 'task',
): Promise<T> {
  if (!timeoutSeconds || timeoutSeconds <= 0) return work();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new RunTimeoutError(kind, timeoutSeconds);
      controller.abort(error);
      reject(error);
    }, timeoutSeconds * 1000);
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
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
