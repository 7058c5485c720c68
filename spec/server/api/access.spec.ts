import { expect } from 'chai';
import { expectError, expectNothingWritten } from '../../support/api';
import { startTestServer, type TestServer } from '../../support/server';

describe('API access control', () => {
  let server: TestServer;
  afterEach(() => server.stop());

  describe('when an API key is configured', () => {
    const key = 'spec-key-1234';
    beforeEach(async () => {
      server = await startTestServer({ settings: { apiKey: key } });
    });

    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    it('answers 401 without a key, with a wrong key or another scheme, and writes nothing', async () => {
      for (const headers of [
        {},
        bearer('wrong'),
        bearer(`${key}x`),
        { authorization: key },
        { authorization: `Basic ${key}` },
      ]) {
        const res = await expectNothingWritten(server.services.db, () =>
          server.api.request('POST', '/flows', { name: 'x' }, headers),
        );
        expectError(res, 401, 'UNAUTHORIZED');
      }
      expectError(await server.api.get('/openapi.json'), 401, 'UNAUTHORIZED');
    });

    it('serves requests that send Authorization: Bearer <key>', async () => {
      const created = await server.api.request('POST', '/flows', { name: 'x' }, bearer(key));
      expect(created.status).to.equal(201);
      const read = await server.api.request('GET', `/flows/${created.body.id}`, undefined, bearer(key));
      expect(read.status).to.equal(200);
    });

    it('leaves the health check open', async () => {
      expect((await server.api.get('/health')).status).to.equal(200);
    });
  });

  describe('when rate limiting is configured', () => {
    const perSecond = 5;
    beforeEach(async () => {
      server = await startTestServer({ settings: { rateLimitPerSecond: perSecond } });
    });

    it('answers 429 with Retry-After beyond the per-second budget, then serves again', async () => {
      const started = Date.now();
      const responses = await Promise.all(Array.from({ length: 30 }, () => server.api.get('/version')));
      const windows = Math.ceil((Date.now() - started) / 1000) + 1;
      const ok = responses.filter((r) => r.status === 200);
      const limited = responses.filter((r) => r.status === 429);
      expect(ok.length + limited.length).to.equal(30);
      // Fixed one-second windows: a burst gets at most `perSecond` through per window it touches.
      expect(ok.length).to.be.within(1, windows * perSecond);
      expect(limited).not.to.be.empty;
      for (const res of limited) {
        expectError(res, 429, 'RATE_LIMITED');
        expect(res.headers.get('retry-after')).to.equal('1');
      }
      const deadline = Date.now() + 2500;
      let status = 429;
      while (status === 429 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        status = (await server.api.get('/version')).status;
      }
      expect(status).to.equal(200);
    });

    it('refuses a rate-limited write before it writes anything', async () => {
      const before = (await server.api.post('/flows/count', {})).body as number;
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => server.api.post('/flows', { name: `flow-${i}` })),
      );
      const created = responses.filter((r) => r.status === 201).length;
      expect(responses.filter((r) => r.status === 429).length).to.be.greaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await server.api.post('/flows/count', {})).body).to.equal(before + created);
    });
  });
});
