/**
 * Real second processes for cross-process specs: another Rigel API server (`rigel-server start` on the
 * spec database) and short Node scripts from this folder (compiled next to this file). Every process
 * started here is stopped by its own handle.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface ServerProcess {
  url: string;
  apiUrl: string;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited(child);
  clearTimeout(timer);
}

/** Starts `rigel-server start --port 0` on the spec database and waits for the URL it prints. */
export async function startServerProcess(env: Record<string, string> = {}): Promise<ServerProcess> {
  const main = require.resolve('@rigel/server/main');
  const child = spawn(process.execPath, [main, 'start', '--host', '127.0.0.1', '--port', '0'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server process did not start in 15 s:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server process exited with ${code}:\n${output}`));
    });
  }).catch(async (error: unknown) => {
    await stopProcess(child);
    throw error;
  });
  return { url, apiUrl: `${url}/api`, stop: () => stopProcess(child) };
}

/** Runs `spec/support/<script>.js` with a JSON argument; resolves to the JSON it prints last. */
export async function runScript<T>(script: string, input: unknown): Promise<T> {
  const child = spawn(process.execPath, [join(__dirname, `${script}.js`), JSON.stringify(input)], {
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await exited(child);
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${script} exited with ${code}:\n${stderr || stdout}`);
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}
