/** `rigel deployment ls|inspect|run|pause|resume|delete`. */
import type { Command } from 'commander';
import { ago, EXIT, print, printJson, stateLabel, table } from '../output';
import type { AdminApi } from '../admin';
import { CliError, collect, deploymentRef, keyValues, withApi } from './common';
import { watchRun } from './flow-runs';

type Deployment = Record<string, unknown> & {
  id: string;
  name: string;
  flowId: string;
  paused: boolean;
  schedules: Record<string, unknown>[];
};

async function findDeployment(api: AdminApi, ref: string): Promise<Deployment> {
  const { flowName, deploymentName } = deploymentRef(ref);
  return api.call<Deployment>(
    'GET',
    `deployments/name/${encodeURIComponent(flowName)}/${encodeURIComponent(deploymentName)}`,
  );
}

/** `--params <json>` merged with `--param key=value` pairs; bad JSON is a usage error (exit 2). */
function runParameters(opts: { param: string[]; params?: string }): Record<string, unknown> {
  let base: unknown = {};
  if (opts.params) {
    try {
      base = JSON.parse(opts.params);
    } catch (error) {
      throw new CliError(`--params is not valid JSON: ${(error as Error).message}`, EXIT.USAGE);
    }
    if (!base || typeof base !== 'object' || Array.isArray(base))
      throw new CliError('--params must be a JSON object', EXIT.USAGE);
  }
  return { ...(base as Record<string, unknown>), ...keyValues(opts.param) };
}

function describeSchedule(schedule: Record<string, unknown>): string {
  const s = schedule.schedule as Record<string, unknown>;
  const tz = s.timezone ? ` (${String(s.timezone)})` : '';
  const what = s.cron
    ? `cron ${String(s.cron)}`
    : s.interval
      ? `every ${String(s.interval)}s`
      : `rrule ${String(s.rrule)}`;
  return `${what}${tz}${schedule.active ? '' : ' [inactive]'}`;
}

export function deploymentCommands(program: Command): void {
  const deployment = program
    .command('deployment')
    .description('list, inspect, run, pause, resume and delete deployments');

  deployment
    .command('ls')
    .description('list deployments')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withApi(async (api) => {
        const deployments = await api.call<Deployment[]>('POST', 'deployments/filter', { limit: 1000 });
        if (opts.json) return printJson(deployments);
        if (!deployments.length)
          return print('No deployments yet. Create one with `rigel deploy <file> --name <name>`.');
        const flows = new Map(
          (await api.call<{ id: string; name: string }[]>('POST', 'flows/filter', { limit: 1000 })).map((f) => [
            f.id,
            f.name,
          ]),
        );
        print(
          table(
            ['NAME', 'POOL', 'SCHEDULES', 'STATUS'],
            deployments.map((d) => [
              `${flows.get(d.flowId) ?? d.flowId}/${d.name}`,
              String(d.workPoolName ?? '-'),
              d.schedules.map(describeSchedule).join('; ') || '-',
              d.paused ? 'paused' : 'active',
            ]),
          ),
        );
      }),
    );

  deployment
    .command('inspect')
    .description('show a deployment with its schedules and next runs')
    .argument('<flow/deployment>', 'e.g. orders-etl/nightly')
    .option('--json', 'print JSON')
    .action((ref: string, opts: { json?: boolean }) =>
      withApi(async (api) => {
        const d = await findDeployment(api, ref);
        const upcoming = await api.call<Record<string, unknown>[]>('POST', 'flow-runs/filter', {
          deployments: { id: { any: [d.id] } },
          flowRuns: { state: { type: { any: ['SCHEDULED'] } } },
          sort: 'NEXT_SCHEDULED_START_TIME_ASC',
          limit: 5,
        });
        if (opts.json) return printJson({ ...d, upcomingRuns: upcoming });
        print(`${ref}  (${d.id})${d.paused ? '  [paused]' : ''}`);
        print(
          `entrypoint: ${String(d.entrypoint)}\npool: ${String(d.workPoolName ?? '-')} / ${String(d.workQueueName ?? '-')}`,
        );
        print(`parameters: ${JSON.stringify(d.parameters)}`);
        print(`schedules: ${d.schedules.map(describeSchedule).join('; ') || 'none'}`);
        if (upcoming.length) {
          print('\nnext runs:');
          print(
            table(
              ['WHEN', 'NAME', 'STATE'],
              upcoming.map((r) => [
                String(r.nextScheduledStartTime),
                String(r.name),
                stateLabel(String(r.stateType), String(r.stateName)),
              ]),
            ),
          );
        }
      }),
    );

  deployment
    .command('run')
    .description('start a run of a deployment (a worker of its pool executes it)')
    .argument('<flow/deployment>', 'e.g. orders-etl/nightly')
    .option('-p, --param <key=value>', 'a parameter (JSON values are parsed); repeatable', collect, [])
    .option('--params <json>', 'all parameters as one JSON object')
    .option('-w, --watch', 'follow the run until it finishes (exit code 0 if it Completed)')
    .option('--json', 'print JSON')
    .action((ref: string, opts: { param: string[]; params?: string; watch?: boolean; json?: boolean }) =>
      withApi(async (api) => {
        const d = await findDeployment(api, ref);
        const parameters = runParameters(opts);
        const run = await api.call<{ id: string; name: string }>('POST', `deployments/${d.id}/create-flow-run`, {
          parameters,
        });
        if (!opts.watch) {
          if (opts.json) return printJson(run);
          return print(`Created flow run ${run.name} (${run.id}); follow it with \`rigel flow-run watch ${run.id}\`.`);
        }
        if (!opts.json)
          print(`Created flow run ${run.name} (${run.id}); waiting for a worker of pool ${String(d.workPoolName)} …`);
        const final = await watchRun(api, run.id, opts.json ?? false);
        if (opts.json) printJson(final);
        return final.stateType === 'COMPLETED' ? EXIT.OK : EXIT.FAILED;
      }),
    );

  for (const [name, description] of [
    ['pause', 'pause a deployment: no new scheduled runs'],
    ['resume', 'resume a paused deployment'],
  ] as const) {
    deployment
      .command(name)
      .description(description)
      .argument('<flow/deployment>', 'e.g. orders-etl/nightly')
      .action((ref: string) =>
        withApi(async (api) => {
          const d = await findDeployment(api, ref);
          await api.call('POST', `deployments/${d.id}/${name}`);
          print(`${ref} is ${name === 'pause' ? 'paused' : 'active'}.`);
        }),
      );
  }

  deployment
    .command('delete')
    .description('delete a deployment (its schedules and runs that have not started go too)')
    .argument('<flow/deployment>', 'e.g. orders-etl/nightly')
    .action((ref: string) =>
      withApi(async (api) => {
        const d = await findDeployment(api, ref);
        await api.call('DELETE', `deployments/${d.id}`);
        print(`Deleted ${ref}.`);
      }),
    );

  void ago;
}
