/**
 * `serve()` in its own process for the serve specs: the quick and sleepy support flows, served from
 * the pool `serve-spec` (settings from the environment: RIGEL_API_URL). Prints `SERVE STOPPED` when
 * serve() returns after a stop signal.
 */
import 'reflect-metadata';
import { serve } from '@rigel/sdk';
import { WorkerFlows } from './worker-flows';

const flows = new WorkerFlows();
serve(
  [
    [flows.quick, { name: 'served' }],
    [flows.sleepy, { name: 'served' }],
  ],
  { workPool: 'serve-spec', pollIntervalSeconds: 0.2 },
)
  .then(() => process.stdout.write('SERVE STOPPED\n'))
  .catch((error: unknown) => {
    process.stdout.write(`SERVE FAILED ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
