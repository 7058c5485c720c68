import { expect } from 'chai';
import { configure, Flow, getRunLogger, HttpClient, submit, Task } from '@rigel/sdk';
import { startLocalServer, type LocalServer, type SeenRequest } from '../../support/local-http';
import { sdkSettings } from '../../support/sdk';
import { startTestServer, type TestServer } from '../../support/server';

class Unlucky {
  @Task({ name: 'lr-step' })
  async step(x: number): Promise<number> {
    return x + 1;
  }

  @Flow({ name: 'lr-flow' })
  async run(): Promise<number> {
    getRunLogger().info('lr: adding up');
    return (await this.step(1)) + (await submit(this.step, 10).result());
  }
}

/** The first request of each kind reaches the server, which commits it, but its answer is lost. */
function dropFirstOfEachKind(): (request: SeenRequest) => { forward: true } | { forwardThenDrop: true } {
  const dropped = new Set<string>();
  return ({ method, path }) => {
    const kind = `${method} ${path.replace(/[0-9a-f-]{36}/g, ':id')}`;
    if (method === 'GET' || dropped.has(kind)) return { forward: true };
    dropped.add(kind);
    return { forwardThenDrop: true };
  };
}

describe('a flow run whose API answers are lost after the server committed', () => {
  let server: TestServer;
  let proxy: LocalServer;
  before(async () => {
    server = await startTestServer({ settings: sdkSettings() });
    proxy = await startLocalServer(dropFirstOfEachKind(), server.apiUrl);
    await configure({ client: new HttpClient({ apiUrl: proxy.url, retryBudgetSeconds: 5 }), settings: sdkSettings() });
  });
  after(async () => {
    await configure();
    await proxy.close();
    await server.stop();
  });

  describe('when every kind of call is retried after its first answer is dropped', () => {
    it('completes with the same runs and state histories as a fault-free run', async () => {
      expect(await new Unlucky().run()).to.equal(13);
      const flowRuns = (await server.api.post('/flow-runs/filter', {})).body as { id: string }[];
      expect(flowRuns).to.have.length(1);
      const flowStates = (await server.api.get(`/flow-run-states?flowRunId=${flowRuns[0]!.id}`)).body as {
        name: string;
      }[];
      expect(flowStates.map((s) => s.name)).to.deep.equal(['Pending', 'Running', 'Completed']);
      const taskRuns = (await server.api.post('/task-runs/filter', {})).body as { id: string; runCount: number }[];
      expect(taskRuns).to.have.length(2);
      for (const task of taskRuns) {
        const states = (await server.api.get(`/task-run-states?taskRunId=${task.id}`)).body as { name: string }[];
        expect(states.map((s) => s.name)).to.deep.equal(['Running', 'Completed']);
        expect(task.runCount).to.equal(1);
      }
      expect(proxy.seen.some((r) => r.path === '/task-runs')).to.equal(true);
    });

    it('stores each log line once although its batch was sent twice', async () => {
      const logs = (await server.api.post('/logs/filter', {})).body as { message: string }[];
      expect(logs.filter((l) => l.message === 'lr: adding up')).to.have.length(1);
      expect(proxy.seen.filter((r) => r.method === 'POST' && r.path === '/logs').length).to.be.at.least(2);
    });
  });
});
