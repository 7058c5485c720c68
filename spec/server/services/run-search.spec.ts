import { expect } from 'chai';
import { Where } from '@rigel/server/services/filters';
import { FlowRunSearch, trigramPhrase } from '@rigel/server/services/run-search';
import type { FlowRunFilter } from '@rigel/server/schemas/dto/filters.dto';
import { isPostgres } from '../../support/database';
import { harness, type Harness } from '../../support/orchestration';

describe('FlowRunSearch', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
    for (const name of ['otter-1', 'otter-2', 'Otter-3', 'beaver', 'ot', `it's "50%_off"`, 'Ötter-Über'])
      await h.createFlowRun({ name });
    for (const tags of [['common'], ['common'], ['common', 'rare'], []])
      await h.createFlowRun({ name: 'tagged', tags });
  });

  /** The names the filter matches, with the narrowing `search` adds, and how many clauses it added. */
  async function run(search: FlowRunSearch, flowRuns: FlowRunFilter) {
    const where = new Where(h.db.dialect, h.db.codec).flowRunFilters({ flowRuns });
    const before = where.clauses.length;
    await search.narrow(where, flowRuns, 'count');
    const rows = await h.db.query<{ name: string }>(
      `SELECT r."name" FROM "flow_run" r WHERE ${where.sql()} ORDER BY r."name", r."id"`,
      where.params,
    );
    return { names: rows.map((r) => r.name), narrowed: where.clauses.length - before };
  }

  const cases: [FlowRunFilter, string[]][] = [
    [{ name: { like: 'otter' } }, ['Otter-3', 'otter-1', 'otter-2']],
    [{ name: { like: 'TER-1' } }, ['otter-1']],
    [{ name: { like: `s "50%_` } }, [`it's "50%_off"`]],
    [{ name: { like: '0%_o' } }, [`it's "50%_off"`]],
    [{ name: { like: '50_' } }, []],
    [{ name: { like: 'Ötter-Ü' } }, ['Ötter-Über']],
    [{ tags: { all: ['rare'] } }, ['tagged']],
    [{ tags: { all: ['common'] } }, ['tagged', 'tagged', 'tagged']],
    [{ tags: { any: ['rare', 'none'] } }, ['tagged']],
  ];

  for (const [filter, expected] of cases) {
    it(`answers ${JSON.stringify(filter)} the same from the index and without it`, async () => {
      const indexed = await run(new FlowRunSearch(h.db, 100), filter);
      const scanned = await run(new FlowRunSearch(h.db, 0), filter);
      expect(indexed.names).to.deep.equal(expected);
      expect(scanned.names).to.deep.equal(expected);
      // SQLite narrows through its index tables when few runs match; PostgreSQL's GIN indexes need no clause.
      expect(indexed.narrowed).to.equal(isPostgres() ? 0 : 1);
      expect(scanned.narrowed).to.equal(0);
    });
  }

  it('reads the runs when the search is under 3 characters', async () => {
    const { names, narrowed } = await run(new FlowRunSearch(h.db, 100), { name: { like: 'ot' } });
    expect(names).to.deep.equal(['Otter-3', 'ot', 'otter-1', 'otter-2']);
    expect(narrowed).to.equal(0);
  });

  it('reads the runs when as many candidates as the limit match', async () => {
    const { names, narrowed } = await run(new FlowRunSearch(h.db, 3), { name: { like: 'otter' } });
    expect(names).to.deep.equal(['Otter-3', 'otter-1', 'otter-2']);
    expect(narrowed).to.equal(0);
    expect((await run(new FlowRunSearch(h.db, 4), { name: { like: 'otter' } })).narrowed).to.equal(
      isPostgres() ? 0 : 1,
    );
  });

  it('quotes the phrase for FTS5, and refuses what the trigram index cannot answer', () => {
    expect(trigramPhrase('otter')).to.equal('"otter"');
    expect(trigramPhrase('say "hi"')).to.equal('"say ""hi"""');
    expect(trigramPhrase('ab')).to.equal(null);
    expect(trigramPhrase('🚀🚀')).to.equal(null);
    expect(trigramPhrase('🚀🚀🚀')).to.equal('"🚀🚀🚀"');
    expect(trigramPhrase('a\u0000b')).to.equal(null);
  });

  it('gives each database what its planner needs for a name search: a trigram table (SQLite), a large name sample (PostgreSQL)', async () => {
    if (isPostgres()) {
      const rows = await h.db.query<{ target: unknown }>(
        `SELECT attstattarget AS target FROM pg_attribute WHERE attrelid = 'flow_run'::regclass AND attname = 'name'`,
      );
      expect(Number(rows[0]!.target)).to.equal(1000);
    } else {
      const rows = await h.db.query<{ n: unknown }>(
        `SELECT COUNT(*) AS n FROM "flow_run_name_trigram" WHERE "flow_run_name_trigram" MATCH '"otter"'`,
      );
      expect(Number(rows[0]!.n)).to.equal(3);
    }
  });
});
