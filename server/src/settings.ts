/**
 * Settings: `RIGEL_*` environment variables, over a profile file `$RIGEL_HOME/config.json`
 * (written by `rigel config set`), over defaults. Read once per process; `loadSettings()` re-reads.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SERVER_HOST, DEFAULT_SERVER_PORT } from './schemas/paths';

export interface Settings {
  home: string;
  databaseUrl: string;
  apiUrl: string | undefined;
  apiKey: string | undefined;
  serverHost: string;
  serverPort: number;
  loggingLevel: string;
  /** Largest request body the API accepts, in bytes. */
  bodyLimitBytes: number;
  /** Largest flow-run `parameters` object, in bytes of JSON. */
  parametersLimitBytes: number;
  /** Requests per second per client before 429; 0 turns rate limiting off. */
  rateLimitPerSecond: number;
  /** How long a task waits before re-proposing RUNNING when a tag concurrency slot is full. */
  taskConcurrencyWaitSeconds: number;
  /** How often a server looks for changes written by other processes (live events), in ms. */
  eventsPollIntervalMs: number;
  /** How long SQLite waits for another process's write lock, in ms. */
  sqliteBusyTimeoutMs: number;
  /** How often a flow-run process sends a heartbeat; a run silent for 3 intervals is Crashed. */
  heartbeatIntervalSeconds: number;
  /** How often the server's crashed-run service looks for runs whose heartbeat stopped. */
  crashedRunsLoopSeconds: number;
  /** Run the background services (crashed runs, …) in this server process. */
  servicesEnabled: boolean;
  /** How long the SDK's HTTP client keeps retrying an unreachable API before the run is Crashed. */
  clientRetryBudgetSeconds: number;
  /** How often the scheduler fills the schedules' future runs. */
  schedulerLoopSeconds: number;
  /** How often SCHEDULED runs past their time are marked Late, and after how many seconds. */
  lateRunsLoopSeconds: number;
  lateAfterSeconds: number;
  /** How often paused runs past their timeout are failed, and cancelled runs' children cancelled. */
  pauseExpiryLoopSeconds: number;
  cancellationCleanupLoopSeconds: number;
  /** How often the run-history roll-up is brought up to date (closed slots of the last 31 days). */
  historyRollupLoopSeconds: number;
}

const ENV_KEYS: Record<keyof Settings, string> = {
  home: 'RIGEL_HOME',
  databaseUrl: 'RIGEL_DATABASE_URL',
  apiUrl: 'RIGEL_API_URL',
  apiKey: 'RIGEL_API_KEY',
  serverHost: 'RIGEL_SERVER_HOST',
  serverPort: 'RIGEL_SERVER_PORT',
  loggingLevel: 'RIGEL_LOGGING_LEVEL',
  bodyLimitBytes: 'RIGEL_SERVER_BODY_LIMIT_BYTES',
  parametersLimitBytes: 'RIGEL_SERVER_PARAMETERS_LIMIT_BYTES',
  rateLimitPerSecond: 'RIGEL_SERVER_RATE_LIMIT_PER_SECOND',
  taskConcurrencyWaitSeconds: 'RIGEL_TASK_CONCURRENCY_WAIT_SECONDS',
  eventsPollIntervalMs: 'RIGEL_EVENTS_POLL_INTERVAL_MS',
  sqliteBusyTimeoutMs: 'RIGEL_SQLITE_BUSY_TIMEOUT_MS',
  heartbeatIntervalSeconds: 'RIGEL_HEARTBEAT_INTERVAL_SECONDS',
  crashedRunsLoopSeconds: 'RIGEL_SERVICES_CRASHED_RUNS_LOOP_SECONDS',
  servicesEnabled: 'RIGEL_SERVICES_ENABLED',
  clientRetryBudgetSeconds: 'RIGEL_CLIENT_RETRY_BUDGET_SECONDS',
  schedulerLoopSeconds: 'RIGEL_SERVICES_SCHEDULER_LOOP_SECONDS',
  lateRunsLoopSeconds: 'RIGEL_SERVICES_LATE_RUNS_LOOP_SECONDS',
  lateAfterSeconds: 'RIGEL_SERVICES_LATE_RUNS_AFTER_SECONDS',
  pauseExpiryLoopSeconds: 'RIGEL_SERVICES_PAUSE_EXPIRY_LOOP_SECONDS',
  cancellationCleanupLoopSeconds: 'RIGEL_SERVICES_CANCELLATION_CLEANUP_LOOP_SECONDS',
  historyRollupLoopSeconds: 'RIGEL_SERVICES_HISTORY_ROLLUP_LOOP_SECONDS',
};

