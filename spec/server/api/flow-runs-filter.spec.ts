import { expect } from 'chai';
import { expectError, Fixtures } from '../../support/api';
import { startTestServer, type TestServer } from '../../support/server';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
/** The two deployments' ids, created by `seed`. */
let D1 = '';
let D2 = '';

/**
 * Four runs whose fields differ on every filter and sort (ids sort in creation order):
 * nightly-load (etl, COMPLETED), hourly-load (etl, SCHEDULED in an hour), weekly_report (report,
 * FAILED subflow of a task of nightly-load, deployment D1), adhoc (report, PENDING, deployment D2).
 */
async function seed(server: TestServer, fx: Fixtures) {
  const clock = server.clock!;
  const etl = await fx.flow('etl', ['prod']);
  const report = await fx.flow('report');
  const deployment = async (name: string) =>
    (await server.api.post('/deployments', { name, flowId: report.id, entrypoint: 'reports.ts:Reports.weekly' })).body
      .id as string;
  D1 = await deployment('weekly');
  D2 = await deployment('adhoc');
  const nightly = await fx.flowRun({
    flowId: etl.id,
    name: 'nightly-load',
    tags: ['etl', 'daily'],
    flowVersion: '1.0',
  });
  clock.set(at(10));
  await fx.setState('flow', nightly.id, { type: 'RUNNING' });
  const extract = await fx.taskRun(nightly.id, { taskKey: 'extract', state: { type: 'RUNNING' } });
  clock.set(at(20));
  await fx.setState('task', extract.id, { type: 'COMPLETED' });
  const parent = await fx.taskRun(nightly.id, { taskKey: 'subflow' });
  clock.set(at(30));
  await fx.setState('flow', nightly.id, { type: 'COMPLETED' });
  clock.set(at(40));
  const scheduled = { type: 'SCHEDULED', stateDetails: { scheduledTime: at(3600) } };
  const hourly = await fx.flowRun({ flowId: etl.id, name: 'hourly-load', tags: ['etl'], state: scheduled });
  clock.set(at(50));
  const weekly = await fx.runningFlowRun({
    flowId: report.id,
    name: 'weekly_report',
    idempotencyKey: 'weekly',
    parentTaskRunId: parent.id,
    deploymentId: D1,
  });
  const render = await fx.taskRun(weekly.id, { taskKey: 'render', state: { type: 'RUNNING' } });
  clock.set(at(60));
  await fx.setState('task', render.id, { type: 'FAILED' });
  clock.set(at(70));
  await fx.setState('flow', weekly.id, { type: 'FAILED' });
  clock.set(at(80));
  const adhoc = await fx.flowRun({ flowId: report.id, name: 'adhoc', tags: ['adhoc'], deploymentId: D2 });
  return { nightly, hourly, weekly, adhoc, parent };
}

