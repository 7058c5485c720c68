import { expect } from 'chai';
import { join } from 'node:path';
import { createServices, type Services } from '@rigel/server/services';
import { sdkChildEnv, spawnNode } from '../../support/child-process';
import { freshDatabase } from '../../support/database';
import { sdkSettings } from '../../support/sdk';
import { startTestServer } from '../../support/server';

const ROOT = join(__dirname, '..', '..', '..', '..');
const CLI = join(ROOT, 'client-sdk', 'dist', 'cli', 'main.js');

interface CliResult {
  code: number | NodeJS.Signals;
  stdout: string;
  stderr: string;
}

async function rigel(args: string[], apiUrl?: string): Promise<CliResult> {
  const env = { ...sdkChildEnv(apiUrl), RIGEL_TASK_CONCURRENCY_WAIT_SECONDS: '0.1' };
  const child = spawnNode([CLI, ...args], env, ROOT);
  const code = await child.exited;
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}

interface JsonOutput {
  flow: string;
  flowRunId: string;
  state: { type: string; name: string; message: string | null };
  result?: unknown;
}

describe('rigel run', function () {
  this.timeout(60_000);
  let services: Services;
  before(async () => {
    services = createServices(await freshDatabase(), { settings: sdkSettings() });
  });

  describe('when the ETL example is run with --param day=… --json', () => {
    let etl: CliResult;
    before(async () => {
      etl = await rigel(['run', 'examples/etl.ts', '--param', 'day=2026-11-24', '--json']);
    });

    it('exits 0 and prints only the final state and the result as JSON', () => {
      expect(etl.code, etl.stderr).to.equal(0);
      const output = JSON.parse(etl.stdout) as JsonOutput;
      expect(output).to.deep.include({ flow: 'orders-etl' });
      expect(output.state).to.include({ type: 'COMPLETED', name: 'Completed' });
      expect(output.result).to.deep.include({ day: '2026-11-24', orders: 50 });
    });

    it('records the flow run, named from the parameter, with a retried extract task', async () => {
      const { flowRunId } = JSON.parse(etl.stdout) as JsonOutput;
      const run = await services.runs.read('flow', flowRunId);
      expect(run).to.deep.include({
        name: 'orders-2026-11-24',
        stateType: 'COMPLETED',
        parameters: { day: '2026-11-24' },
      });
      const tasks = await services.runs.filter('task', { taskRuns: { flowRunId: { any: [flowRunId] } } } as never);
      const extract = tasks.find((t) => t.taskKey === 'orders-etl.extract')!;
      expect((await services.runs.states('task', extract.id)).map((s) => s.name)).to.include('AwaitingRetry');
    });
  });

  describe('when RIGEL_API_URL points at a server', () => {
    it('runs the flow through the API to Completed', async () => {
      const server = await startTestServer({ settings: sdkSettings() });
      try {
        const { code, stdout, stderr } = await rigel(
          ['run', 'examples/etl.ts', '--param', 'day=2026-11-25', '--json'],
          server.apiUrl,
        );
        expect(code, stderr).to.equal(0);
        const { flowRunId } = JSON.parse(stdout) as JsonOutput;
        expect((await server.api.get(`/flow-runs/${flowRunId}`)).body).to.include({ stateType: 'COMPLETED' });
      } finally {
        await server.stop();
      }
    });
  });

  describe('when a parameter the flow does not take is given', () => {
    it('exits 2 naming it and the parameters the flow takes, and creates no run', async () => {
      const before = await services.runs.count('flow', {});
      const { code, stderr } = await rigel(['run', 'examples/etl.ts', '--param', 'date=2026-11-24']);
      expect(code).to.equal(2);
      expect(stderr).to.contain('Unknown parameter(s) date; "orders-etl" takes: day');
      expect(await services.runs.count('flow', {})).to.equal(before);
    });
  });

  describe('when DTO parameters are invalid', () => {
    it('exits 1 with the run Failed before its body, naming every bad field', async () => {
      const request = JSON.stringify({ from: 'yesterday', format: 'xml', topN: 500 });
      const { code, stdout } = await rigel([
        'run',
        'examples/typed-params.ts',
        '--param',
        `request=${request}`,
        '--json',
      ]);
      expect(code).to.equal(1);
      const { state } = JSON.parse(stdout) as JsonOutput;
      expect(state.type).to.equal('FAILED');
      for (const field of ['request.from', 'request.format', 'request.topN']) expect(state.message).to.contain(field);
    });
  });

  describe('when each example is run', () => {
    // etl.ts is run above.
    const examples: [string, string[]][] = [
      ['fan-out.ts', ['--param', 'count=8']],
      ['subflows.ts', ['--flow', 'monthly-billing', '--param', 'regions=["eu","us"]']],
      ['typed-params.ts', ['--param', 'request={"from":"2026-11-01","to":"2026-11-24","format":"csv","topN":5}']],
    ];
    for (const [file, args] of examples) {
      it(`runs ${file} to Completed`, async () => {
        const { code, stdout, stderr } = await rigel(['run', `examples/${file}`, ...args, '--json']);
        expect(code, stderr).to.equal(0);
        const { flowRunId, state } = JSON.parse(stdout) as JsonOutput;
        expect(state.type).to.equal('COMPLETED');
        expect((await services.runs.read('flow', flowRunId)).stateType).to.equal('COMPLETED');
      });
    }
  });
});
