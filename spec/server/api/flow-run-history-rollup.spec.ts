/**
 * The run-history roll-up (services/flow-run-history.ts): whatever happens to the runs, the history the
 * API answers equals the direct aggregation of the runs as the API lists them (counts exactly, sums
 * to floating-point rounding), for the home page's aligned windows (partly from the roll-up), for the
 * flow and deployment pages' filters (partly from the roll-up by flow and deployment), and for any
 * other window or filter.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Database } from '@rigel/server';
import { FlowRunEntity } from '@rigel/server/db/entities';
import {
  FlowRunHistoryService,
  historyFields,
  HistoryRollupService,
  markStaleHistory,
  SETTLE_MS,
  SLOT_MS,
  staleSlots,
} from '@rigel/server/services/flow-run-history';
import { Fixtures, rowCounts } from '../../support/api';
import { startTestServer, type TestServer } from '../../support/server';
import { rng } from '../../../bench/s6/data';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const HOUR = 3_600_000;
const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED'];
/** The columns a copied run row gets new values for. */
const OVERRIDDEN = ['id', 'name', 'idempotencyKey', 'stateId', 'expectedStartTime', 'updated'];

interface State {
  stateType: string;
  stateName: string;
  countRuns: number;
  sumEstimatedRunTime: number;
  sumEstimatedLateness: number;
}
interface Bucket {
  intervalStart: string;
  intervalEnd: string;
  states: State[];
}
interface HistoryRequest {
  historyStart: string;
  historyEnd: string;
  historyIntervalSeconds: number;
  flows?: { id: { any: string[] }; name?: { any: string[] } };
  deployments?: { id: { any: string[] } };
  flowRuns?: { deploymentId: { any: string[] } };
}

/** The home page's window: starts on a half hour, ends now. */
function homeWindow(now: number, windowMs: number, intervalSeconds: number): HistoryRequest {
  const start = Math.floor(now / SLOT_MS) * SLOT_MS + SLOT_MS - windowMs;
  return {
    historyStart: new Date(start).toISOString(),
    historyEnd: new Date(now).toISOString(),
    historyIntervalSeconds: intervalSeconds,
  };
}

