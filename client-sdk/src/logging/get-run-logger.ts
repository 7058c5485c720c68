import { currentScope } from '../engine/context';
import { runtime } from '../engine/runtime';
import { ShippingLogger, type RunLogger } from './run-logger';

/**
 * The logger of the current flow or task run: lines are printed and stored with the run. Outside any
 * run, a logger that only prints.
 */
export function getRunLogger(): RunLogger {
  const scope = currentScope();
  const logger = scope.task?.logger ?? scope.flow?.logger;
  if (logger) return logger;
  return new ShippingLogger({ label: 'rigel', name: 'rigel' }, null, runtime().logThreshold);
}
