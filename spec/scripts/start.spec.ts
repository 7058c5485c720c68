import { expect } from 'chai';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { sdkChildEnv, spawnNode, type Child } from '../support/child-process';
import { ROOT, tempHome } from '../support/cli';
import { freshDatabase, isPostgres, testDatabaseUrl } from '../support/database';
import { ApiClient } from '../support/server';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('npm start (scripts/start.cjs)', function () {
  this.timeout(120_000);
  let child: Child | undefined;
  afterEach(() => {
    if (child && child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    child = undefined;
  });

  describe('when it is started on a new RIGEL_HOME and a free port', () => {
    it('serves the API, deploys the examples, completes an example run, and exits 0 on SIGINT', async () => {
      await freshDatabase();
      const port = await freePort();
      const env: NodeJS.ProcessEnv = { ...sdkChildEnv(), RIGEL_HOME: tempHome(), RIGEL_SERVER_PORT: String(port) };
      // The database of the spec pass: SQLite in the new home, or the PostgreSQL spec database.
      if (isPostgres()) env.RIGEL_DATABASE_URL = testDatabaseUrl();
      else delete env.RIGEL_DATABASE_URL;
      child = spawnNode([join(ROOT, 'scripts', 'start.cjs')], env, ROOT);
      await child.waitForLine(/^Rigel is running at http:\/\/127\.0\.0\.1:(\d+)/, 60_000);
      const api = new ApiClient(`http://127.0.0.1:${port}/api`);
      expect((await api.get('/health')).body).to.deep.equal({
        status: 'ok',
        database: isPostgres() ? 'postgres' : 'sqlite',
      });

      await child.waitForLine(/^Deployed the examples/, 60_000);
      const deployments = (await api.post('/deployments/filter', {})).body as { name: string; flowId: string }[];
      const flows = (await api.post('/flows/filter', {})).body as { id: string; name: string }[];
      const names = deployments.map((d) => `${flows.find((f) => f.id === d.flowId)?.name}/${d.name}`);
      expect(names).to.have.members([
        'orders-etl/every-minute',
        'crawl-pages/on-demand',
        'monthly-billing/monthly',
        'sales-report/on-demand',
      ]);

      const deadline = Date.now() + 60_000;
      let completed: { name: string }[] = [];
      while (completed.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const filter = {
          flowRuns: { state: { type: { any: ['COMPLETED'] } } },
          deployments: { id: { any: [] as string[] } },
        };
        filter.deployments.id.any = ((await api.post('/deployments/filter', {})).body as { id: string }[]).map(
          (d) => d.id,
        );
        completed = (await api.post('/flow-runs/filter', filter)).body;
      }
      expect(completed, child.stdout().slice(-3000)).to.not.deep.equal([]);

      child.process.kill('SIGINT');
      expect(await child.exited, child.stderr()).to.equal(0);
    });
  });
});
