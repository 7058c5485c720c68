import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { cliWorld, runCli, type CliWorld } from '../../support/cli';

type Row = { key: string; value: unknown; source: string };

/** A local port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('rigel config', function () {
  this.timeout(90_000);
  let world: CliWorld;
  beforeEach(async () => {
    world = await cliWorld('ephemeral');
  });
  afterEach(async () => {
    await world.cleanup();
  });

  const setting = async (key: string, env = world.env): Promise<Row> => {
    const result = await runCli(['config', 'view', '--json'], env);
    return (JSON.parse(result.stdout) as Row[]).find((r) => r.key === key)!;
  };

  describe('when a setting is set, viewed and unset', () => {
    it('writes it to the profile in RIGEL_HOME, shows where it comes from, and removes it', async () => {
      expect(await setting('RIGEL_LOGGING_LEVEL')).to.deep.equal({
        key: 'RIGEL_LOGGING_LEVEL',
        value: 'INFO',
        source: 'default',
      });
      const set = await world.rigel('config', 'set', 'RIGEL_LOGGING_LEVEL=DEBUG', 'RIGEL_SERVER_PORT=4999');
      expect([set.code, set.stdout.trim()]).to.deep.equal([0, `Saved to ${join(world.home, 'config.json')}.`]);
      expect(JSON.parse(readFileSync(join(world.home, 'config.json'), 'utf8'))).to.deep.equal({
        RIGEL_LOGGING_LEVEL: 'DEBUG',
        RIGEL_SERVER_PORT: '4999',
      });
      expect(await setting('RIGEL_LOGGING_LEVEL')).to.include({ value: 'DEBUG', source: 'profile' });
      expect(await setting('RIGEL_SERVER_PORT')).to.include({ value: 4999, source: 'profile' });
      expect((await world.rigel('config', 'view')).stdout).to.contain('RIGEL_LOGGING_LEVEL=DEBUG  (profile)');

      const fromEnv = await setting('RIGEL_LOGGING_LEVEL', { ...world.env, RIGEL_LOGGING_LEVEL: 'ERROR' });
      expect(fromEnv).to.include({ value: 'ERROR', source: 'environment' });

      expect((await world.rigel('config', 'unset', 'RIGEL_LOGGING_LEVEL')).code).to.equal(0);
      expect(await setting('RIGEL_LOGGING_LEVEL')).to.include({ value: 'INFO', source: 'default' });
      expect(await setting('RIGEL_SERVER_PORT')).to.include({ value: 4999, source: 'profile' });
    });

    it('never prints the API key', async () => {
      await world.rigel('config', 'set', 'RIGEL_API_KEY=s3cret-key');
      const text = await world.rigel('config', 'view');
      const json = await world.rigel('config', 'view', '--json');
      expect(text.stdout + json.stdout).to.not.contain('s3cret-key');
      expect(text.stdout).to.contain('RIGEL_API_KEY=********  (profile)');
    });

    it('exits 2 for a setting it does not know, and writes nothing', async () => {
      const result = await world.rigel('config', 'set', 'RIGEL_NOPE=1');
      expect(result.code).to.equal(2);
      expect(result.stderr).to.contain('unknown setting "RIGEL_NOPE"');
      expect(await world.rigel('config', 'view', '--json').then((r) => r.stdout)).to.not.contain('RIGEL_NOPE');
    });
  });

  describe('when the profile points the CLI at an API that does not answer', () => {
    it('exits 5 naming the API, for listings, runs, deployments and workers', async () => {
      const apiUrl = `http://127.0.0.1:${await closedPort()}/api`;
      await world.rigel('config', 'set', `RIGEL_API_URL=${apiUrl}`);
      for (const args of [
        ['flow', 'ls'],
        ['deployment', 'run', 'some-flow/some-deployment'],
        ['worker', 'start', '--pool', 'etl'],
        ['run', 'examples/etl.ts'],
      ]) {
        const result = await world.rigel(...args);
        expect(result.code, `${args.join(' ')}: ${result.stderr}`).to.equal(5);
        expect(result.stderr, args.join(' ')).to.contain(apiUrl);
      }
    });
  });
});
