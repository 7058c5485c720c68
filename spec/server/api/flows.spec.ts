import { expect } from 'chai';
import { expectError, expectNothingWritten, Fixtures, MISSING_ID } from '../../support/api';
import { startTestServer, type TestServer } from '../../support/server';

describe('flows API', () => {
  let server: TestServer;
  let fx: Fixtures;
  beforeEach(async () => {
    server = await startTestServer({ fakeClock: true });
    fx = new Fixtures(server.api);
  });
  afterEach(() => server.stop());

  describe('POST /api/flows', () => {
    it('creates a flow and answers 201 with it', async () => {
      const res = await server.api.post('/flows', { name: 'etl', tags: ['nightly'] });
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ name: 'etl', created: '2030-01-01T00:00:00.000Z' });
      expect(res.body.tags).to.deep.equal(['nightly']);
      expect(res.body.id).to.match(/^[0-9a-f-]{36}$/);
    });

    describe('when a flow with the name exists', () => {
      it('answers 200 with the existing flow and creates nothing', async () => {
        const first = await fx.flow('etl');
        const res = await expectNothingWritten(server.services.db, () =>
          server.api.post('/flows', { name: 'etl', tags: ['other'] }),
        );
        expect(res.status).to.equal(200);
        expect(res.body).to.deep.equal(first);
      });
    });

    describe('when identical requests race', () => {
      it('creates the flow once and answers every other request 200 with it', async () => {
        const responses = await Promise.all(
          Array.from({ length: 8 }, () => server.api.post('/flows', { name: 'race' })),
        );
        expect(responses.map((r) => r.status).sort()).to.deep.equal([200, 200, 200, 200, 200, 200, 200, 201]);
        expect(new Set(responses.map((r) => r.body.id)).size).to.equal(1);
        expect((await server.api.post('/flows/count', {})).body).to.equal(1);
      });
    });

    describe('when the input is invalid', () => {
      const cases: [string, unknown, string][] = [
        ['a missing name', {}, 'name'],
        ['an empty name', { name: '' }, 'name'],
        ['a name that is not a string', { name: 42 }, 'name'],
        ['a name with a slash', { name: 'a/b' }, 'name'],
        ['a name of 256 characters', { name: 'x'.repeat(256) }, 'name'],
        ['tags that are not strings', { name: 'x', tags: [1] }, 'tags'],
        ['an unknown field', { name: 'x', owner: 'me' }, 'owner'],
      ];
      for (const [what, body, field] of cases) {
        it(`refuses ${what} with 422 naming ${field} and writes nothing`, async () => {
          const res = await expectNothingWritten(server.services.db, () => server.api.post('/flows', body));
          expectError(res, 422, 'VALIDATION_FAILED', field);
        });
      }
    });
  });

  describe('GET /api/flows/:id', () => {
    it('answers the flow', async () => {
      const flow = await fx.flow('etl');
      const res = await server.api.get(`/flows/${flow.id}`);
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal(flow);
    });

    it('answers 404 for a UUID no flow has', async () => {
      expectError(await server.api.get(`/flows/${MISSING_ID}`), 404, 'OBJECT_NOT_FOUND');
    });

    it('answers 422 naming id for a malformed id', async () => {
      expectError(await server.api.get('/flows/not-a-uuid'), 422, 'VALIDATION_FAILED', 'id');
    });
  });

  describe('GET /api/flows/name/:name', () => {
    it('answers the flow with that name, Unicode included', async () => {
      const flow = await fx.flow('déjà vu 🚀 日本');
      const res = await server.api.get(`/flows/name/${encodeURIComponent('déjà vu 🚀 日本')}`);
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal(flow);
    });

    it('answers 404 for an unknown name', async () => {
      expectError(await server.api.get('/flows/name/nobody'), 404, 'OBJECT_NOT_FOUND');
    });

    it('answers 400 for a name that is not valid percent-encoding', async () => {
      expectError(await server.api.get('/flows/name/%ZZ'), 400, 'VALIDATION_FAILED', 'path');
    });
  });

  describe('POST /api/flows/filter and /count', () => {
    beforeEach(async () => {
      await fx.flow('beta', ['etl']);
      await fx.flow('alpha', ['etl', 'nightly']);
      server.clock!.advance(10);
      await fx.flow('gamma');
    });

    const names = (body: { name: string }[]) => body.map((f) => f.name);

    it('lists flows by name ascending by default', async () => {
      const res = await server.api.post('/flows/filter', {});
      expect(res.status).to.equal(200);
      expect(names(res.body)).to.deep.equal(['alpha', 'beta', 'gamma']);
    });

    for (const [sort, expected] of [
      ['NAME_DESC', ['gamma', 'beta', 'alpha']],
      ['CREATED_DESC', ['gamma', 'alpha', 'beta']],
      ['UPDATED_DESC', ['gamma', 'alpha', 'beta']],
    ] as const) {
      it(`sorts by ${sort}`, async () => {
        const res = await server.api.post('/flows/filter', { sort });
        expect(names(res.body)).to.deep.equal(expected);
      });
    }

    it('filters by name any/like, tags all/any/isNull and id, and counts the same', async () => {
      const filters: [object, string[]][] = [
        [{ name: { any: ['alpha', 'gamma'] } }, ['alpha', 'gamma']],
        [{ name: { like: 'ET' } }, ['beta']],
        [{ tags: { all: ['etl', 'nightly'] } }, ['alpha']],
        [{ tags: { any: ['nightly', 'etl'] } }, ['alpha', 'beta']],
        [{ tags: { isNull: true } }, ['gamma']],
      ];
      for (const [flows, expected] of filters) {
        const list = await server.api.post('/flows/filter', { flows });
        expect(names(list.body), JSON.stringify(flows)).to.deep.equal(expected);
        const count = await server.api.post('/flows/count', { flows });
        expect(count.body, JSON.stringify(flows)).to.equal(expected.length);
      }
      const alpha = (await server.api.get('/flows/name/alpha')).body;
      const byId = await server.api.post('/flows/filter', { flows: { id: { notAny: [alpha.id] } } });
      expect(names(byId.body)).to.deep.equal(['beta', 'gamma']);
    });

    it('pages with limit and offset', async () => {
      const res = await server.api.post('/flows/filter', { limit: 1, offset: 1 });
      expect(names(res.body)).to.deep.equal(['beta']);
    });

    it('refuses an unknown filter key, a bad sort and out-of-range paging with 422', async () => {
      expectError(
        await server.api.post('/flows/filter', { flows: { bogus: 1 } }),
        422,
        'VALIDATION_FAILED',
        'flows.bogus',
      );
      expectError(
        await server.api.post('/flows/count', { flows: { bogus: 1 } }),
        422,
        'VALIDATION_FAILED',
        'flows.bogus',
      );
      expectError(await server.api.post('/flows/filter', { sort: 'AGE' }), 422, 'VALIDATION_FAILED', 'sort');
      expectError(await server.api.post('/flows/filter', { limit: 1001 }), 422, 'VALIDATION_FAILED', 'limit');
      expectError(await server.api.post('/flows/filter', { offset: -1 }), 422, 'VALIDATION_FAILED', 'offset');
    });
  });

  describe('DELETE /api/flows/:id', () => {
    it('deletes the flow with its runs, task runs and states', async () => {
      const run = await fx.runningFlowRun();
      await fx.taskRun(run.id);
      const res = await server.api.delete(`/flows/${run.flowId}`);
      expect(res.status).to.equal(204);
      expectError(await server.api.get(`/flows/${run.flowId}`), 404, 'OBJECT_NOT_FOUND');
      expect((await server.api.post('/flow-runs/count', {})).body).to.equal(0);
      expect((await server.api.post('/task-runs/count', {})).body).to.equal(0);
      const states = await server.services.db.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM "flow_run_state"');
      expect(Number(states[0]!.n)).to.equal(0);
    });

    it('answers 404 for a UUID no flow has and 422 for a malformed id', async () => {
      expectError(await server.api.delete(`/flows/${MISSING_ID}`), 404, 'OBJECT_NOT_FOUND');
      expectError(await server.api.delete('/flows/42'), 422, 'VALIDATION_FAILED', 'id');
    });
  });
});
