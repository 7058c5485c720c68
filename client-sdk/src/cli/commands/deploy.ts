/** `rigel deploy <file> --name <deployment>`: make a flow in a file runnable by workers. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { DeploymentInput } from '../../client/types';
import { deploymentInput } from '../../deploy/deploy';
import { registeredFlows } from '../../metadata/registry';
import { loadFlowFile } from '../load-file';
import { EXIT, print, printJson } from '../output';
import { CliError, collect, keyValues, positiveInt, withApi } from './common';

interface DeployFlags {
  name: string;
  flow?: string;
  pool: string;
  queue?: string;
  cron?: string;
  interval?: number;
  rrule?: string;
  timezone?: string;
  param: string[];
  tag: string[];
  description?: string;
  concurrencyLimit?: number;
  collisionStrategy?: 'ENQUEUE' | 'CANCEL_NEW';
  paused?: boolean;
  json?: boolean;
}

export function deployCommands(program: Command): void {
  program
    .command('deploy')
    .description('create or update a deployment of a flow in a file (workers of its pool run it)')
    .argument('<file>', 'the .ts or .js file that declares the flow')
    .requiredOption('--name <name>', 'the deployment name')
    .option('-f, --flow <name>', 'which flow, when the file declares several')
    .option('--pool <name>', 'the work pool whose workers run it', 'default')
    .option('--queue <name>', 'a queue of the pool (default: its default queue)')
    .option('--cron <expression>', 'run on a cron schedule')
    .option('--interval <seconds>', 'run every N seconds', positiveInt)
    .option('--rrule <rule>', 'run on an RRule schedule')
    .option('--timezone <zone>', 'time zone of the schedule, e.g. Europe/Berlin')
    .option('-p, --param <key=value>', 'a default parameter (JSON values are parsed); repeatable', collect, [])
    .option('-t, --tag <tag>', 'a tag (repeatable)', collect, [])
    .option('--description <text>', 'what the deployment does')
    .option('--concurrency-limit <n>', 'at most this many runs of the deployment at once', positiveInt)
    .option('--collision-strategy <strategy>', 'when the limit is reached: ENQUEUE (wait) or CANCEL_NEW')
    .option('--paused', 'create it paused')
    .option('--json', 'print the deployment as JSON')
    .action((file: string, flags: DeployFlags) =>
      withApi(async (api) => {
        const files = loadFlowFile(file);
        const candidates = registeredFlows().filter((f) => files.some((path) => f.definedAt.startsWith(`${path}:`)));
        const flows = candidates.length ? candidates : registeredFlows();
        const definition = flags.flow
          ? flows.find((f) => f.name === flags.flow || f.qualifiedName === flags.flow)
          : flows.length === 1
            ? flows[0]
            : undefined;
        if (!definition) {
          throw new CliError(
            flags.flow
              ? `No flow "${flags.flow}" in ${file} (it has: ${flows.map((f) => f.name).join(', ') || 'none'})`
              : `Choose the flow with --flow (${file} has: ${flows.map((f) => f.name).join(', ') || 'none'})`,
            EXIT.USAGE,
          );
        }
        if (flags.collisionStrategy && !['ENQUEUE', 'CANCEL_NEW'].includes(flags.collisionStrategy)) {
          throw new CliError('--collision-strategy must be ENQUEUE or CANCEL_NEW', EXIT.USAGE);
        }
        const flow = await api.call<{ id: string }>('POST', 'flows', { name: definition.name });
        await api.call('POST', 'work-pools', { name: flags.pool });
        const input: DeploymentInput = deploymentInput(definition, flow.id, {
          name: flags.name,
          workPool: flags.pool,
          workQueue: flags.queue,
          cron: flags.cron,
          interval: flags.interval,
          rrule: flags.rrule,
          timezone: flags.timezone,
          parameters: keyValues(flags.param),
          tags: flags.tag.length ? flags.tag : undefined,
          description: flags.description,
          concurrencyLimit: flags.concurrencyLimit,
          collisionStrategy: flags.collisionStrategy,
          paused: flags.paused,
          path: resolve('.'),
        });
        const deployment = await api.call<Record<string, unknown>>('POST', 'deployments', input);
        if (flags.json) return printJson(deployment);
        print(`Deployed ${definition.name}/${flags.name} (entrypoint ${input.entrypoint}).`);
        print(
          `Run it with \`rigel deployment run ${definition.name}/${flags.name}\`; a worker runs it: \`rigel worker start --pool ${flags.pool}\`.`,
        );
      }),
    );
}
