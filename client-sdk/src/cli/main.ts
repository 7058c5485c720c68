#!/usr/bin/env node
/**
 * `rigel`: the command line — run flow files, start the server and workers, deploy flows, and list,
 * inspect and act on runs, deployments, work pools and concurrency limits. `--help` everywhere,
 * `--json` on listings; exit codes: 0 ok, 1 failed, 2 usage or invalid input, 4 not found, 5 API
 * unreachable.
 */
import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { serverProgram } from '@rigel/server/main';
import { RIGEL_VERSION } from '@rigel/server/api/routes/health.routes';
import { configCommands } from './commands/config';
import { deployCommands } from './commands/deploy';
import { exitCodeOf } from './commands/common';
import { deploymentCommands } from './commands/deployments';
import { flowRunCommands } from './commands/flow-runs';
import { resourceCommands } from './commands/resources';
import { workerCommands } from './commands/worker';
import { EXIT } from './output';
import { runCommand } from './run-command';

export function program(): Command {
  const rigel = new Command('rigel')
    .description('Rigel: workflow orchestration for TypeScript')
    .version(RIGEL_VERSION, '-V, --version')
    .showHelpAfterError('(add --help for usage)');

  rigel
    .command('run')
    .description('run a flow from a .ts or .js file (ephemeral on the local database, or on RIGEL_API_URL)')
    .argument('<file>', 'the file that declares the flow')
    .option(
      '-p, --param <key=value>',
      'a parameter (JSON values are parsed); repeatable',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option('--params <json>', 'all parameters as one JSON object')
    .option('-f, --flow <name>', 'which flow, when the file declares several')
    .option('--json', 'print the final state and result as JSON')
    .option('--no-type-check', 'run even if the file has type errors')
    .action(
      async (
        file: string,
        opts: { param: string[]; params?: string; flow?: string; json?: boolean; typeCheck?: boolean },
      ) => {
        process.exitCode = await runCommand(file, opts);
      },
    );

  rigel.addCommand(
    serverProgram().name('server').description('the Rigel server: `rigel server start`, `rigel server db reset`'),
  );
  workerCommands(rigel);
  deployCommands(rigel);
  deploymentCommands(rigel);
  flowRunCommands(rigel);
  resourceCommands(rigel);
  configCommands(rigel);

  rigel
    .command('version')
    .description('print the version')
    .option('--json', 'as JSON')
    .action((opts: { json?: boolean }) => {
      process.stdout.write(
        opts.json
          ? `${JSON.stringify({ version: RIGEL_VERSION, node: process.version })}\n`
          : `rigel ${RIGEL_VERSION} (node ${process.version})\n`,
      );
    });
  throwUsageErrors(rigel);
  return rigel;
}

/** Commander's usage errors (it has printed them) reach `main` as errors, so they exit 2, not 1. */
function throwUsageErrors(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) throwUsageErrors(sub);
}

function exitCodeOfFailure(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  return exitCodeOf(error);
}

if (require.main === module) {
  program()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      if (!(error instanceof CommanderError)) {
        process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      }
      process.exit(exitCodeOfFailure(error));
    });
}
