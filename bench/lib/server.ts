/** Starts bench/server-process.js as a child process and talks to it (URL, stats, stop). */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ServerStatsMessage } from '../server-process';

export interface ServerProcessOptions {
  databaseUrl: string;
  /** RIGEL_HOME of the server (an empty temporary folder, so no profile file is read). */
  home: string;
  /** Extra Node flags for the server, e.g. `--cpu-prof --cpu-prof-dir=bench/results/prof`. */
  nodeArgs?: string[];
  env?: Record<string, string>;
}

export interface ServerProcess {
  apiUrl: string;
  pid: number;
  /** Peak RSS since the previous call, and SQLite's row-change counter. */
  stats(): Promise<ServerStatsMessage>;
  /** Starts a CPU profile of the server, or stops it and writes it to `file`. */
  profile(action: 'start' | 'stop', file?: string): Promise<void>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error('the server process did not start in time')), START_TIMEOUT_MS);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`the server process exited (code ${code}) before printing its URL`));
    };
    child.once('exit', onExit);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume();
      resolve(buffer.slice(0, newline).trim());
    });
  });
}

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const child = fork(join(__dirname, '..', 'server-process.js'), [], {
    execArgv: options.nodeArgs ?? [],
    env: {
      ...process.env,
      RIGEL_HOME: options.home,
      RIGEL_DATABASE_URL: options.databaseUrl,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const apiUrl = await firstLine(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const ask = <T extends { type: string }>(message: object, reply: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (answer: T) => {
        if (answer?.type !== reply) return;
        child.off('message', onMessage);
        resolve(answer);
      };
      child.on('message', onMessage);
      child.send(message, (error) => error && reject(error));
    });

  return {
    apiUrl,
    pid: child.pid!,
    stats: () => ask<ServerStatsMessage>({ type: 'stats' }, 'stats'),
    async profile(action, file) {
      await ask({ type: `profile-${action}`, file }, 'profile');
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
