import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import type { Command } from 'commander';
import { program } from '@rigel/sdk/cli/main';
import { runCli, ROOT, tempHome } from '../../support/cli';
import { sdkChildEnv } from '../../support/child-process';

/** Every command path of the CLI: ['deployment', 'run'], ['flow', 'ls'], … */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands
    .filter((c) => c.name() !== 'help')
    .flatMap((c) => [[...prefix, c.name()], ...commandPaths(c, [...prefix, c.name()])]);
}

describe('rigel (usage)', function () {
  this.timeout(120_000);
  const env = { ...sdkChildEnv(), RIGEL_HOME: tempHome(), NO_COLOR: '1' };
  const rigel = (...args: string[]) => runCli(args, env);

  describe('when --help is asked of any command', () => {
    const paths = commandPaths(program());

    it('knows the commands the CLI promises', () => {
      const names = paths.map((p) => p.join(' '));
      for (const expected of [
        'worker start',
        'deploy',
        'deployment ls',
        'deployment inspect',
        'deployment run',
        'deployment pause',
        'deployment resume',
        'deployment delete',
        'flow-run ls',
        'flow-run inspect',
        'flow-run logs',
        'flow-run cancel',
        'flow-run retry',
        'flow-run watch',
        'flow ls',
        'work-pool create',
        'work-pool ls',
        'work-pool inspect',
        'work-pool pause',
        'work-pool resume',
        'work-pool delete',
        'concurrency-limit create',
        'concurrency-limit ls',
        'concurrency-limit inspect',
        'concurrency-limit reset',
        'concurrency-limit delete',
        'config view',
        'config set',
        'config unset',
        'run',
        'version',
      ]) {
        expect(names).to.include(expected);
      }
    });

    it('has a description and a usage line, for every command', () => {
      const root = program();
      for (const path of paths) {
        const command = path.reduce((c, name) => c.commands.find((s) => s.name() === name)!, root);
        expect(command.description(), path.join(' ')).to.not.equal('');
        expect(command.helpInformation(), path.join(' ')).to.contain(`Usage: rigel ${path.join(' ')}`);
      }
    });

    it('prints the usage and exits 0, at the top, for a group and for a command', async () => {
      for (const path of [[], ['deployment'], ['deployment', 'run'], ['worker', 'start']]) {
        const result = await rigel(...path, '--help');
        expect(result.code, path.join(' ')).to.equal(0);
        expect(result.stdout).to.contain(`Usage: ${['rigel', ...path].join(' ')}`);
      }
    });

    it('offers --json on the listing commands', () => {
      const root = program();
      for (const group of ['deployment', 'flow-run', 'flow', 'work-pool', 'concurrency-limit']) {
        const ls = root.commands.find((c) => c.name() === group)!.commands.find((c) => c.name() === 'ls')!;
        expect(ls.helpInformation(), group).to.contain('--json');
      }
    });
  });

  describe('when the command line is wrong', () => {
    const cases: [string, string[], string][] = [
      ['an unknown command', ['bogus'], "unknown command 'bogus'"],
      ['an unknown option', ['flow-run', 'ls', '--bogus'], "unknown option '--bogus'"],
      ['a missing required option', ['deploy', 'flows.ts'], "required option '--name <name>' not specified"],
      ['a missing argument', ['deployment', 'inspect'], "missing required argument 'flow/deployment'"],
      [
        'a number that is not one',
        ['worker', 'start', '--pool', 'p', '--limit', 'many'],
        'expected a whole number, got "many"',
      ],
      ['a group without its subcommand', ['flow-run'], 'Usage: rigel flow-run'],
    ];
    for (const [what, args, message] of cases) {
      it(`exits 2 for ${what}, saying what is wrong`, async () => {
        const result = await rigel(...args);
        expect(result.code, result.stderr).to.equal(2);
        expect(result.stderr).to.contain(message);
      });
    }
  });

  describe('when the version is asked', () => {
    it('prints it, as JSON with --json', async () => {
      const text = await rigel('version');
      expect([text.code, text.stdout]).to.deep.equal([0, `rigel 0.1.0 (node ${process.version})\n`]);
      expect(JSON.parse((await rigel('version', '--json')).stdout)).to.deep.equal({
        version: '0.1.0',
        node: process.version,
      });
    });
  });

  describe('when the SDK is imported by a script', () => {
    it('does not load the TypeScript compiler (only .ts flow files need it)', () => {
      const script =
        "require('@rigel/sdk'); process.stdout.write(String(Object.keys(require.cache).some((f) => f.includes('/node_modules/typescript/'))))";
      const result = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, env, encoding: 'utf8' });
      expect(result.stdout, result.stderr).to.equal('false');
    });
  });
});