export const SETTING_ENV_KEYS: Readonly<Record<keyof Settings, string>> = ENV_KEYS;

function readProfile(home: string): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function numberSetting(raw: string | undefined, fallback: number, key: string): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${key} must be a non-negative number, got "${raw}"`);
  return value;
}

/** Reads the settings from `env` and the profile file; throws naming the variable when one is malformed. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const home = env.RIGEL_HOME || join(homedir(), '.rigel');
  const profile = readProfile(home);
  const get = (key: keyof Settings): string | undefined => env[ENV_KEYS[key]] ?? profile[ENV_KEYS[key]];
  return {
    home,
    databaseUrl: get('databaseUrl') || `sqlite://${join(home, 'rigel.db')}`,
    apiUrl: get('apiUrl') || undefined,
    apiKey: get('apiKey') || undefined,
    serverHost: get('serverHost') || DEFAULT_SERVER_HOST,
    serverPort: numberSetting(get('serverPort'), DEFAULT_SERVER_PORT, ENV_KEYS.serverPort),
    loggingLevel: get('loggingLevel') || 'INFO',
    bodyLimitBytes: numberSetting(get('bodyLimitBytes'), 5 * 1024 * 1024, ENV_KEYS.bodyLimitBytes),
    parametersLimitBytes: numberSetting(get('parametersLimitBytes'), 1024 * 1024, ENV_KEYS.parametersLimitBytes),
    rateLimitPerSecond: numberSetting(get('rateLimitPerSecond'), 20000, ENV_KEYS.rateLimitPerSecond),
    taskConcurrencyWaitSeconds: numberSetting(
      get('taskConcurrencyWaitSeconds'),
      1,
      ENV_KEYS.taskConcurrencyWaitSeconds,
    ),
    eventsPollIntervalMs: numberSetting(get('eventsPollIntervalMs'), 500, ENV_KEYS.eventsPollIntervalMs),
    sqliteBusyTimeoutMs: numberSetting(get('sqliteBusyTimeoutMs'), 10000, ENV_KEYS.sqliteBusyTimeoutMs),
    heartbeatIntervalSeconds: numberSetting(get('heartbeatIntervalSeconds'), 10, ENV_KEYS.heartbeatIntervalSeconds),
    crashedRunsLoopSeconds: numberSetting(get('crashedRunsLoopSeconds'), 15, ENV_KEYS.crashedRunsLoopSeconds),
    servicesEnabled: !/^(0|false|no|off)$/i.test(get('servicesEnabled') ?? ''),
    clientRetryBudgetSeconds: numberSetting(get('clientRetryBudgetSeconds'), 60, ENV_KEYS.clientRetryBudgetSeconds),
    schedulerLoopSeconds: numberSetting(get('schedulerLoopSeconds'), 30, ENV_KEYS.schedulerLoopSeconds),
    lateRunsLoopSeconds: numberSetting(get('lateRunsLoopSeconds'), 5, ENV_KEYS.lateRunsLoopSeconds),
    lateAfterSeconds: numberSetting(get('lateAfterSeconds'), 15, ENV_KEYS.lateAfterSeconds),
    pauseExpiryLoopSeconds: numberSetting(get('pauseExpiryLoopSeconds'), 10, ENV_KEYS.pauseExpiryLoopSeconds),
    cancellationCleanupLoopSeconds: numberSetting(
      get('cancellationCleanupLoopSeconds'),
      20,
      ENV_KEYS.cancellationCleanupLoopSeconds,
    ),
    historyRollupLoopSeconds: numberSetting(get('historyRollupLoopSeconds'), 60, ENV_KEYS.historyRollupLoopSeconds),
  };
}
