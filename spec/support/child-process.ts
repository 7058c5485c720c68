/** Child Node processes for specs: spawn a compiled script, read its stdout line by line, wait for a line. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Child {
  process: ChildProcess;
  /** Everything printed to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `pattern` (rejects after `timeoutMs`). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  exited: Promise<number | NodeJS.Signals>;
}

export function spawnNode(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Child {
  const child = spawn(process.execPath, ['--enable-source-maps', ...args], {
    env,
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: (() => void)[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    child.on('close', (code, signal) => {
      for (const wake of waiters.splice(0)) wake();
      resolve(code ?? signal ?? -1);
    }),
  );
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitForLine(pattern, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = out
          .split('\n')
          .map((line) => pattern.exec(line))
          .find((m) => m !== null);
        if (match) return match;
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`no line matching ${pattern} (stdout: ${out.slice(-2000)}; stderr: ${err.slice(-2000)})`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
  };
}

/** The environment for a child running the SDK against the spec database, or through `apiUrl`. */
export function sdkChildEnv(apiUrl?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  delete env.RIGEL_API_URL;
  if (apiUrl) env.RIGEL_API_URL = apiUrl;
  return env;
}
