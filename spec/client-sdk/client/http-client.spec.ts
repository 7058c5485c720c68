import { expect } from 'chai';
import { ApiUnreachableError, HttpClient, ObjectNotFoundError } from '@rigel/sdk';
import { refusedUrl, startLocalServer, type LocalServer } from '../../support/local-http';

const FLOW = { id: '0190f5d4-0000-7000-8000-000000000001', name: 'etl' };

describe('HttpClient', () => {
  let local: LocalServer | undefined;
  afterEach(async () => {
    await local?.close();
    local = undefined;
  });

  for (const status of [503, 502, 429]) {
    describe(`when the API answers ${status} twice, then succeeds`, () => {
      it('retries with backoff and returns the answer', async () => {
        local = await startLocalServer((_, i) => (i < 2 ? { status } : { status: 200, body: FLOW }));
        const client = new HttpClient({ apiUrl: local.url, retryBudgetSeconds: 5 });
        expect(await client.getOrCreateFlow('etl')).to.deep.equal(FLOW);
        expect(local.seen).to.deep.equal(Array(3).fill({ method: 'POST', path: '/flows' }));
        await client.close();
      });
    });
  }

  describe('when the connection is dropped once', () => {
    it('retries the call', async () => {
      local = await startLocalServer((_, i) => (i === 0 ? { drop: true } : { status: 200, body: FLOW }));
      const client = new HttpClient({ apiUrl: local.url, retryBudgetSeconds: 5 });
      expect(await client.getOrCreateFlow('etl')).to.deep.equal(FLOW);
      expect(local.seen).to.have.length(2);
      await client.close();
    });
  });

  describe('when the API keeps answering 503 beyond the retry budget', () => {
    it('gives up with ApiUnreachableError naming the API and the last problem', async () => {
      local = await startLocalServer(() => ({ status: 503 }));
      const client = new HttpClient({ apiUrl: local.url, retryBudgetSeconds: 0.5 });
      const started = Date.now();
      const error = await client.getOrCreateFlow('etl').catch((e: unknown) => e);
      expect(Date.now() - started).to.be.below(1500);
      expect(error).to.be.instanceOf(ApiUnreachableError);
      expect((error as Error).message).to.contain(`The Rigel API at ${local.url} could not be reached`);
      expect((error as Error).message).to.contain('last: HTTP 503');
      expect(local.seen.length).to.be.greaterThan(1);
      await client.close();
    });
  });

  describe('when nothing listens at the API address', () => {
    it('gives up with ApiUnreachableError saying the connection was refused and what to check', async () => {
      const url = await refusedUrl();
      const client = new HttpClient({ apiUrl: url, retryBudgetSeconds: 0.5 });
      const error = await client.getOrCreateFlow('etl').catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ApiUnreachableError);
      expect((error as Error).message).to.contain('ECONNREFUSED');
      expect((error as Error).message).to.contain('Is the server running? Check RIGEL_API_URL');
      await client.close();
    });
  });

  describe('when the API answers an error that retrying cannot fix', () => {
    it('does not retry and throws the typed error rebuilt from its code', async () => {
      local = await startLocalServer(() => ({
        status: 404,
        body: { error: { code: 'OBJECT_NOT_FOUND', message: 'Flow run 42 was not found', details: [] } },
      }));
      const client = new HttpClient({ apiUrl: local.url, retryBudgetSeconds: 5 });
      const error = await client.readFlowRun('42').catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ObjectNotFoundError);
      expect(local.seen).to.have.length(1);
      await client.close();
    });
  });
});
