#!/usr/bin/env node
/**
 * `rigel-server`: start the server, or manage its database. The SDK's `rigel` CLI wraps these commands
 * (`rigel server start`); this entry needs nothing but the server package.
 */
import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import { RIGEL_VERSION } from './api/routes/health.routes';
import { Database } from './db/database';
import { dialectOf } from './db/dialect';
import { DatabaseUnavailableError } from './schemas/errors';
import { startServer } from './server';
import { loadSettings } from './settings';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}

export function serverProgram(): Command {
  const program = new Command('rigel-server')
    .description('Rigel server: REST API, orchestration engine and dashboard')
    .version(RIGEL_VERSION);

  program
    .command('start')
    .description('start the API (and dashboard) on the configured database')
    .option('--host <host>', 'address to bind (RIGEL_SERVER_HOST)')
    .option('--port <port>', 'port to listen on (RIGEL_SERVER_PORT)', port)
    .action(async (opts: { host?: string; port?: number }) => {
      const settings = loadSettings();
      const host = opts.host ?? settings.serverHost;
      if (!['127.0.0.1', 'localhost', '::1'].includes(host) && !settings.apiKey) {
        console.warn(
          `warning: binding to ${host} without an API key; anyone who can reach it can control your runs (set RIGEL_API_KEY)`,
        );
      }
      console.log(
        `Rigel ${RIGEL_VERSION}: opening ${dialectOf(settings.databaseUrl)} database ${redact(settings.databaseUrl)} …`,
      );
      const server = await startServer({ settings, host, port: opts.port });
      console.log(`Rigel is running at ${server.url}  (API ${server.apiUrl}, docs ${server.url}/docs)`);
      console.log('Press Ctrl+C to stop.');
      const shutdown = async (signal: string) => {
        console.log(`\n${signal} received: stopping …`);
        await server.stop();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
    });

  const db = program.command('db').description('manage the metadata database');
  db.command('migrate')
    .description('apply pending migrations')
    .action(async () => {
      const database = await Database.open({ url: loadSettings().databaseUrl });
      await database.close();
      console.log('The database schema is up to date.');
    });
  db.command('reset')
    .description('drop every table and recreate the schema (all runs are lost)')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (opts: { yes?: boolean }) => {
      const url = loadSettings().databaseUrl;
      if (!opts.yes && process.stdin.isTTY) {
        const readline = await import('node:readline/promises');
        const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
        const answer = await rl.question(`Drop every table in ${redact(url)}? [y/N] `);
        rl.close();
        if (!/^y(es)?$/i.test(answer.trim())) {
          console.log('Nothing was changed.');
          return;
        }
      }
      const database = await Database.open({ url, migrate: false });
      await database.reset();
      await database.close();
      console.log(`The database ${redact(url)} was reset.`);
    });
  return program;
}

if (require.main === module) {
  serverProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      if (error instanceof DatabaseUnavailableError) {
        console.error(`error: ${error.message}\nCheck RIGEL_DATABASE_URL and that the database server is running.`);
        process.exit(3);
      }
      console.error(error instanceof Error ? `error: ${error.message}` : error);
      process.exit(1);
    });
}