describe('flow-run history roll-up', () => {
  let server: TestServer;
  let fx: Fixtures;
  let db: Database;
  beforeEach(async () => {
    server = await startTestServer({ fakeClock: true });
    fx = new Fixtures(server.api);
    db = server.services.db;
  });
  afterEach(() => server.stop());

  const now = () => server.clock!.now().getTime();
  /** Flow names by id, for the aggregation of a request filtered by flow name. */
  const flowNames = new Map<string, string>();

  /** Every run as the API lists it. */
  async function allRuns(): Promise<any[]> {
    const runs: any[] = [];
    for (let offset = 0; ; offset += 200) {
      const res = await server.api.post('/flow-runs/filter', { limit: 200, offset, sort: 'ID_DESC' });
      expect(res.status).to.equal(200);
      runs.push(...res.body);
      if (res.body.length < 200) return runs;
    }
  }

  /** The direct aggregation of `runs` for `request`, from the run fields the API derives. */
  function aggregate(runs: any[], request: HistoryRequest): Bucket[] {
    const start = Date.parse(request.historyStart);
    const end = Date.parse(request.historyEnd);
    const interval = request.historyIntervalSeconds * 1000;
    const buckets: Bucket[] = [];
    for (let s = start; s < end; s += interval) {
      buckets.push({
        intervalStart: new Date(s).toISOString(),
        intervalEnd: new Date(Math.min(s + interval, end)).toISOString(),
        states: [],
      });
    }
    for (const run of runs) {
      if (!run.stateType || !run.expectedStartTime) continue;
      if (request.flows && !request.flows.id.any.includes(run.flowId)) continue;
      if (request.flows?.name && !request.flows.name.any.includes(flowNames.get(run.flowId) ?? '')) continue;
      if (request.deployments && !request.deployments.id.any.includes(run.deploymentId)) continue;
      if (request.flowRuns && !request.flowRuns.deploymentId.any.includes(run.deploymentId)) continue;
      const expected = Date.parse(run.expectedStartTime);
      if (expected < start || expected >= end) continue;
      const bucket = buckets[Math.floor((expected - start) / interval)]!;
      let state = bucket.states.find((s) => s.stateType === run.stateType && s.stateName === run.stateName);
      if (!state) {
        state = {
          stateType: run.stateType,
          stateName: run.stateName,
          countRuns: 0,
          sumEstimatedRunTime: 0,
          sumEstimatedLateness: 0,
        };
        bucket.states.push(state);
      }
      state.countRuns += 1;
      state.sumEstimatedRunTime += run.estimatedRunTime;
      state.sumEstimatedLateness += run.estimatedStartTimeDelta;
    }
    for (const b of buckets)
      b.states.sort((a, c) => a.stateType.localeCompare(c.stateType) || a.stateName.localeCompare(c.stateName));
    return buckets;
  }

  async function history(request: HistoryRequest): Promise<Bucket[]> {
    const res = await server.api.post('/flow-runs/history', request);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body as Bucket[];
  }

  function expectSame(actual: Bucket[], expected: Bucket[], what: string): void {
    const shape = (buckets: Bucket[]) =>
      buckets.map((b) => [
        b.intervalStart,
        b.intervalEnd,
        b.states.map((s) => [s.stateType, s.stateName, s.countRuns]),
      ]);
    expect(shape(actual), what).to.deep.equal(shape(expected));
    actual.forEach((bucket, i) =>
      bucket.states.forEach((state, j) => {
        const want = expected[i]!.states[j]!;
        for (const key of ['sumEstimatedRunTime', 'sumEstimatedLateness'] as const) {
          expect(state[key], `${what}: ${bucket.intervalStart} ${state.stateName} ${key}`).to.be.closeTo(
            want[key],
            1e-6 * Math.max(1, Math.abs(want[key])),
          );
        }
      }),
    );
  }

  async function slotsRolledUp(): Promise<number> {
    const rows = await db.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM "flow_run_rollup_slot"`);
    return Number(rows[0]!.n);
  }

  async function propose(id: string, state: Record<string, unknown>, force = false): Promise<void> {
    const res = await server.api.post(`/flow-runs/${id}/set-state`, { state, force });
    expect(res.status, JSON.stringify(res.body)).to.be.oneOf([200, 201]);
  }

  it('equals the direct aggregation through random creates, transitions, retries, moves and deletes', async () => {
    const seed = Number(process.env.RIGEL_HISTORY_SEED ?? 20301);
    const rand = rng(seed); // seeded (mulberry32), so that a failing sequence can be replayed
    const pick = <T>(items: T[]): T => items[Math.floor(rand() * items.length)]!;
    const flows = [await fx.flow('etl'), await fx.flow('reports'), await fx.flow('doomed')];
    for (const flow of flows) flowNames.set(flow.id, flow.name);
    const deploy = async (name: string, flowId: string): Promise<string> => {
      const res = await server.api.post('/deployments', { name, flowId, entrypoint: 'flows/f.ts:F.run' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body.id as string;
    };
    // Runs of `etl` come from two deployments or none, runs of `reports` from one (deleted on the way) or none.
    const deploymentsOf = new Map([
      [flows[0].id, [await deploy('nightly', flows[0].id), await deploy('hourly', flows[0].id)]],
      [flows[1].id, [await deploy('weekly', flows[1].id)]],
    ]);
    const [nightly, hourly] = deploymentsOf.get(flows[0].id)!;
    const weekly = deploymentsOf.get(flows[1].id)![0]!;
    const ids: string[] = [];
    const runState = new Map<string, string>();
    const refresh = async () => {
      runState.clear();
      for (const run of await allRuns()) runState.set(run.id, run.stateType ?? 'NONE');
    };
    const ofType = (types: string[]) => ids.filter((id) => types.includes(runState.get(id) ?? ''));
    let checks = 0;
    let rolledUpChecks = 0;
    let deletedRolledUp = 0;
    const rolledUpRows = async (deploymentId: string) => {
      const rows = await db.query<{ n: unknown }>(
        `SELECT COUNT(*) AS n FROM "flow_run_rollup_flow" WHERE "deploymentId" = ?`,
        [deploymentId],
      );
      return Number(rows[0]!.n);
    };

    const operations: [number, () => Promise<void>][] = [
      // A new run: Pending, Running, Completed at once, or Scheduled hours ago (a run inserted in the past) or ahead.
      [
        6,
        async () => {
          const flow = pick(flows);
          const kind = rand();
          const body: Record<string, unknown> = { flowId: flow.id };
          const deployments = deploymentsOf.get(flow.id) ?? [];
          if (deployments.length > 0 && rand() < 0.6) body.deploymentId = pick(deployments);
          if (kind < 0.25) body.state = { type: 'RUNNING' };
          else if (kind < 0.35) body.state = { type: 'COMPLETED' };
          else if (kind < 0.75) {
            const at = now() + Math.round((rand() * 12 - 10) * HOUR);
            body.state = { type: 'SCHEDULED', stateDetails: { scheduledTime: new Date(at).toISOString() } };
          }
          ids.push((await fx.flowRun(body)).id);
        },
      ],
      // A step forward: Scheduled → Pending → Running → a final state.
      [
        6,
        async () => {
          const id = pick(ofType(['SCHEDULED', 'PENDING', 'RUNNING']).concat(ids.slice(-3)));
          if (!id) return;
          const type = runState.get(id);
          if (type === 'SCHEDULED') await propose(id, { type: 'PENDING' }, rand() < 0.3);
          else if (type === 'PENDING') await propose(id, { type: 'RUNNING' }, true);
          else if (type === 'RUNNING')
            await propose(id, { type: pick(['COMPLETED', 'COMPLETED', 'FAILED', 'CRASHED']) });
        },
      ],
      // A finished run started again (a manual retry), forced into another final state, or rescheduled.
      [
        2,
        async () => {
          const id = pick(ofType(TERMINAL));
          if (!id) return;
          const what = rand();
          if (what < 0.4) await propose(id, { type: 'RUNNING' }, true);
          else if (what < 0.8) await propose(id, { type: pick(TERMINAL) }, true);
          else
            await propose(id, {
              type: 'SCHEDULED',
              stateDetails: { scheduledTime: new Date(now() + HOUR).toISOString() },
            });
        },
      ],
      // A run's expected start time moved: no API does this; code that does marks the slots (markStaleHistory).
      [
        1,
        async () => {
          const id = pick(ofType(TERMINAL));
          if (!id) return;
          await db.transaction(async (tx) => {
            const before = (await server.services.orchestration.store.lockRun(tx, 'flow', id))!;
            const moved = new Date(before.expectedStartTime!.getTime() + Math.round((rand() * 6 - 4) * HOUR));
            const after = { ...before, expectedStartTime: moved, updated: server.clock!.now() };
            await tx.execute(`UPDATE "flow_run" SET "expectedStartTime" = ?, "updated" = ? WHERE "id" = ?`, [
              tx.codec.encodeTimestamp(moved),
              tx.codec.encodeTimestamp(after.updated),
              id,
            ]);
            markStaleHistory(tx, staleSlots(historyFields(before), after));
          });
        },
      ],
      // A finished run inserted hours after its expected start (an import; no API does this).
      [
        1,
        async () => {
          const id = pick(ofType(TERMINAL));
          if (!id) return;
          const codec = db.entity(FlowRunEntity);
          const columns = codec.columns.map((c) => `"${c}"`).join(', ');
          const values = codec.columns.map((c) => (OVERRIDDEN.includes(c) ? '?' : `"${c}"`)).join(', ');
          const t = server.clock!.now();
          const overrides: Record<string, unknown> = {
            id: randomUUID(),
            name: `imported-${runState.size}`,
            idempotencyKey: null,
            stateId: null,
            expectedStartTime: db.codec.encodeTimestamp(new Date(t.getTime() - Math.round((1 + rand() * 8) * HOUR))),
            updated: db.codec.encodeTimestamp(t),
          };
          await db.transaction((tx) =>
            tx.execute(`INSERT INTO "flow_run" (${columns}) SELECT ${values} FROM "flow_run" WHERE "id" = ?`, [
              ...codec.columns.filter((c) => OVERRIDDEN.includes(c)).map((c) => overrides[c]),
              id,
            ]),
          );
        },
      ],
      // Deletes: one run through the API, or several in one statement.
      [
        1,
        async () => {
          if (rand() < 0.5) {
            const id = pick([...runState.keys()]);
            if (!id) return;
            expect((await server.api.delete(`/flow-runs/${id}`)).status).to.equal(204);
          } else {
            const doomed = ofType(TERMINAL).slice(0, 3);
            if (doomed.length === 0) return;
            await db.transaction((tx) =>
              tx.execute(`DELETE FROM "flow_run" WHERE "id" IN (${doomed.map(() => '?').join(', ')})`, doomed),
            );
          }
        },
      ],
    ];
    const weights = operations.reduce((n, [w]) => n + w, 0);
    // Finished runs of the deployment deleted on the way, so that the roll-up holds some of its runs then
    // (left out of `ids`: only the single delete may pick them).
    for (let i = 0; i < 3; i++) {
      await fx.flowRun({ flowId: flows[1].id, deploymentId: weekly, state: { type: 'COMPLETED' } });
    }
    await refresh();

    const check = async (label: string) => {
      const runs = await allRuns();
      const t = now();
      const requests: [string, HistoryRequest][] = [
        ['24 h by 30 min', homeWindow(t, 24 * HOUR, 1800)],
        ['7 d by 6 h', homeWindow(t, 7 * 24 * HOUR, 6 * 3600)],
        ['30 d by 1 d', homeWindow(t, 30 * 24 * HOUR, 86_400)],
      ];
      const start = t - Math.round(rand() * 20 * HOUR) - Math.floor(rand() * 1000);
      const end = t + Math.round((rand() - 0.5) * 3 * HOUR);
      const interval = pick([600, 1800, 2700, 3600, 5400, 7 * 3600 + 123]);
      if (end > start) {
        requests.push([
          `${new Date(start).toISOString()}..${new Date(end).toISOString()} by ${interval} s`,
          {
            historyStart: new Date(start).toISOString(),
            historyEnd: new Date(end).toISOString(),
            historyIntervalSeconds: interval,
          },
        ]);
      }
      // The flow and deployment pages' filters (from the roll-up by flow), and filters it cannot serve.
      const day = homeWindow(t, 24 * HOUR, 1800);
      const week = homeWindow(t, 7 * 24 * HOUR, 6 * 3600);
      requests.push(
        ['24 h of one flow', { ...day, flows: { id: { any: [flows[0].id] } } }],
        ['7 d of another flow', { ...week, flows: { id: { any: [flows[1].id] } } }],
        ['24 h of two flows', { ...day, flows: { id: { any: flows.slice(0, 2).map((f) => f.id) } } }],
        ['24 h of a deployment', { ...day, flowRuns: { deploymentId: { any: [nightly!] } } }],
        ['7 d of two deployments', { ...week, deployments: { id: { any: [hourly!, weekly] } } }],
        [
          '24 h of a flow and a deployment',
          { ...day, flows: { id: { any: [flows[0].id] } }, flowRuns: { deploymentId: { any: [hourly!] } } },
        ],
        ['24 h of no flow', { ...day, flows: { id: { any: [] } } }],
        [
          '24 h of a flow by id and name (read from the runs)',
          { ...day, flows: { id: { any: [flows[0].id] }, name: { any: ['etl'] } } },
        ],
      );
      for (const [what, request] of requests) {
        expectSame(await history(request), aggregate(runs, request), `${label}, ${what} (seed ${seed})`);
      }
      checks++;
      if ((await slotsRolledUp()) > 0) rolledUpChecks++;
    };

    for (let step = 0; now() < T0 + 15 * HOUR; step++) {
      for (let i = 0; i < 3; i++) {
        let r = rand() * weights;
        const operation = operations.find(([w]) => (r -= w) < 0)!;
        await operation[1]();
        await refresh();
      }
      // A deleted deployment: its runs lose their deployment (ON DELETE SET NULL), marking nothing. Once
      // the roll-up holds some of its runs (or at step 30).
      if (deploymentsOf.has(flows[1].id) && step >= 3 && ((await rolledUpRows(weekly)) > 0 || step >= 30)) {
        deletedRolledUp = await rolledUpRows(weekly);
        expect((await server.api.delete(`/deployments/${weekly}`)).status).to.equal(204);
        deploymentsOf.delete(flows[1].id);
        await refresh();
      }
      if (step === 20) {
        // A cascade: the flow goes, and every run of it with it.
        expect((await server.api.delete(`/flows/${flows[2].id}`)).status).to.equal(204);
        flows.pop();
        await refresh();
      }
      if (step % 2 === 1) await check(`step ${step} at ${server.clock!.now().toISOString()}`);
      // Minutes to an hour, sometimes exactly a half hour (runs on slot boundaries).
      server.clock!.advance(rand() < 0.2 ? 1800 : Math.round(rand() * 3000) + 0.001 * Math.floor(rand() * 1000));
    }
    expect(checks).to.be.greaterThan(10);
    // Most checks read part of the window from the roll-up.
    expect(rolledUpChecks).to.be.greaterThan(checks / 2);
    // The deleted deployment had runs in the roll-up: its filtered answers then came from the runs alone.
    expect(deletedRolledUp, `rolled-up rows of the deleted deployment (seed ${seed})`).to.be.greaterThan(0);
  });

  it('answers from the roll-up, and rolls up again a slot that a late change made stale', async () => {
    const flow = await fx.flow('etl');
    const early = await fx.flowRun({ flowId: flow.id, state: { type: 'RUNNING' } });
    server.clock!.advance(60);
    await propose(early.id, { type: 'COMPLETED' });
    const late = await fx.flowRun({ flowId: flow.id, state: { type: 'RUNNING' } });
    server.clock!.set(new Date(T0 + SETTLE_MS + 2 * SLOT_MS));
    const request = homeWindow(now(), 24 * HOUR, 1800);
    const slot0 = (buckets: Bucket[]) => buckets.find((b) => b.intervalStart === new Date(T0).toISOString())!.states;

    expect(slot0(await history(request)).map((s) => [s.stateType, s.countRuns])).to.deep.equal([
      ['COMPLETED', 1],
      ['RUNNING', 1],
    ]);
    expect(await slotsRolledUp()).to.be.greaterThan(0);
    // The answer comes from the roll-up: a changed roll-up row shows.
    await db.transaction((tx) => tx.execute(`UPDATE "flow_run_rollup" SET "countRuns" = 7 WHERE "slot" = ?`, [T0]));
    expect(slot0(await history(request)).map((s) => s.countRuns)).to.deep.equal([7, 1]);

    // The late run finishes more than an hour after its expected start: its slot is marked stale, and
    // the answer (read and then rolled up again) is exact.
    await propose(late.id, { type: 'FAILED' });
    const stale = await db.query<{ slot: unknown }>(`SELECT "slot" FROM "flow_run_rollup_stale"`);
    expect(stale.map((row) => Number(row.slot))).to.deep.equal([T0]);
    expect(slot0(await history(request)).map((s) => [s.stateType, s.countRuns])).to.deep.equal([
      ['COMPLETED', 1],
      ['FAILED', 1],
    ]);
    expect(await db.query(`SELECT "slot" FROM "flow_run_rollup_stale"`)).to.deep.equal([]);
    const rows = await db.query<{ stateType: string; countRuns: unknown }>(
      `SELECT "stateType", "countRuns" FROM "flow_run_rollup" WHERE "slot" = ? ORDER BY "stateType"`,
      [T0],
    );
    expect(rows.map((r) => [r.stateType, Number(r.countRuns)])).to.deep.equal([
      ['COMPLETED', 1],
      ['FAILED', 1],
    ]);
  });

  it('answers a flow or deployment filter from the roll-up by flow, and any other filter from the runs', async () => {
    const [etl, reports] = [await fx.flow('etl'), await fx.flow('reports')];
    const res = await server.api.post('/deployments', { name: 'nightly', flowId: etl.id, entrypoint: 'f.ts:F.run' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const deploymentId = res.body.id as string;
    await fx.flowRun({ flowId: etl.id, deploymentId, state: { type: 'COMPLETED' } });
    await fx.flowRun({ flowId: etl.id, state: { type: 'FAILED' } });
    await fx.flowRun({ flowId: reports.id, state: { type: 'COMPLETED' } });
    server.clock!.set(new Date(T0 + SETTLE_MS + 2 * SLOT_MS));
    const day = homeWindow(now(), 24 * HOUR, 1800);
    const slot0 = async (filter: Record<string, unknown>) =>
      (await history({ ...day, ...filter }))
        .find((b) => b.intervalStart === new Date(T0).toISOString())!
        .states.map((s) => [s.stateType, s.countRuns]);
    const byFlow = { flows: { id: { any: [etl.id] } } };
    const byDeployment = { flowRuns: { deploymentId: { any: [deploymentId] } } };

    expect(await slot0(byFlow)).to.deep.equal([
      ['COMPLETED', 1],
      ['FAILED', 1],
    ]);
    expect(await slot0(byDeployment)).to.deep.equal([['COMPLETED', 1]]);
    expect(await slot0({})).to.deep.equal([
      ['COMPLETED', 2],
      ['FAILED', 1],
    ]);
    // The answers come from the roll-up by flow: a changed row shows in the filtered answers only.
    await db.transaction((tx) =>
      tx.execute(`UPDATE "flow_run_rollup_flow" SET "countRuns" = 7 WHERE "flowId" = ? AND "deploymentId" = ?`, [
        etl.id,
        deploymentId,
      ]),
    );
    expect(await slot0(byFlow)).to.deep.equal([
      ['COMPLETED', 7],
      ['FAILED', 1],
    ]);
    expect(await slot0({ deployments: { id: { any: [deploymentId] } } })).to.deep.equal([['COMPLETED', 7]]);
    expect(await slot0({})).to.deep.equal([
      ['COMPLETED', 2],
      ['FAILED', 1],
    ]);
    // Filters the roll-up does not serve read the runs.
    expect(await slot0({ flows: { id: { any: [etl.id] }, name: { any: ['etl'] } } })).to.deep.equal([
      ['COMPLETED', 1],
      ['FAILED', 1],
    ]);
    const completed = { state: { type: { any: ['COMPLETED'] } } };
    expect(await slot0({ flowRuns: { deploymentId: { any: [deploymentId] }, ...completed } })).to.deep.equal([
      ['COMPLETED', 1],
    ]);
    expect(await slot0({ flowRuns: { deploymentId: { isNull: true } } })).to.deep.equal([
      ['COMPLETED', 1],
      ['FAILED', 1],
    ]);
    // A deleted deployment leaves its runs to the flow alone, without marking anything.
    expect((await server.api.delete(`/deployments/${deploymentId}`)).status).to.equal(204);
    expect(await db.query(`SELECT "slot" FROM "flow_run_rollup_stale"`)).to.deep.equal([]);
    expect(await slot0(byDeployment)).to.deep.equal([]);
    expect(await slot0(byFlow)).to.deep.equal([
      ['COMPLETED', 7],
      ['FAILED', 1],
    ]);
  });

  it('a run that finishes within the hour marks nothing', async () => {
    const flow = await fx.flow('etl');
    const run = await fx.flowRun({ flowId: flow.id, state: { type: 'RUNNING' } });
    server.clock!.advance(3599);
    await propose(run.id, { type: 'COMPLETED' });
    expect(await db.query(`SELECT "slot" FROM "flow_run_rollup_stale"`)).to.deep.equal([]);
  });

  it('the background loop fills the closed slots since the first run, after which a request writes nothing', async () => {
    const flow = await fx.flow('etl');
    await fx.flowRun({ flowId: flow.id, state: { type: 'COMPLETED' } });
    server.clock!.advance(5 * 3600);
    const loop = new HistoryRollupService(server.services.flowRunHistory, server.clock!.now, 60, () => undefined);
    await loop.runOnce();
    const closedEnd = Math.floor((now() - SETTLE_MS) / SLOT_MS) * SLOT_MS;
    // From the first run's slot (the empty past before it is not stored) to the closed end.
    expect(await slotsRolledUp()).to.equal((closedEnd - T0) / SLOT_MS);
    const newest = await db.query<{ slot: unknown }>(`SELECT MAX("slot") AS "slot" FROM "flow_run_rollup_slot"`);
    expect(Number(newest[0]!.slot)).to.equal(closedEnd - SLOT_MS);
    const before = await rowCounts(db);
    const buckets = await history(homeWindow(now(), 30 * 24 * HOUR, 86_400));
    expect(buckets.flatMap((b) => b.states.map((s) => s.countRuns))).to.deep.equal([1]);
    expect(await rowCounts(db)).to.deep.equal(before);
  });

  it('refreshes safely when several processes do it at once', async () => {
    const flow = await fx.flow('etl');
    for (let i = 0; i < 5; i++) {
      await fx.flowRun({ flowId: flow.id, state: { type: pick(i) } });
      server.clock!.advance(1800);
    }
    server.clock!.advance(3 * 3600);
    const others = [0, 1, 2].map(() => new FlowRunHistoryService(db, server.clock!.now));
    const to = Math.floor((now() - SETTLE_MS) / SLOT_MS) * SLOT_MS;
    await Promise.all(others.map((h) => h.refresh(T0 - 2 * 86_400_000, to)));
    const rows = await db.query<{ n: unknown }>(
      `SELECT SUM("countRuns") AS n FROM "flow_run_rollup" WHERE "slot" < ?`,
      [to],
    );
    const runs = (await allRuns()).filter(
      (r) => TERMINAL.includes(r.state.type) && Date.parse(r.expectedStartTime) < to,
    );
    expect(runs).to.have.length(4);
    expect(Number(rows[0]!.n)).to.equal(4);
    expect(await slotsRolledUp()).to.equal((to - T0) / SLOT_MS);

    function pick(i: number): string {
      return ['COMPLETED', 'FAILED', 'RUNNING', 'CRASHED', 'COMPLETED'][i]!;
    }
  });
});