describe('flow-run lists (POST /api/flow-runs/filter and /count)', () => {
  let server: TestServer;
  let runs: Awaited<ReturnType<typeof seed>>;
  before(async () => {
    server = await startTestServer({ fakeClock: true });
    runs = await seed(server, new Fixtures(server.api));
  });
  after(() => server.stop());

  const names = (body: { name: string }[]) => body.map((r) => r.name);
  async function expectMatches(filters: object, expected: string[]) {
    const list = await server.api.post('/flow-runs/filter', filters);
    expect(list.status, JSON.stringify(list.body)).to.equal(200);
    expect(names(list.body), JSON.stringify(filters)).to.deep.equal(expected);
    const count = await server.api.post('/flow-runs/count', filters);
    expect(count.status).to.equal(200);
    expect(count.body, `count of ${JSON.stringify(filters)}`).to.equal(expected.length);
  }

  it('lists every run newest first by default', async () => {
    await expectMatches({}, ['adhoc', 'weekly_report', 'hourly-load', 'nightly-load']);
  });

  describe('when filtering on flow-run fields', () => {
    it('matches ids with any and notAny', async () => {
      await expectMatches({ flowRuns: { id: { any: [runs.nightly.id, runs.weekly.id] } } }, [
        'weekly_report',
        'nightly-load',
      ]);
      await expectMatches({ flowRuns: { id: { notAny: [runs.nightly.id] } } }, [
        'adhoc',
        'weekly_report',
        'hourly-load',
      ]);
      await expectMatches({ flowRuns: { id: { any: [] } } }, []);
    });

    it('matches names with any and with like (case-insensitive, % and _ taken literally)', async () => {
      await expectMatches({ flowRuns: { name: { any: ['adhoc', 'hourly-load'] } } }, ['adhoc', 'hourly-load']);
      await expectMatches({ flowRuns: { name: { like: 'LOAD' } } }, ['hourly-load', 'nightly-load']);
      await expectMatches({ flowRuns: { name: { like: '_' } } }, ['weekly_report']);
      await expectMatches({ flowRuns: { name: { like: '%' } } }, []);
    });

    it('matches tags with all, any and isNull', async () => {
      await expectMatches({ flowRuns: { tags: { all: ['etl', 'daily'] } } }, ['nightly-load']);
      await expectMatches({ flowRuns: { tags: { any: ['daily', 'adhoc'] } } }, ['adhoc', 'nightly-load']);
      await expectMatches({ flowRuns: { tags: { isNull: true } } }, ['weekly_report']);
      await expectMatches({ flowRuns: { tags: { isNull: false } } }, ['adhoc', 'hourly-load', 'nightly-load']);
    });

    it('matches the state by type and by name, with any and notAny', async () => {
      await expectMatches({ flowRuns: { state: { type: { any: ['COMPLETED', 'FAILED'] } } } }, [
        'weekly_report',
        'nightly-load',
      ]);
      await expectMatches({ flowRuns: { state: { type: { notAny: ['COMPLETED', 'FAILED'] } } } }, [
        'adhoc',
        'hourly-load',
      ]);
      await expectMatches({ flowRuns: { state: { name: { any: ['Scheduled'] } } } }, ['hourly-load']);
      await expectMatches({ flowRuns: { state: { name: { notAny: ['Pending'] } } } }, [
        'weekly_report',
        'hourly-load',
        'nightly-load',
      ]);
    });

    it('matches flow version and idempotency key', async () => {
      await expectMatches({ flowRuns: { flowVersion: { any: ['1.0'] } } }, ['nightly-load']);
      await expectMatches({ flowRuns: { idempotencyKey: { any: ['weekly'] } } }, ['weekly_report']);
    });

    it('matches times with after, before (both inclusive) and isNull', async () => {
      await expectMatches({ flowRuns: { startTime: { after: at(20) } } }, ['weekly_report']);
      await expectMatches({ flowRuns: { startTime: { before: at(20) } } }, ['nightly-load']);
      await expectMatches({ flowRuns: { startTime: { isNull: true } } }, ['adhoc', 'hourly-load']);
      await expectMatches({ flowRuns: { endTime: { after: at(40) } } }, ['weekly_report']);
      await expectMatches({ flowRuns: { endTime: { isNull: false } } }, ['weekly_report', 'nightly-load']);
      await expectMatches({ flowRuns: { expectedStartTime: { after: at(50), before: at(80) } } }, [
        'adhoc',
        'weekly_report',
      ]);
      await expectMatches({ flowRuns: { nextScheduledStartTime: { isNull: false } } }, ['hourly-load']);
    });

    it('matches parent task runs and deployments with any, notAny and isNull', async () => {
      await expectMatches({ flowRuns: { parentTaskRunId: { isNull: true } } }, [
        'adhoc',
        'hourly-load',
        'nightly-load',
      ]);
      await expectMatches({ flowRuns: { parentTaskRunId: { isNull: false } } }, ['weekly_report']);
      await expectMatches({ flowRuns: { parentTaskRunId: { any: [runs.parent.id] } } }, ['weekly_report']);
      await expectMatches({ flowRuns: { deploymentId: { any: [D1] } } }, ['weekly_report']);
      await expectMatches({ flowRuns: { deploymentId: { notAny: [D1] } } }, ['adhoc', 'hourly-load', 'nightly-load']);
    });
  });

  describe('when filtering through related objects', () => {
    it('matches the flow, the deployment and the task runs', async () => {
      await expectMatches({ flows: { name: { any: ['report'] } } }, ['adhoc', 'weekly_report']);
      await expectMatches({ flows: { tags: { all: ['prod'] } } }, ['hourly-load', 'nightly-load']);
      await expectMatches({ deployments: { id: { any: [D2] } } }, ['adhoc']);
      await expectMatches({ taskRuns: { taskKey: { any: ['extract'] } } }, ['nightly-load']);
      await expectMatches({ taskRuns: { state: { type: { any: ['COMPLETED'] } } } }, ['nightly-load']);
    });

    it('treats null filters and null operators as no condition', async () => {
      const all = ['adhoc', 'weekly_report', 'hourly-load', 'nightly-load'];
      await expectMatches({ flows: null, flowRuns: { tags: null, state: { type: null } } }, all);
      await expectMatches({ flowRuns: { tags: { any: null, isNull: null }, parentTaskRunId: { isNull: null } } }, all);
      await expectMatches({ flowRuns: { startTime: { isNull: null } } }, all);
    });

    it('combines filters with AND', async () => {
      const filters = { flows: { name: { any: ['etl'] } }, flowRuns: { state: { type: { any: ['SCHEDULED'] } } } };
      await expectMatches(filters, ['hourly-load']);
    });
  });

  describe('when sorting', () => {
    const orders: Record<string, string[]> = {
      ID_DESC: ['adhoc', 'weekly_report', 'hourly-load', 'nightly-load'],
      START_TIME_DESC: ['weekly_report', 'nightly-load', 'adhoc', 'hourly-load'],
      START_TIME_ASC: ['nightly-load', 'weekly_report', 'hourly-load', 'adhoc'],
      EXPECTED_START_TIME_DESC: ['hourly-load', 'adhoc', 'weekly_report', 'nightly-load'],
      EXPECTED_START_TIME_ASC: ['nightly-load', 'weekly_report', 'adhoc', 'hourly-load'],
      NEXT_SCHEDULED_START_TIME_ASC: ['hourly-load', 'nightly-load', 'weekly_report', 'adhoc'],
      END_TIME_DESC: ['weekly_report', 'nightly-load', 'adhoc', 'hourly-load'],
      NAME_ASC: ['adhoc', 'hourly-load', 'nightly-load', 'weekly_report'],
    };
    for (const [sort, expected] of Object.entries(orders)) {
      it(`orders by ${sort}`, async () => {
        const res = await server.api.post('/flow-runs/filter', { sort });
        expect(names(res.body)).to.deep.equal(expected);
      });
    }

    it('refuses an unknown sort with 422 naming sort', async () => {
      expectError(await server.api.post('/flow-runs/filter', { sort: 'NAME_DESC' }), 422, 'VALIDATION_FAILED', 'sort');
    });
  });

  describe('when paging', () => {
    it('applies limit and offset after sorting', async () => {
      const res = await server.api.post('/flow-runs/filter', { sort: 'NAME_ASC', limit: 2, offset: 1 });
      expect(names(res.body)).to.deep.equal(['hourly-load', 'nightly-load']);
      const past = await server.api.post('/flow-runs/filter', { offset: 10 });
      expect(past.body).to.deep.equal([]);
    });

    it('counts at most limit runs when the count is given one', async () => {
      expect((await server.api.post('/flow-runs/count', { limit: 2 })).body).to.equal(2);
      expect((await server.api.post('/flow-runs/count', { limit: 10 })).body).to.equal(4);
      const report = { flows: { name: { any: ['report'] } } };
      expect((await server.api.post('/flow-runs/count', { ...report, limit: 1 })).body).to.equal(1);
      expect((await server.api.post('/flow-runs/count', { ...report, limit: 3 })).body).to.equal(2);
      for (const limit of [0, 2.5, '5']) {
        expectError(await server.api.post('/flow-runs/count', { limit }), 422, 'VALIDATION_FAILED', 'limit');
      }
    });

    for (const [page, field] of [
      [{ limit: 0 }, 'limit'],
      [{ limit: 1001 }, 'limit'],
      [{ limit: 2.5 }, 'limit'],
      [{ limit: '5' }, 'limit'],
      [{ offset: -1 }, 'offset'],
    ] as const) {
      it(`refuses ${JSON.stringify(page)} with 422 naming ${field}`, async () => {
        expectError(await server.api.post('/flow-runs/filter', page), 422, 'VALIDATION_FAILED', field);
      });
    }
  });

  describe('when a filter is malformed', () => {
    for (const [filters, field] of [
      [{ flowRuns: { bogus: 1 } }, 'flowRuns.bogus'],
      [{ flowRuns: { state: { type: { like: 'RUN' } } } }, 'flowRuns.state.type.like'],
      [{ flowRuns: { name: { regex: '.*' } } }, 'flowRuns.name.regex'],
      [{ flows: { bogus: 1 } }, 'flows.bogus'],
      [{ taskRuns: { bogus: 1 } }, 'taskRuns.bogus'],
      [{ deployments: { name: { any: ['x'] } } }, 'deployments.name'],
      [{ workPools: {} }, 'workPools'],
      [{ flowRuns: [] }, 'flowRuns'],
      [{ flowRuns: { name: [{ like: 'x' }] } }, 'flowRuns.name'],
      [{ flowRuns: { state: { type: { any: ['DONE'] } } } }, 'flowRuns.state.type.any'],
      [{ flowRuns: { id: { any: ['not-a-uuid'] } } }, 'flowRuns.id.any'],
      [{ flowRuns: { startTime: { after: 'yesterday' } } }, 'flowRuns.startTime.after'],
      [{ flowRuns: { tags: { all: 'etl' } } }, 'flowRuns.tags.all'],
      [{ flowRuns: { parentTaskRunId: { isNull: 'yes' } } }, 'flowRuns.parentTaskRunId.isNull'],
    ] as const) {
      it(`refuses ${JSON.stringify(filters)} in lists and counts with 422 naming ${field}`, async () => {
        expectError(await server.api.post('/flow-runs/filter', filters), 422, 'VALIDATION_FAILED', field);
        expectError(await server.api.post('/flow-runs/count', filters), 422, 'VALIDATION_FAILED', field);
      });
    }
  });
});

