import { expect } from 'chai';
import { expectError, expectNothingWritten, Fixtures, MISSING_ID } from '../../support/api';
import { startTestServer, type TestServer } from '../../support/server';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

interface Bucket {
  intervalStart: string;
  intervalEnd: string;
  states: {
    stateType: string;
    stateName: string;
    countRuns: number;
    sumEstimatedRunTime: number;
    sumEstimatedLateness: number;
  }[];
}

describe('flow-run history (POST /api/flow-runs/history)', () => {
  let server: TestServer;
  let fx: Fixtures;
  beforeEach(async () => {
    server = await startTestServer({ fakeClock: true });
    fx = new Fixtures(server.api);
  });
  afterEach(() => server.stop());

  /** A run created at `start` seconds, RUNNING from `run` and ended `end` (as `final`). */
  async function runBetween(flowId: string, start: number, run: number, end: number | null, final = 'COMPLETED') {
    server.clock!.set(at(start));
    const created = await fx.flowRun({ flowId });
    server.clock!.set(at(run));
    await fx.setState('flow', created.id, { type: 'RUNNING' });
    if (end === null) return;
    server.clock!.set(at(end));
    await fx.setState('flow', created.id, { type: final });
  }

  async function seed() {
    const etl = await fx.flow('etl');
    const other = await fx.flow('other');
    await runBetween(etl.id, 0, 10, 40); // bucket 0: 30 s running, 10 s late
    await runBetween(etl.id, 20, 21, 31); // bucket 0: 10 s running, 1 s late
    await runBetween(etl.id, 70, 71, 91, 'FAILED'); // bucket 1
    server.clock!.set(at(50));
    await fx.flowRun({ flowId: etl.id, state: { type: 'SCHEDULED', stateDetails: { scheduledTime: at(130) } } });
    await fx.flowRun({ flowId: etl.id, state: { type: 'SCHEDULED', stateDetails: { scheduledTime: at(400) } } });
    await runBetween(other.id, 190, 191, null); // bucket 3: running for 9 s at 200
    server.clock!.set(at(200));
  }

  const history = (body: object) =>
    server.api.post('/flow-runs/history', {
      historyStart: at(0),
      historyEnd: at(290),
      historyIntervalSeconds: 60,
      ...body,
    });

  it('counts runs per interval and state by expected start time, with run time and lateness sums', async () => {
    await seed();
    const res = await history({});
    expect(res.status).to.equal(200);
    const buckets = res.body as Bucket[];
    expect(buckets.map((b) => [b.intervalStart, b.intervalEnd])).to.deep.equal([
      [at(0), at(60)],
      [at(60), at(120)],
      [at(120), at(180)],
      [at(180), at(240)],
      [at(240), at(290)],
    ]);
    const summary = buckets.map((b) =>
      b.states.map((s) => [
        s.stateType,
        s.stateName,
        s.countRuns,
        round(s.sumEstimatedRunTime),
        round(s.sumEstimatedLateness),
      ]),
    );
    expect(summary).to.deep.equal([
      [['COMPLETED', 'Completed', 2, 40, 11]],
      [['FAILED', 'Failed', 1, 20, 1]],
      [['SCHEDULED', 'Scheduled', 1, 0, 70]],
      [['RUNNING', 'Running', 1, 9, 1]],
      [],
    ]);
  });

  it('applies the flow-run filters', async () => {
    await seed();
    const res = await history({ flows: { name: { any: ['other'] } } });
    const counts = (res.body as Bucket[]).map((b) => b.states.reduce((n, s) => n + s.countRuns, 0));
    expect(counts).to.deep.equal([0, 0, 0, 1, 0]);
  });

  describe('when the request is invalid', () => {
    for (const [what, body, field] of [
      ['more than 500 intervals', { historyIntervalSeconds: 1, historyEnd: at(501) }, 'historyIntervalSeconds'],
      ['an end before the start', { historyEnd: at(-60) }, 'historyEnd'],
      ['a missing start', { historyStart: undefined }, 'historyStart'],
      ['a zero interval', { historyIntervalSeconds: 0 }, 'historyIntervalSeconds'],
      ['an unknown filter key', { flowRuns: { bogus: true } }, 'flowRuns.bogus'],
    ] as const) {
      it(`refuses ${what} with 422 naming ${field}`, async () => {
        const res = await expectNothingWritten(server.services.db, () => history(body));
        expectError(res, 422, 'VALIDATION_FAILED', field);
      });
    }

    it('accepts exactly 500 intervals', async () => {
      const res = await history({ historyIntervalSeconds: 1, historyEnd: at(500) });
      expect(res.status).to.equal(200);
      expect(res.body).to.have.length(500);
    });
  });
});

