import { expect } from 'chai';
import { Fixtures } from '../../support/api';
import { isPostgres } from '../../support/database';
import { startTestServer, type TestServer } from '../../support/server';

/**
 * The flow-run name search (`name.like`: a case-insensitive substring, `%`, `_` and `\` taken
 * literally) and tag filter, which the databases serve from indexes (SQLite: an FTS5 trigram table
 * and a tag table kept by triggers; PostgreSQL: GIN indexes). The answers must be those of the plain
 * filter, whatever the string: special characters, quotes, non-ASCII text, 1 or 2 characters, and
 * after runs are renamed, retagged or deleted.
 */
const NAMES = [
  'nightly-load',
  'Nightly-Export',
  '50%_off',
  '50 percent',
  'back\\slash\\path',
  `it's "quoted"`,
  'star*run NEAR(x)',
  'Ötter-Überfahrt',
  'otter-crossing',
  '数据同步-任务',
  'emoji-🚀-launch',
  'ab',
];

describe('flow-run name search and tag filter', () => {
  let server: TestServer;
  let fx: Fixtures;
  const ids = new Map<string, string>();
  before(async () => {
    server = await startTestServer();
    fx = new Fixtures(server.api);
    const flowId = (await fx.flow('search')).id;
    for (const [i, name] of NAMES.entries()) {
      const tags = i % 3 === 0 ? ['every-third', 'rare'] : i % 2 === 0 ? ['even'] : [];
      ids.set(name, (await fx.flowRun({ flowId, name, tags: i === 0 ? ['rare-only-first'] : tags })).id);
    }
  });
  after(() => server.stop());

  async function expectNames(flowRuns: object, expected: string[]) {
    const filters = { flowRuns };
    const list = await server.api.post('/flow-runs/filter', { ...filters, sort: 'NAME_ASC', limit: 1000 });
    expect(list.status, JSON.stringify(list.body)).to.equal(200);
    const names = (list.body as { name: string }[]).map((r) => r.name).sort();
    expect(names, JSON.stringify(filters)).to.deep.equal([...expected].sort());
    for (const body of [filters, { ...filters, limit: 10_001 }]) {
      const count = await server.api.post('/flow-runs/count', body);
      expect(count.status).to.equal(200);
      expect(count.body, `count of ${JSON.stringify(body)}`).to.equal(expected.length);
    }
  }

  const like = (text: string) => ({ name: { like: text } });

  describe('when the search has 3 characters or more', () => {
    it('matches substrings case-insensitively (ASCII)', async () => {
      await expectNames(like('nightly'), ['nightly-load', 'Nightly-Export']);
      await expectNames(like('NIGHTLY-L'), ['nightly-load']);
      await expectNames(like('ght'), ['nightly-load', 'Nightly-Export']);
      await expectNames(like('otter'), ['otter-crossing']);
      await expectNames(like('no such run'), []);
    });

    it('takes %, _ and \\ literally', async () => {
      await expectNames(like('50%_'), ['50%_off']);
      await expectNames(like('0%_o'), ['50%_off']);
      await expectNames(like('50_'), []);
      await expectNames(like('50%'), ['50%_off']);
      await expectNames(like('k\\s'), ['back\\slash\\path']);
      await expectNames(like('\\path'), ['back\\slash\\path']);
    });

    it('takes quotes and the search syntax of the index literally', async () => {
      await expectNames(like(`it's`), [`it's "quoted"`]);
      await expectNames(like(`"quoted"`), [`it's "quoted"`]);
      await expectNames(like(`s "q`), [`it's "quoted"`]);
      await expectNames(like('r*r'), ['star*run NEAR(x)']);
      await expectNames(like('NEAR(x)'), ['star*run NEAR(x)']);
      await expectNames(like('run NEAR'), ['star*run NEAR(x)']);
      await expectNames(like('AND'), []);
    });

    it('matches non-ASCII text as written', async () => {
      await expectNames(like('Ötter'), ['Ötter-Überfahrt']);
      await expectNames(like('Überfahrt'), ['Ötter-Überfahrt']);
      await expectNames(like('同步-'), ['数据同步-任务']);
      await expectNames(like('-🚀-'), ['emoji-🚀-launch']);
    });

    it('folds the case of non-ASCII letters on PostgreSQL only, as LIKE does on each database', async () => {
      // SQLite's LIKE folds ASCII letters only; its trigram index folds more, so it may only narrow.
      await expectNames(like('ötter-ü'), isPostgres() ? ['Ötter-Überfahrt'] : []);
      await expectNames(like('öTTER'), isPostgres() ? ['Ötter-Überfahrt'] : []);
      await expectNames(like('ÖTTER'), ['Ötter-Überfahrt']);
    });
  });

  describe('when the search has 1 or 2 characters', () => {
    it('matches them as substrings too', async () => {
      await expectNames(like('ab'), ['ab']);
      await expectNames(like('AB'), ['ab']);
      await expectNames(like('%'), ['50%_off']);
      await expectNames(like('_'), ['50%_off']);
      await expectNames(like('\\'), ['back\\slash\\path']);
      await expectNames(like(`"`), [`it's "quoted"`]);
      await expectNames(like('同步'), ['数据同步-任务']);
      await expectNames(like('🚀'), ['emoji-🚀-launch']);
      await expectNames(like('50'), ['50%_off', '50 percent']);
    });

    it('matches every run for an empty string', async () => {
      await expectNames(like(''), NAMES);
    });
  });

  it('combines the name with other filters', async () => {
    await expectNames({ ...like('night'), tags: { all: ['rare-only-first'] } }, ['nightly-load']);
    await expectNames({ ...like('night'), state: { type: { any: ['PENDING'] } } }, ['nightly-load', 'Nightly-Export']);
    await expectNames({ ...like('night'), state: { type: { any: ['RUNNING'] } } }, []);
  });

  it('filters tags with all and any', async () => {
    const everyThird = NAMES.filter((_, i) => i !== 0 && i % 3 === 0);
    const even = NAMES.filter((_, i) => i !== 0 && i % 3 !== 0 && i % 2 === 0);
    await expectNames({ tags: { all: ['every-third'] } }, everyThird);
    await expectNames({ tags: { all: ['every-third', 'rare'] } }, everyThird);
    await expectNames({ tags: { all: ['every-third', 'even'] } }, []);
    await expectNames({ tags: { any: ['even', 'rare-only-first'] } }, ['nightly-load', ...even]);
    await expectNames({ tags: { all: ['no-such-tag'] } }, []);
    await expectNames({ tags: { any: [] } }, []);
  });

  describe('when runs change', () => {
    it('finds a renamed run by its new name only', async () => {
      const res = await server.api.patch(`/flow-runs/${ids.get('otter-crossing')}`, { name: 'beaver-dam' });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      await expectNames(like('otter'), []);
      await expectNames(like('beaver'), ['beaver-dam']);
      await server.api.patch(`/flow-runs/${ids.get('otter-crossing')}`, { name: 'otter-crossing' });
      await expectNames(like('otter'), ['otter-crossing']);
      await expectNames(like('beaver'), []);
    });

    it('finds a retagged run by its new tags only', async () => {
      const id = ids.get('50 percent')!;
      expect((await server.api.patch(`/flow-runs/${id}`, { tags: ['retagged', 'retagged'] })).status).to.equal(200);
      await expectNames({ tags: { all: ['retagged'] } }, ['50 percent']);
      await expectNames(
        { tags: { any: ['even'] } },
        NAMES.filter((n, i) => i % 3 !== 0 && i % 2 === 0 && n !== '50 percent'),
      );
      expect((await server.api.patch(`/flow-runs/${id}`, { tags: [] })).status).to.equal(200);
      await expectNames({ tags: { all: ['retagged'] } }, []);
    });

    it('no longer finds a deleted run, nor the runs of a deleted flow', async () => {
      expect((await server.api.delete(`/flow-runs/${ids.get('nightly-load')}`)).status).to.equal(204);
      await expectNames(like('nightly'), ['Nightly-Export']);
      await expectNames({ tags: { all: ['rare-only-first'] } }, []);
      const flowId = (await fx.flow('doomed')).id;
      await fx.flowRun({ flowId, name: 'doomed-otter', tags: ['doomed'] });
      await expectNames(like('otter'), ['otter-crossing', 'doomed-otter']);
      expect((await server.api.delete(`/flows/${flowId}`)).status).to.equal(204);
      await expectNames(like('otter'), ['otter-crossing']);
      await expectNames({ tags: { all: ['doomed'] } }, []);
    });
  });
});
