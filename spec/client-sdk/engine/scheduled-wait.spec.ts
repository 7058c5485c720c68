import { expect } from 'chai';
import type { OrchestrationResult } from '@rigel/server';
import { waitMilliseconds } from '@rigel/sdk/engine/propose';
import { Fixtures } from '../../support/api';
import { startTestServer, type TestServer } from '../../support/server';

describe('waiting for a scheduled start', () => {
  let server: TestServer;
  let fx: Fixtures;
  before(async () => {
    server = await startTestServer();
    fx = new Fixtures(server.api);
  });
  after(() => server.stop());

  /** The server's real answer to RUNNING for a claimed run scheduled `seconds` ahead. */
  async function waitFor(seconds: number): Promise<{ result: OrchestrationResult; scheduledAt: number }> {
    const scheduledTime = new Date(Date.now() + seconds * 1000).toISOString();
    const run = await fx.flowRun({ state: { type: 'SCHEDULED', stateDetails: { scheduledTime } } });
    await fx.setState('flow', run.id, { type: 'PENDING' });
    const res = await server.api.post(`/flow-runs/${run.id}/set-state`, { state: { type: 'RUNNING' } });
    expect(res.body.status).to.equal('WAIT');
    return { result: res.body as OrchestrationResult, scheduledAt: Date.parse(scheduledTime) };
  }

  it('wakes right at the scheduled time, not at the next whole second the server answered', async () => {
    const { result, scheduledAt } = await waitFor(30);
    expect(result.details).to.include({ type: 'wait' });
    expect((result.details as { delaySeconds: number }).delaySeconds).to.be.within(29, 30);
    expect(waitMilliseconds(result, scheduledAt - 1200)).to.equal(1205);
  });

  it('sleeps the whole WAIT when the scheduled time is not sooner (e.g. a clock ahead of the server)', async () => {
    const { result, scheduledAt } = await waitFor(30);
    const whole = (result.details as { delaySeconds: number }).delaySeconds * 1000;
    expect(waitMilliseconds(result, scheduledAt + 50)).to.equal(whole);
    expect(waitMilliseconds(result, scheduledAt - whole - 10_000)).to.equal(whole);
  });

  it('sleeps the whole WAIT when the state has no scheduled time', () => {
    const result: OrchestrationResult = {
      status: 'WAIT',
      state: null,
      details: { type: 'wait', delaySeconds: 2, reason: 'Concurrency limit reached' },
    };
    expect(waitMilliseconds(result)).to.equal(2000);
  });
});
