import { expect } from 'chai';
import { expectError, Fixtures } from '../../support/api';
import { startTestServer, type TestServer } from '../../support/server';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

/**
 * extract-0 (flow run of "etl", COMPLETED 0→30 s), transform-0 (same flow run, Pending from 10 s),
 * load-0 (flow run of "other", FAILED 20→25 s, tags io+db), orphan-0 (no flow run, Pending from 40 s).
 */
async function seed(server: TestServer, fx: Fixtures) {
  const clock = server.clock!;
  const etlRun = await fx.runningFlowRun({ flowId: (await fx.flow('etl')).id, name: 'etl-run' });
  const otherRun = await fx.runningFlowRun({ flowId: (await fx.flow('other')).id, name: 'other-run' });
  const extract = await fx.taskRun(etlRun.id, { taskKey: 'extract', tags: ['io'], state: { type: 'RUNNING' } });
  clock.set(at(10));
  const transform = await fx.taskRun(etlRun.id, { taskKey: 'transform' });
  clock.set(at(20));
  const load = await fx.taskRun(otherRun.id, { taskKey: 'load', tags: ['io', 'db'], state: { type: 'RUNNING' } });
  clock.set(at(25));
  await fx.setState('task', load.id, { type: 'FAILED' });
  clock.set(at(30));
  await fx.setState('task', extract.id, { type: 'COMPLETED' });
  clock.set(at(40));
  const orphan = await fx.taskRun(undefined, { taskKey: 'orphan' });
  return { etlRun, otherRun, extract, transform, load, orphan };
}