describe('flow-run list default limit', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ fakeClock: true });
    const fx = new Fixtures(server.api);
    const flowId = (await fx.flow()).id;
    for (let i = 0; i < 201; i++) await fx.flowRun({ flowId, name: `run-${i}` });
  });
  after(() => server.stop());

  it('returns at most 200 runs without a limit, up to 1000 with one, and counts all', async () => {
    expect((await server.api.post('/flow-runs/filter', {})).body).to.have.length(200);
    expect((await server.api.post('/flow-runs/filter', { limit: 1000 })).body).to.have.length(201);
    expect((await server.api.post('/flow-runs/count', {})).body).to.equal(201);
  });
});

describe('flow-run lists filtered on many flows', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ fakeClock: true });
    const fx = new Fixtures(server.api);
    for (let i = 0; i < 102; i++) await fx.flowRun({ flowId: (await fx.flow(`bulk-${i}`)).id, name: `bulk-run-${i}` });
    await fx.flowRun({ flowId: (await fx.flow('other')).id, name: 'other-run' });
  });
  after(() => server.stop());

  it('matches the runs of every flow the filter names, beyond the flows it resolves up front', async () => {
    const filters = { flows: { name: { like: 'bulk-' } } };
    expect((await server.api.post('/flow-runs/count', filters)).body).to.equal(102);
    expect((await server.api.post('/flow-runs/filter', { ...filters, limit: 1000 })).body).to.have.length(102);
    const few = { flows: { name: { any: ['bulk-7', 'other'] } } };
    const res = await server.api.post('/flow-runs/filter', { ...few, sort: 'NAME_ASC' });
    expect(res.body.map((r: { name: string }) => r.name)).to.deep.equal(['bulk-run-7', 'other-run']);
    expect((await server.api.post('/flow-runs/count', { flows: { name: { any: ['none'] } } })).body).to.equal(0);
  });
});

