import { expect } from 'chai';
import { configure, Flow, HttpClient, RunCrashedError, submit, Task } from '@rigel/sdk';
import { startLocalServer, type LocalServer } from '../../support/local-http';
import { sdkSettings } from '../../support/sdk';
import { startTestServer, type TestServer } from '../../support/server';

class LosesTheApi {
  static crashedHooks: string[] = [];

  @Task({ name: 'al-step' })
  async step(): Promise<number> {
    return 1;
  }

  @Flow({
    name: 'al-flow',
    onCrashed: [({ state }) => void LosesTheApi.crashedHooks.push(String(state.message))],
  })
  async run(): Promise<number> {
    return this.step();
  }

  @Flow({ name: 'al-submits' })
  async submits(): Promise<string> {
    submit(this.step);
    // The unawaited task gives up on the API while the body is still busy.
    await new Promise((resolve) => setTimeout(resolve, 900));
    return 'body done';
  }
}

describe('a flow run that loses the API', () => {
  let server: TestServer;
  let proxy: LocalServer;
  before(async () => {
    server = await startTestServer({ settings: sdkSettings() });
    // Every task-run state proposal is answered 503; everything else reaches the real server.
    proxy = await startLocalServer(
      (r) => (/^\/task-runs\/[^/]+\/set-state$/.test(r.path) ? { status: 503 } : { forward: true }),
      server.apiUrl,
    );
    await configure({
      client: new HttpClient({ apiUrl: proxy.url, retryBudgetSeconds: 0.5 }),
      settings: sdkSettings(),
    });
  });
  after(async () => {
    await configure();
    await proxy.close();
    await server.stop();
  });

  describe('when a call stays unanswered beyond the retry budget', () => {
    it('ends the run Crashed with a clear message, runs onCrashed, and rejects with RunCrashedError', async () => {
      LosesTheApi.crashedHooks = [];
      const error = await new LosesTheApi().run().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RunCrashedError);
      const [run] = (await server.api.post('/flow-runs/filter', {})).body as {
        id: string;
        state: { type: string; message: string };
      }[];
      expect(run!.state.type).to.equal('CRASHED');
      expect(run!.state.message).to.contain('could not be reached');
      expect(run!.state.message).to.contain('last: HTTP 503');
      expect(LosesTheApi.crashedHooks).to.deep.equal([run!.state.message]);
    });

    it('crashes the run as well when the lost call was a submitted task nobody awaited', async () => {
      const unhandled: unknown[] = [];
      const listener = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', listener);
      const error = await new LosesTheApi().submits().catch((e: unknown) => e);
      process.off('unhandledRejection', listener);
      expect(unhandled, 'unhandled rejections (they end a plain node process)').to.deep.equal([]);
      expect(error).to.be.instanceOf(RunCrashedError);
      const runs = (await server.api.post('/flow-runs/filter', { flows: { name: { any: ['al-submits'] } } })).body as {
        state: { type: string; message: string };
      }[];
      expect(runs.map((r) => r.state.type)).to.deep.equal(['CRASHED']);
      expect(runs[0]!.state.message).to.contain('could not be reached');
    });
  });
});
