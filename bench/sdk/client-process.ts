/**
 * One S1/S2 measurement in its own process (so RSS and the SDK's registry are its own): configured by
 * environment (RIGEL_BENCH_MODE = ephemeral | http, RIGEL_BENCH_API_URL, RIGEL_DATABASE_URL,
 * RIGEL_BENCH_SCENARIO = S1 | S2, RIGEL_BENCH_TASKS), it prints one JSON line with the result.
 */
import 'reflect-metadata';
import { HttpClient, InProcessClient } from '@rigel/sdk';
import { loadSettings } from '@rigel/server';
import { runS1, runS2, useClient } from './scenarios';

async function main(): Promise<void> {
  const mode = process.env.RIGEL_BENCH_MODE ?? 'ephemeral';
  const tasks = Number(process.env.RIGEL_BENCH_TASKS ?? 10_000);
  const apiUrl = process.env.RIGEL_BENCH_API_URL;
  if (mode === 'http' && !apiUrl) throw new Error('RIGEL_BENCH_API_URL is required in http mode');
  await useClient(mode === 'http' ? new HttpClient({ apiUrl: apiUrl! }) : new InProcessClient(loadSettings()));
  const result = process.env.RIGEL_BENCH_SCENARIO === 'S2' ? await runS2(tasks) : await runS1(tasks);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