describe('flow-run list of several state types in expected-start-time order', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ fakeClock: true });
    const fx = new Fixtures(server.api);
    const flowId = (await fx.flow()).id;
    // Interleaved expected start times across the types; two runs share one time (the id breaks the tie).
    const plan: [string, number][] = [
      ['FAILED', 10],
      ['CRASHED', 20],
      ['COMPLETED', 25],
      ['FAILED', 30],
      ['FAILED', 40],
      ['CRASHED', 40],
      ['CANCELLED', 45],
      ['CRASHED', 50],
      ['FAILED', 60],
    ];
    for (const [i, [type, seconds]] of plan.entries()) {
      server.clock!.set(at(seconds));
      await fx.flowRun({ flowId, name: `run-${i}-${type.toLowerCase()}`, state: { type } });
    }
  });
  after(() => server.stop());

  async function page(sort: string, types: string[], limit: number, offset: number): Promise<string[]> {
    const res = await server.api.post('/flow-runs/filter', {
      flowRuns: { state: { type: { any: types } } },
      sort,
      limit,
      offset,
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return (res.body as { name: string }[]).map((r) => r.name);
  }

  for (const sort of ['EXPECTED_START_TIME_DESC', 'EXPECTED_START_TIME_ASC']) {
    it(`pages through the runs of the types in one order (${sort})`, async () => {
      const all = await page(sort, ['FAILED', 'CRASHED', 'CANCELLED'], 100, 0);
      const expected = ['run-0-failed', 'run-1-crashed', 'run-3-failed', 'run-4-failed', 'run-5-crashed'].concat([
        'run-6-cancelled',
        'run-7-crashed',
        'run-8-failed',
      ]);
      expect(all).to.deep.equal(sort.endsWith('ASC') ? expected : [...expected].reverse());
      const pages: string[] = [];
      for (let offset = 0; offset < all.length + 3; offset += 3)
        pages.push(...(await page(sort, ['CRASHED', 'FAILED', 'CANCELLED', 'FAILED'], 3, offset)));
      expect(pages).to.deep.equal(all);
      expect(await page(sort, ['FAILED', 'RUNNING'], 2, 1)).to.deep.equal(
        all.filter((n) => n.endsWith('failed')).slice(1, 3),
      );
    });
  }
});
