/**
 * `logPrints: true`: console output printed inside a run is also sent to the run's logs. Console
 * methods are wrapped once per process; the wrapper ships only when the current run asked for it.
 */
import { format } from 'node:util';
import { LEVELS } from '../logging/levels';
import type { ShippingLogger } from '../logging/run-logger';
import { currentScope } from './context';

let patched = false;

export function enableLogPrints(): void {
  if (patched) return;
  patched = true;
  const methods: [keyof Console, number][] = [
    ['log', LEVELS.INFO],
    ['info', LEVELS.INFO],
    ['warn', LEVELS.WARNING],
    ['error', LEVELS.ERROR],
    ['debug', LEVELS.DEBUG],
  ];
  for (const [method, level] of methods) {
    const original = console[method] as (...args: unknown[]) => void;
    (console as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      original.apply(console, args);
      const scope = currentScope();
      if (!scope.logPrints) return;
      const logger = (scope.task?.logger ?? scope.flow?.logger) as ShippingLogger | undefined;
      logger?.ship(level, format(...args));
    };
  }
}
