import { expect } from 'chai';
import { FakeClock } from '@rigel/server/orchestration/clock';
import { startTestServer, type TestServer } from '../../support/server';

/** POST /api/work-pools/:name/get-scheduled-flow-runs, and workers claiming what it returns. */
describe('work pools API: get-scheduled-flow-runs', () => {
  let server: TestServer;
  let clock: FakeClock;
  let flowId: string;
  beforeEach(async () => {
    clock = new FakeClock('2030-01-01T00:00:00.000Z');
    server = await startTestServer({ fakeClock: clock });
    flowId = (await server.api.post('/flows', { name: 'etl' })).body.id;
    await server.api.post('/work-pools', { name: 'local' });
  });
  afterEach(() => server.stop());

  const inSeconds = (s: number) => new Date(clock.now().getTime() + s * 1000).toISOString();
  const queue = (name: string, priority: number) => server.api.post('/work-pools/local/queues', { name, priority });

  /** A run of a deployment in queue `queueName`, SCHEDULED `seconds` from now. */
  async function scheduledRun(queueName: string, seconds: number, name = `${queueName}@${seconds}`): Promise<string> {
    const deployment = await server.api.post('/deployments', {
      name: `in-${queueName}`,
      flowId,
      entrypoint: 'flows/etl.ts:Etl.run',
      workPoolName: 'local',
      workQueueName: queueName,
    });
    const run = await server.api.post(`/deployments/${deployment.body.id}/create-flow-run`, {
      name,
      state: { type: 'SCHEDULED', stateDetails: { scheduledTime: inSeconds(seconds) } },
    });
    expect(run.status).to.equal(201);
    return run.body.id;
  }

  const poll = async (body: Record<string, unknown> = {}, pool = 'local') => {
    const response = await server.api.post(`/work-pools/${pool}/get-scheduled-flow-runs`, body);
    expect(response.status).to.equal(200);
    return response.body.map((r: { name: string }) => r.name) as string[];
  };

  describe('when runs are due', () => {
    it('returns the due SCHEDULED runs, highest-priority queue first, then by scheduled time', async () => {
      await queue('bulk', 10);
      await queue('urgent', 2);
      await scheduledRun('bulk', -30);
      await scheduledRun('default', -5);
      await scheduledRun('urgent', -1);
      await scheduledRun('urgent', -20);
      await scheduledRun('default', 3600);
      expect(await poll()).to.deep.equal(['default@-5', 'urgent@-20', 'urgent@-1', 'bulk@-30']);
    });

    it('includes runs due within the prefetch window (10 s by default)', async () => {
      await scheduledRun('default', 10);
      await scheduledRun('default', 11);
      expect(await poll()).to.deep.equal(['default@10']);
      expect(await poll({ prefetchSeconds: 60 })).to.deep.equal(['default@10', 'default@11']);
    });

    it('honours the limit and the queue names asked for', async () => {
      await queue('other', 1);
      for (const s of [-3, -2, -1]) await scheduledRun('default', s);
      await scheduledRun('other', -1);
      expect(await poll({ limit: 2, workQueueNames: ['default'] })).to.deep.equal(['default@-3', 'default@-2']);
    });

    it('returns only SCHEDULED runs, not claimed or running ones', async () => {
      const claimed = await scheduledRun('default', -2);
      await scheduledRun('default', -1);
      await server.api.post(`/flow-runs/${claimed}/set-state`, { state: { type: 'PENDING' } });
      expect(await poll()).to.deep.equal(['default@-1']);
    });

    it('records when each queue was polled', async () => {
      await poll();
      const queues = (await server.api.get('/work-pools/local/queues')).body;
      expect(queues[0].lastPolled).to.equal('2030-01-01T00:00:00.000Z');
    });
  });

  describe('when a queue or the pool is paused', () => {
    it('skips a paused queue, and returns nothing from a paused pool', async () => {
      await queue('held', 1);
      await scheduledRun('held', -1);
      await scheduledRun('default', -1);
      await server.api.patch('/work-pools/local/queues/held', { paused: true });
      expect(await poll()).to.deep.equal(['default@-1']);
      await server.api.patch('/work-pools/local', { paused: true });
      expect(await poll()).to.deep.equal([]);
    });

    it('answers 404 for an unknown pool', async () => {
      const response = await server.api.post('/work-pools/nowhere/get-scheduled-flow-runs', {});
      expect(response.status).to.equal(404);
    });
  });

  describe('when two workers claim the same run at once', () => {
    it('accepts exactly one claim (201) and aborts the other (200, ABORT)', async () => {
      const id = await scheduledRun('default', -1);
      const claims = await Promise.all(
        [1, 2].map(() => server.api.post(`/flow-runs/${id}/set-state`, { state: { type: 'PENDING' } })),
      );
      const statuses = claims.map((c) => c.body.status).sort();
      expect(statuses).to.deep.equal(['ABORT', 'ACCEPT']);
      expect(claims.map((c) => c.status).sort()).to.deep.equal([200, 201]);
      const states = (await server.api.get(`/flow-run-states?flowRunId=${id}`)).body;
      expect(states.map((s: { type: string }) => s.type)).to.deep.equal(['SCHEDULED', 'PENDING']);
    });
  });
});
