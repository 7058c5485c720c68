/** `rigel config view|set|unset`: the profile file `$RIGEL_HOME/config.json` (environment variables win). */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadSettings, SETTING_ENV_KEYS } from '@rigel/server/settings';
import { EXIT, print, printJson } from '../output';

function profilePath(): string {
  return join(loadSettings().home, 'config.json');
}

function readProfile(): Record<string, string> {
  try {
    return JSON.parse(readFileSync(profilePath(), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

function writeProfile(profile: Record<string, string>): void {
  mkdirSync(loadSettings().home, { recursive: true });
  writeFileSync(profilePath(), `${JSON.stringify(profile, null, 2)}\n`);
}

const KNOWN = new Set(Object.values(SETTING_ENV_KEYS));

export function configCommands(program: Command): void {
  const config = program
    .command('config')
    .description(`settings in the profile (${'$RIGEL_HOME'}/config.json); environment variables override them`);
  config
    .command('view')
    .description('show the effective settings and where each comes from')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const settings = loadSettings() as unknown as Record<string, unknown>;
      const profile = readProfile();
      const rows = Object.entries(SETTING_ENV_KEYS).map(([key, env]) => ({
        key: env,
        value: env === 'RIGEL_API_KEY' && settings[key] ? '********' : settings[key],
        source: process.env[env] !== undefined ? 'environment' : profile[env] !== undefined ? 'profile' : 'default',
      }));
      if (opts.json) return printJson(rows);
      for (const row of rows) print(`${row.key}=${String(row.value ?? '')}  (${row.source})`);
    });
  config
    .command('set')
    .description('set settings in the profile: rigel config set RIGEL_API_URL=http://127.0.0.1:4200/api')
    .argument('<key=value...>')
    .action((pairs: string[]) => {
      const profile = readProfile();
      for (const pair of pairs) {
        const eq = pair.indexOf('=');
        const key = eq > 0 ? pair.slice(0, eq) : '';
        if (!KNOWN.has(key)) {
          process.stderr.write(`error: unknown setting "${key || pair}"; known: ${[...KNOWN].join(', ')}\n`);
          process.exitCode = EXIT.USAGE;
          return;
        }
        profile[key] = pair.slice(eq + 1);
      }
      writeProfile(profile);
      print(`Saved to ${profilePath()}.`);
    });
  config
    .command('unset')
    .description('remove settings from the profile')
    .argument('<key...>')
    .action((keys: string[]) => {
      const profile = readProfile();
      for (const key of keys) delete profile[key];
      writeProfile(profile);
      print(`Saved to ${profilePath()}.`);
    });
}
