/**
 * `serve()` in its own process for the serve specs: the quick and sleepy support flows, served from
 * the pool `serve-spec`. Settings come from the environment (RIGEL_API_URL), or, with an API URL as
 * argument, from `configure()` with an HttpClient. Prints `SERVE STOPPED` when serve() returns.
 */
import 'reflect-metadata';
import { configure, HttpClient, serve } from '@rigel/sdk';
import { WorkerFlows } from './worker-flows';

async function main(): Promise<void> {
  const apiUrl = process.argv[2];
  if (apiUrl) await configure({ client: new HttpClient({ apiUrl }) });
  const flows = new WorkerFlows();
  await serve(
    [
      [flows.quick, { name: 'served' }],
      [flows.sleepy, { name: 'served' }],
    ],
    { workPool: 'serve-spec', pollIntervalSeconds: 0.2 },
  );
  process.stdout.write('SERVE STOPPED\n');
}

main().catch((error: unknown) => {
  process.stdout.write(`SERVE FAILED ${(error as Error).message}\n`);
  process.exitCode = 1;
});
