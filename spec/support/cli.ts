/**
 * The `rigel` CLI as a spawned process (the built `client-sdk/dist/cli/main.js`), in ephemeral mode
 * (its own RIGEL_HOME in a temp folder; the database of the spec pass: SQLite in that home, or the
 * PostgreSQL spec database) or against a server (RIGEL_API_URL).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sdkChildEnv, spawnNode, type Child } from './child-process';
import { freshDatabase, isPostgres, testDatabaseUrl } from './database';
import { sdkSettings } from './sdk';
import { startTestServer, type TestServer } from './server';

export const ROOT = join(__dirname, '..', '..', '..');
export const CLI = join(ROOT, 'client-sdk', 'dist', 'cli', 'main.js');
/** Flows a deployment made by the CLI points at (compiled next to this file). */
export const FLOWS_JS = join(__dirname, 'worker-flows.js');

export interface CliResult {
  code: number | NodeJS.Signals;
  stdout: string;
  stderr: string;
}

export const CLI_MODES = ['ephemeral', 'server'] as const;
export type CliMode = (typeof CLI_MODES)[number];

export interface CliWorld {
  mode: CliMode;
  home: string;
  env: NodeJS.ProcessEnv;
  server?: TestServer;
  rigel(...args: string[]): Promise<CliResult>;
  /** Runs a command that must succeed and prints JSON; returns the parsed output. */
  json<T = any>(...args: string[]): Promise<T>;
  /** Starts a long-running command (e.g. `worker start`); stop it with `stop(child)`. */
  spawn(...args: string[]): Child;
  stop(child: Child, signal?: NodeJS.Signals): Promise<number | NodeJS.Signals>;
  cleanup(): Promise<void>;
}

export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'rigel-cli-'));
}

/** The environment of a CLI process in `mode`: a temp RIGEL_HOME, no colours, short retry budgets. */
function cliEnv(home: string, apiUrl: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...sdkChildEnv(apiUrl),
    RIGEL_HOME: home,
    RIGEL_CLIENT_RETRY_BUDGET_SECONDS: '2',
    RIGEL_HEARTBEAT_INTERVAL_SECONDS: '1',
    NO_COLOR: '1',
  };
  if (isPostgres()) env.RIGEL_DATABASE_URL = testDatabaseUrl();
  else delete env.RIGEL_DATABASE_URL;
  return env;
}

export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const child = spawnNode([CLI, ...args], env, ROOT);
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 30_000);
  const code = await child.exited;
  clearTimeout(timer);
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}

export async function cliWorld(mode: CliMode): Promise<CliWorld> {
  const home = tempHome();
  await freshDatabase();
  const server =
    mode === 'server' ? await startTestServer({ settings: { ...sdkSettings(), servicesEnabled: false } }) : undefined;
  const env = cliEnv(home, server?.apiUrl);
  const children: Child[] = [];
  const world: CliWorld = {
    mode,
    home,
    env,
    server,
    rigel: (...args) => runCli(args, env),
    async json(...args) {
      const result = await runCli([...args, '--json'], env);
      if (result.code !== 0) throw new Error(`rigel ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
      return JSON.parse(result.stdout);
    },
    spawn(...args) {
      const child = spawnNode([CLI, ...args], env, ROOT);
      children.push(child);
      return child;
    },
    async stop(child, signal = 'SIGINT') {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill(signal);
      const timer = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
      const code = await child.exited;
      clearTimeout(timer);
      return code;
    },
    async cleanup() {
      for (const child of children.splice(0)) await world.stop(child, 'SIGKILL');
      await server?.stop();
    },
  };
  return world;
}

/** `describe(subject)` with a nested `describe('in <mode> mode')` per CLI mode and a fresh world per test. */
export function describeInCliModes(subject: string, define: (world: () => CliWorld) => void): void {
  describe(subject, function () {
    this.timeout(90_000);
    for (const mode of CLI_MODES) {
      describe(`in ${mode} mode`, () => {
        let current: CliWorld | undefined;
        beforeEach(async () => {
          current = await cliWorld(mode);
        });
        afterEach(async () => {
          await current?.cleanup();
          current = undefined;
        });
        define(() => {
          if (!current) throw new Error('the CLI world exists only inside a test');
          return current;
        });
      });
    }
  });
}
