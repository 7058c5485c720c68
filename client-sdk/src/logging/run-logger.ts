/**
 * The run logger: prints a line (`12:00:01.234 | INFO    | flow run 'silver-fox' - message`) and ships
 * it to the run's logs. `getRunLogger()` returns the logger of the current flow or task run.
 */
import { format } from 'node:util';
import type { LogLine } from '../client/types';
import { levelName, LEVELS } from './levels';
import type { LogShipper } from './log-shipper';

export interface RunLogger {
  debug(message: unknown, ...args: unknown[]): void;
  info(message: unknown, ...args: unknown[]): void;
  warning(message: unknown, ...args: unknown[]): void;
  warn(message: unknown, ...args: unknown[]): void;
  error(message: unknown, ...args: unknown[]): void;
  critical(message: unknown, ...args: unknown[]): void;
  log(level: number, message: unknown, ...args: unknown[]): void;
}

export interface LoggerTarget {
  /** How the run is named in printed lines, e.g. `flow run 'silver-fox'`. */
  label: string;
  /** The logger name stored with each line, e.g. `rigel.flow_runs`. */
  name: string;
  flowRunId?: string;
  taskRunId?: string;
}

const COLOURS: Record<string, string> = {
  DEBUG: '\x1b[2m',
  WARNING: '\x1b[33m',
  ERROR: '\x1b[31m',
  CRITICAL: '\x1b[1;31m',
};

let everythingToStderr = false;

/** `rigel run --json` keeps stdout for the JSON document: printed log lines then all go to stderr. */
export function printLogsToStderr(): void {
  everythingToStderr = true;
}

export function printLine(level: number, label: string, message: string): void {
  const name = levelName(level);
  const time = new Date().toISOString().slice(11, 23);
  const stream = everythingToStderr || level >= LEVELS.WARNING ? process.stderr : process.stdout;
  const colour = stream.isTTY ? (COLOURS[name] ?? '') : '';
  stream.write(`${colour}${time} | ${name.padEnd(8)}| ${label} - ${message}${colour ? '\x1b[0m' : ''}\n`);
}

export class ShippingLogger implements RunLogger {
  constructor(
    private readonly target: LoggerTarget,
    private readonly shipper: LogShipper | null,
    private readonly threshold: number,
  ) {}

  log(level: number, message: unknown, ...args: unknown[]): void {
    if (level < this.threshold) return;
    const text = typeof message === 'string' ? format(message, ...args) : format('%O', message, ...args);
    printLine(level, this.target.label, text);
    this.ship(level, text);
  }

  /** Ships without printing (console output captured by `logPrints` was printed already). */
  ship(level: number, text: string): void {
    if (!this.shipper || level < this.threshold) return;
    const line: LogLine = { name: this.target.name, level, message: text, timestamp: new Date().toISOString() };
    if (this.target.flowRunId) line.flowRunId = this.target.flowRunId;
    if (this.target.taskRunId) line.taskRunId = this.target.taskRunId;
    this.shipper.push(line);
  }

  debug(message: unknown, ...args: unknown[]) {
    this.log(LEVELS.DEBUG, message, ...args);
  }
  info(message: unknown, ...args: unknown[]) {
    this.log(LEVELS.INFO, message, ...args);
  }
  warning(message: unknown, ...args: unknown[]) {
    this.log(LEVELS.WARNING, message, ...args);
  }
  warn(message: unknown, ...args: unknown[]) {
    this.log(LEVELS.WARNING, message, ...args);
  }
  error(message: unknown, ...args: unknown[]) {
    this.log(LEVELS.ERROR, message, ...args);
  }
  critical(message: unknown, ...args: unknown[]) {
    this.log(LEVELS.CRITICAL, message, ...args);
  }
}
