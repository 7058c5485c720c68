import { expect } from 'chai';
import { expectError, expectNothingWritten, Fixtures } from '../../support/api';
import { startTestServer, type TestServer } from '../../support/server';

describe('concurrency limits API', () => {
  let server: TestServer;
  let fx: Fixtures;
  beforeEach(async () => {
    server = await startTestServer({ fakeClock: true });
    fx = new Fixtures(server.api);
  });
  afterEach(() => server.stop());

  const upsert = (tag: string, concurrencyLimit: unknown) =>
    server.api.post('/concurrency-limits', { tag, concurrencyLimit });

  describe('POST /api/concurrency-limits', () => {
    it('creates a limit and answers 201', async () => {
      const res = await upsert('db', 2);
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ tag: 'db', concurrencyLimit: 2, created: '2030-01-01T00:00:00.000Z' });
      expect(res.body.activeSlots).to.deep.equal([]);
    });

    it('updates the existing limit of the tag and answers 200 with the same object', async () => {
      const first = (await upsert('db', 2)).body;
      server.clock!.advance(5);
      const res = await expectNothingWritten(server.services.db, () => upsert('db', 5));
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ ...first, concurrencyLimit: 5, updated: '2030-01-01T00:00:05.000Z' });
      expect((await server.api.get('/concurrency-limits/tag/db')).body).to.deep.equal(res.body);
    });

    it('creates the limit once when upserts race', async () => {
      const responses = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => upsert('race', n)));
      expect(responses.filter((r) => r.status === 201)).to.have.length(1);
      expect(new Set(responses.map((r) => r.body.id)).size).to.equal(1);
      expect((await server.api.post('/concurrency-limits/filter', {})).body).to.have.length(1);
    });

    for (const [what, body, field] of [
      ['a negative limit', { tag: 'db', concurrencyLimit: -1 }, 'concurrencyLimit'],
      ['a fractional limit', { tag: 'db', concurrencyLimit: 1.5 }, 'concurrencyLimit'],
      ['a missing tag', { concurrencyLimit: 1 }, 'tag'],
      ['a tag of 256 characters', { tag: 't'.repeat(256), concurrencyLimit: 1 }, 'tag'],
      ['an unknown field', { tag: 'db', concurrencyLimit: 1, slots: [] }, 'slots'],
    ] as const) {
      it(`refuses ${what} with 422 naming ${field} and writes nothing`, async () => {
        const res = await expectNothingWritten(server.services.db, () => server.api.post('/concurrency-limits', body));
        expectError(res, 422, 'VALIDATION_FAILED', field);
      });
    }
  });

  describe('GET /api/concurrency-limits/tag/:tag', () => {
    it('answers the limit of a tag, including tags with spaces, slashes and Unicode', async () => {
      const tag = 'team/α β';
      const created = (await upsert(tag, 1)).body;
      const res = await server.api.get(`/concurrency-limits/tag/${encodeURIComponent(tag)}`);
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal(created);
    });

    it('answers 404 for a tag without a limit and 422 for a tag that is too long', async () => {
      expectError(await server.api.get('/concurrency-limits/tag/none'), 404, 'OBJECT_NOT_FOUND');
      expectError(await server.api.get(`/concurrency-limits/tag/${'t'.repeat(256)}`), 422, 'VALIDATION_FAILED', 'tag');
    });
  });

  describe('POST /api/concurrency-limits/filter', () => {
    it('lists limits by tag with limit and offset', async () => {
      for (const tag of ['c', 'a', 'b']) await upsert(tag, 1);
      const all = await server.api.post('/concurrency-limits/filter', {});
      expect(all.status).to.equal(200);
      expect(all.body.map((l: { tag: string }) => l.tag)).to.deep.equal(['a', 'b', 'c']);
      const page = await server.api.post('/concurrency-limits/filter', { limit: 1, offset: 1 });
      expect(page.body.map((l: { tag: string }) => l.tag)).to.deep.equal(['b']);
    });

    it('refuses unknown keys and bad paging with 422', async () => {
      const tags = { tags: ['a'] };
      expectError(await server.api.post('/concurrency-limits/filter', tags), 422, 'VALIDATION_FAILED', 'tags');
      expectError(await server.api.post('/concurrency-limits/filter', { limit: 0 }), 422, 'VALIDATION_FAILED', 'limit');
    });
  });

  describe('POST /api/concurrency-limits/tag/:tag/reset', () => {
    it('frees every slot held under the tag', async () => {
      await upsert('db', 1);
      const flowRun = await fx.runningFlowRun();
      const holder = await fx.taskRun(flowRun.id, { tags: ['db'], state: { type: 'RUNNING' } });
      expect((await server.api.get('/concurrency-limits/tag/db')).body.activeSlots).to.deep.equal([holder.id]);
      const res = await server.api.post('/concurrency-limits/tag/db/reset');
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ tag: 'db', concurrencyLimit: 1 });
      expect(res.body.activeSlots).to.deep.equal([]);
      const next = await fx.taskRun(flowRun.id, { dynamicKey: '1', tags: ['db'], state: { type: 'RUNNING' } });
      expect(next.stateType).to.equal('RUNNING');
    });

    it('answers 404 for a tag without a limit', async () => {
      expectError(await server.api.post('/concurrency-limits/tag/none/reset'), 404, 'OBJECT_NOT_FOUND');
    });
  });

  describe('DELETE /api/concurrency-limits/tag/:tag', () => {
    it('deletes the limit and answers 204', async () => {
      await upsert('db', 1);
      expect((await server.api.delete('/concurrency-limits/tag/db')).status).to.equal(204);
      expectError(await server.api.get('/concurrency-limits/tag/db'), 404, 'OBJECT_NOT_FOUND');
    });

    it('answers 404 for a tag without a limit', async () => {
      expectError(await server.api.delete('/concurrency-limits/tag/none'), 404, 'OBJECT_NOT_FOUND');
    });
  });
});
