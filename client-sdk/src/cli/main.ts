#!/usr/bin/env node
/**
 * `rigel`: the command line. `rigel run <file>` runs a flow file; `rigel server start` starts the
 * server (API + dashboard); `rigel version`. `--help` everywhere.
 */
import 'reflect-metadata';
import { Command } from 'commander';
import { serverProgram } from '@rigel/server/main';
import { RIGEL_VERSION } from '@rigel/server/api/routes/health.routes';
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
  return rigel;
}

if (require.main === module) {
  program()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}