describe('task-run lists (POST /api/task-runs/filter and /count)', () => {
  let server: TestServer;
  let seeded: Awaited<ReturnType<typeof seed>>;
  before(async () => {
    server = await startTestServer({ fakeClock: true });
    seeded = await seed(server, new Fixtures(server.api));
  });
  after(() => server.stop());

  const names = (body: { name: string }[]) => body.map((r) => r.name);
  async function expectMatches(filters: object, expected: string[]) {
    const list = await server.api.post('/task-runs/filter', filters);
    expect(list.status, JSON.stringify(list.body)).to.equal(200);
    expect(names(list.body), JSON.stringify(filters)).to.deep.equal(expected);
    const count = await server.api.post('/task-runs/count', filters);
    expect(count.body, `count of ${JSON.stringify(filters)}`).to.equal(expected.length);
  }

  it('lists every task run newest first by default', async () => {
    await expectMatches({}, ['orphan-0', 'load-0', 'transform-0', 'extract-0']);
  });

  it('counts at most limit task runs when the count is given one', async () => {
    expect((await server.api.post('/task-runs/count', { limit: 3 })).body).to.equal(3);
    expect((await server.api.post('/task-runs/count', { limit: 100 })).body).to.equal(4);
    expectError(await server.api.post('/task-runs/count', { limit: 0 }), 422, 'VALIDATION_FAILED', 'limit');
  });

  describe('when filtering on task-run fields', () => {
    it('matches ids, names, task keys and tags', async () => {
      const { extract, transform } = seeded;
      await expectMatches({ taskRuns: { id: { any: [extract.id, transform.id] } } }, ['transform-0', 'extract-0']);
      await expectMatches({ taskRuns: { id: { notAny: [extract.id] } } }, ['orphan-0', 'load-0', 'transform-0']);
      await expectMatches({ taskRuns: { name: { like: 'O' } } }, ['orphan-0', 'load-0', 'transform-0']);
      await expectMatches({ taskRuns: { name: { any: ['load-0'] } } }, ['load-0']);
      await expectMatches({ taskRuns: { taskKey: { any: ['load', 'extract'] } } }, ['load-0', 'extract-0']);
      await expectMatches({ taskRuns: { tags: { all: ['io', 'db'] } } }, ['load-0']);
      await expectMatches({ taskRuns: { tags: { any: ['io'] } } }, ['load-0', 'extract-0']);
      await expectMatches({ taskRuns: { tags: { isNull: true } } }, ['orphan-0', 'transform-0']);
    });

    it('matches the state by type and name', async () => {
      await expectMatches({ taskRuns: { state: { type: { any: ['COMPLETED', 'FAILED'] } } } }, ['load-0', 'extract-0']);
      await expectMatches({ taskRuns: { state: { type: { notAny: ['PENDING'] } } } }, ['load-0', 'extract-0']);
      await expectMatches({ taskRuns: { state: { name: { any: ['Pending'] } } } }, ['orphan-0', 'transform-0']);
      await expectMatches({ taskRuns: { state: { name: { notAny: ['Pending', 'Failed'] } } } }, ['extract-0']);
    });

    it('matches the flow run id with any, notAny and isNull', async () => {
      const { etlRun } = seeded;
      await expectMatches({ taskRuns: { flowRunId: { any: [etlRun.id] } } }, ['transform-0', 'extract-0']);
      await expectMatches({ taskRuns: { flowRunId: { notAny: [etlRun.id] } } }, ['orphan-0', 'load-0']);
      await expectMatches({ taskRuns: { flowRunId: { isNull: true } } }, ['orphan-0']);
    });

    it('matches start and expected start times', async () => {
      await expectMatches({ taskRuns: { startTime: { after: at(10) } } }, ['load-0']);
      await expectMatches({ taskRuns: { startTime: { isNull: true } } }, ['orphan-0', 'transform-0']);
      await expectMatches({ taskRuns: { expectedStartTime: { before: at(10) } } }, ['transform-0', 'extract-0']);
      await expectMatches({ taskRuns: { expectedStartTime: { after: at(10), before: at(20) } } }, [
        'load-0',
        'transform-0',
      ]);
    });
  });

  describe('when filtering through related objects', () => {
    it('matches the flow run and the flow', async () => {
      await expectMatches({ flowRuns: { name: { any: ['other-run'] } } }, ['load-0']);
      await expectMatches({ flowRuns: { state: { type: { any: ['RUNNING'] } } } }, [
        'load-0',
        'transform-0',
        'extract-0',
      ]);
      await expectMatches({ flows: { name: { any: ['etl'] } } }, ['transform-0', 'extract-0']);
      await expectMatches({ flows: { name: { any: ['etl'] } }, taskRuns: { tags: { any: ['io'] } } }, ['extract-0']);
    });
  });

  describe('when sorting', () => {
    const orders: Record<string, string[]> = {
      ID_DESC: ['orphan-0', 'load-0', 'transform-0', 'extract-0'],
      EXPECTED_START_TIME_ASC: ['extract-0', 'transform-0', 'load-0', 'orphan-0'],
      EXPECTED_START_TIME_DESC: ['orphan-0', 'load-0', 'transform-0', 'extract-0'],
      START_TIME_ASC: ['extract-0', 'load-0', 'transform-0', 'orphan-0'],
      START_TIME_DESC: ['load-0', 'extract-0', 'orphan-0', 'transform-0'],
      END_TIME_DESC: ['extract-0', 'load-0', 'orphan-0', 'transform-0'],
      NAME_ASC: ['extract-0', 'load-0', 'orphan-0', 'transform-0'],
    };
    for (const [sort, expected] of Object.entries(orders)) {
      it(`orders by ${sort}`, async () => {
        const res = await server.api.post('/task-runs/filter', { sort });
        expect(names(res.body)).to.deep.equal(expected);
      });
    }

    it('applies limit and offset after sorting', async () => {
      const res = await server.api.post('/task-runs/filter', { sort: 'NAME_ASC', limit: 2, offset: 2 });
      expect(names(res.body)).to.deep.equal(['orphan-0', 'transform-0']);
    });
  });

  describe('when the request is malformed', () => {
    for (const [body, field] of [
      [{ taskRuns: { bogus: 1 } }, 'taskRuns.bogus'],
      [{ taskRuns: { endTime: { isNull: true } } }, 'taskRuns.endTime'],
      [{ deployments: { id: { any: [] } } }, 'deployments'],
      [{ flowRuns: { state: { type: { any: ['running'] } } } }, 'flowRuns.state.type.any'],
      [{ taskRuns: { flowRunId: { any: ['x'] } } }, 'taskRuns.flowRunId.any'],
      [{ sort: 'NEXT_SCHEDULED_START_TIME_ASC' }, 'sort'],
      [{ limit: 1001 }, 'limit'],
      [{ offset: 1.5 }, 'offset'],
    ] as const) {
      it(`refuses ${JSON.stringify(body)} with 422 naming ${field}`, async () => {
        expectError(await server.api.post('/task-runs/filter', body), 422, 'VALIDATION_FAILED', field);
        if (!('sort' in body) && !('limit' in body) && !('offset' in body)) {
          expectError(await server.api.post('/task-runs/count', body), 422, 'VALIDATION_FAILED', field);
        }
      });
    }
  });
});