describe('flow-run graph (GET /api/flow-runs/:id/graph)', () => {
  let server: TestServer;
  let fx: Fixtures;
  beforeEach(async () => {
    server = await startTestServer({ fakeClock: true });
    fx = new Fixtures(server.api);
  });
  afterEach(() => server.stop());

  const ref = (id: string) => ({ inputType: 'task_run', id });

  it('lists the task runs with timings, states, upstream task runs and child flow runs', async () => {
    const run = await fx.runningFlowRun();
    const extract = await fx.taskRun(run.id, { taskKey: 'extract', state: { type: 'RUNNING' } });
    server.clock!.advance(5);
    await fx.setState('task', extract.id, { type: 'COMPLETED' });
    const transform = await fx.taskRun(run.id, {
      taskKey: 'transform',
      taskInputs: { x: [ref(extract.id)], p: [{ inputType: 'parameter', name: 'p' }], odd: 'not a list' },
    });
    server.clock!.advance(1);
    await fx.taskRun(run.id, {
      taskKey: 'load',
      taskInputs: { a: [ref(extract.id), ref(transform.id)], b: [ref(transform.id)] },
    });
    server.clock!.advance(1);
    const subflow = await fx.taskRun(run.id, { taskKey: 'subflow' });
    const child = await fx.flowRun({ flowId: run.flowId, parentTaskRunId: subflow.id, state: { type: 'RUNNING' } });

    const res = await server.api.get(`/flow-runs/${run.id}/graph`);
    expect(res.status).to.equal(200);
    expect(res.body.flowRunId).to.equal(run.id);
    const nodes = res.body.taskRuns as Record<string, any>[];
    expect(nodes.map((n) => n.taskKey)).to.deep.equal(['extract', 'transform', 'load', 'subflow']);
    expect(nodes[0]).to.deep.include({
      id: extract.id,
      state: { type: 'COMPLETED', name: 'Completed' },
      startTime: '2030-01-01T00:00:00.000Z',
      endTime: '2030-01-01T00:00:05.000Z',
      upstreamDependencies: [],
      childFlowRunId: null,
    });
    expect(nodes[1]!.upstreamDependencies).to.deep.equal([extract.id]);
    expect(nodes[2]!.upstreamDependencies).to.have.members([extract.id, transform.id]).and.have.length(2);
    expect(nodes[3]).to.deep.include({
      id: subflow.id,
      childFlowRunId: child.id,
      state: { type: 'RUNNING', name: 'Running' },
    });
  });

  it('answers an empty graph for a run without task runs', async () => {
    const run = await fx.flowRun();
    const res = await server.api.get(`/flow-runs/${run.id}/graph`);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ flowRunId: run.id, taskRuns: [] });
  });

  it('answers 404 for a missing run and 422 for a malformed id', async () => {
    expectError(await server.api.get(`/flow-runs/${MISSING_ID}/graph`), 404, 'OBJECT_NOT_FOUND');
    expectError(await server.api.get('/flow-runs/zz/graph'), 422, 'VALIDATION_FAILED', 'id');
  });
});

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
