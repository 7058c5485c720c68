/** `rigel worker start --pool <name>`. */
import type { Command } from 'commander';
import { loadSettings } from '@rigel/server/contract';
import { Worker } from '../../worker/worker';
import { adminApi } from '../admin';
import { print } from '../output';
import { collect, exitCodeOf, positiveInt } from './common';

export function workerCommands(program: Command): void {
  program
    .command('worker')
    .description('workers run deployment runs of a work pool')
    .command('start')
    .description('poll a work pool and run its due flow runs, each in its own process')
    .requiredOption('--pool <name>', 'the work pool (created if it does not exist)')
    .option('-q, --queue <name>', 'only these queues of the pool (repeatable)', collect, [])
    .option('-n, --name <name>', 'the worker name (default: host-pid)')
    .option('-l, --limit <n>', 'at most this many runs at once', positiveInt, 10)
    .option('--poll-interval <seconds>', 'seconds between polls', positiveInt, 5)
    .option('--prefetch <seconds>', 'claim runs due within this many seconds', positiveInt, 10)
    .option('--cancel-grace <seconds>', 'seconds between SIGTERM and SIGKILL for a cancelled run', positiveInt, 30)
    .action(
      async (opts: {
        pool: string;
        queue: string[];
        name?: string;
        limit: number;
        pollInterval: number;
        prefetch: number;
        cancelGrace: number;
      }) => {
        const settings = loadSettings();
        try {
          const api = await adminApi(settings);
          const worker = new Worker(api, {
            pool: opts.pool,
            queues: opts.queue,
            name: opts.name,
            limit: opts.limit,
            pollIntervalSeconds: opts.pollInterval,
            prefetchSeconds: opts.prefetch,
            cancelGraceSeconds: opts.cancelGrace,
          });
          let signals = 0;
          const onSignal = () => {
            signals++;
            if (signals === 1) {
              print(
                `\nStopping: no new runs are claimed; waiting for ${worker.activeRuns} running run(s) (Ctrl+C again hands them back) …`,
              );
              void worker
                .stop()
                .then(() => api.close())
                .then(() => process.exit(0));
            } else {
              print('Handing the running runs back to the pool …');
              void worker
                .stop({ handBack: true })
                .then(() => api.close())
                .then(() => process.exit(0));
            }
          };
          process.on('SIGINT', onSignal);
          process.on('SIGTERM', onSignal);
          print(`Runs go to ${api.target}.`);
          await worker.start();
        } catch (error) {
          process.stderr.write(`error: ${(error as Error).message}\n`);
          process.exitCode = exitCodeOf(error);
        }
      },
    );
}
