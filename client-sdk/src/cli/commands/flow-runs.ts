/** `rigel flow-run ls|inspect|logs|cancel|retry|watch`. */
import type { Command } from 'commander';
import { isTerminal, type State, type StateType } from '@rigel/server/contract';
import { levelName } from '../../logging/levels';
import { ago, colour, duration, EXIT, print, printJson, stateLabel, table } from '../output';
import type { AdminApi } from '../admin';
import { collect, positiveInt, withApi } from './common';

type Run = Record<string, unknown> & {
  id: string;
  name: string;
  stateType: StateType | null;
  stateName: string | null;
  state: State | null;
};

export async function watchRun(api: AdminApi, id: string, json: boolean, intervalMs = 1000): Promise<Run> {
  let last = '';
  const started = Date.now();
  for (;;) {
    const run = await api.call<Run>('GET', `flow-runs/${id}`);
    const label = `${run.stateType}:${run.stateName}`;
    if (label !== last && !json) {
      const elapsed = ((Date.now() - started) / 1000).toFixed(0);
      print(
        `${colour('2', `[${elapsed}s]`)} ${run.name}: ${stateLabel(run.stateType, run.stateName)}${run.state?.message ? ` - ${run.state.message}` : ''}`,
      );
    }
    last = label;
    if (isTerminal(run.stateType)) return run;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function flowRunCommands(program: Command): void {
  const flowRun = program.command('flow-run').description('list, inspect, follow and act on flow runs');

  flowRun
    .command('ls')
    .description('list flow runs, newest first')
    .option('-s, --state <type>', 'only runs in this state type (repeatable)', collect, [])
    .option('-f, --flow <name>', 'only runs of this flow (repeatable)', collect, [])
    .option('-n, --limit <n>', 'how many', positiveInt, 20)
    .option('--json', 'print JSON')
    .action((opts: { state: string[]; flow: string[]; limit: number; json?: boolean }) =>
      withApi(async (api) => {
        const body = {
          limit: opts.limit,
          sort: 'ID_DESC',
          ...(opts.state.length
            ? { flowRuns: { state: { type: { any: opts.state.map((s) => s.toUpperCase()) } } } }
            : {}),
          ...(opts.flow.length ? { flows: { name: { any: opts.flow } } } : {}),
        };
        const runs = await api.call<Run[]>('POST', 'flow-runs/filter', body);
        if (opts.json) return printJson(runs);
        if (!runs.length)
          return print(
            'No flow runs match. Run a flow with `rigel run <file>` or start one with `rigel deployment run`.',
          );
        print(
          table(
            ['ID', 'NAME', 'STATE', 'STARTED', 'DURATION'],
            runs.map((r) => [
              r.id,
              r.name,
              stateLabel(r.stateType, r.stateName),
              ago(r.startTime as string),
              duration(r.estimatedRunTime as number),
            ]),
          ),
        );
      }),
    );

  flowRun
    .command('inspect')
    .description('show a flow run with its state history and the orchestration decisions')
    .argument('<id>', 'flow run id')
    .option('--json', 'print JSON')
    .action((id: string, opts: { json?: boolean }) =>
      withApi(async (api) => {
        const run = await api.call<Run>('GET', `flow-runs/${id}`);
        const states = await api.call<State[]>('GET', `flow-run-states?flowRunId=${id}`);
        const decisions = await api.call<Record<string, unknown>[]>('GET', `flow-runs/${id}/decisions`);
        if (opts.json) return printJson({ ...run, states, decisions });
        print(
          `${colour('1', run.name)}  ${run.id}\nstate: ${stateLabel(run.stateType, run.stateName)}${run.state?.message ? ` - ${run.state.message}` : ''}`,
        );
        print(`parameters: ${JSON.stringify(run.parameters)}\n\nstates:`);
        print(
          table(
            ['TIME', 'STATE', 'MESSAGE'],
            states.map((s) => [s.timestamp, stateLabel(s.type, s.name), s.message ?? '']),
          ),
        );
        if (decisions.length) {
          print('\ndecisions:');
          print(
            table(
              ['TIME', 'RULE', 'OUTCOME', 'REASON'],
              decisions.map((d) => [String(d.timestamp), String(d.rule), String(d.status), String(d.reason ?? '')]),
            ),
          );
        }
      }),
    );

  flowRun
    .command('logs')
    .description("print a flow run's logs")
    .argument('<id>', 'flow run id')
    .option('-F, --follow', 'keep printing new lines until the run finishes')
    .option('--json', 'print JSON')
    .action((id: string, opts: { follow?: boolean; json?: boolean }) =>
      withApi(async (api) => {
        let offset = 0;
        for (;;) {
          const logs = await api.call<Record<string, unknown>[]>('POST', 'logs/filter', {
            logs: { flowRunId: { any: [id] } },
            sort: 'TIMESTAMP_ASC',
            limit: 1000,
            offset,
          });
          offset += logs.length;
          for (const log of logs) {
            if (opts.json) print(JSON.stringify(log));
            else
              print(
                `${String(log.timestamp).slice(11, 23)} | ${levelName(Number(log.level)).padEnd(8)}| ${String(log.message)}`,
              );
          }
          if (logs.length === 1000) continue;
          if (!opts.follow) return;
          const run = await api.call<Run>('GET', `flow-runs/${id}`);
          if (isTerminal(run.stateType)) return;
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }),
    );

  flowRun
    .command('cancel')
    .description('cancel a flow run (its process is stopped; a run without one is cancelled at once)')
    .argument('<id>', 'flow run id')
    .action((id: string) =>
      withApi(async (api) => {
        const result = await api.call<{ status: string; state: State | null; details: { reason?: string } }>(
          'POST',
          `flow-runs/${id}/set-state`,
          {
            state: { type: 'CANCELLING', message: 'Cancelled from the CLI' },
          },
        );
        if (result.status === 'ABORT' || (result.status === 'REJECT' && result.state?.type !== 'CANCELLED')) {
          print(`Not cancelled: ${result.details.reason ?? result.status}`);
          return EXIT.FAILED;
        }
        print(`Flow run ${id} is ${result.state?.name ?? 'cancelling'}.`);
      }),
    );

  flowRun
    .command('retry')
    .description('run a finished flow run again (a deployment run is rescheduled for its worker)')
    .argument('<id>', 'flow run id')
    .action((id: string) =>
      withApi(async (api) => {
        const run = await api.call<Run>('GET', `flow-runs/${id}`);
        if (!run.deploymentId) {
          print(
            'This run has no deployment, so no worker can run it again; re-run its flow (e.g. `rigel run <file>`).',
          );
          return EXIT.FAILED;
        }
        const result = await api.call<{ status: string; details: { reason?: string } }>(
          'POST',
          `flow-runs/${id}/set-state`,
          {
            state: { type: 'SCHEDULED', name: 'AwaitingRetry', message: 'Retried from the CLI' },
          },
        );
        if (result.status !== 'ACCEPT') {
          print(`Not retried: ${result.details.reason ?? result.status}`);
          return EXIT.FAILED;
        }
        print(`Flow run ${id} is scheduled again; a worker of its pool will pick it up.`);
      }),
    );

  flowRun
    .command('watch')
    .description('follow a flow run until it finishes; exit code 0 if it Completed')
    .argument('<id>', 'flow run id')
    .option('--json', 'print the final run as JSON')
    .action((id: string, opts: { json?: boolean }) =>
      withApi(async (api) => {
        const run = await watchRun(api, id, opts.json ?? false);
        if (opts.json) printJson(run);
        return run.stateType === 'COMPLETED' ? EXIT.OK : EXIT.FAILED;
      }),
    );
}
