/**
 * The requests the dashboard sends to render its pages (dashboard/src/app: the list pages' `query()`
 * calls, `Names.load`, the home page, the flow-run page's run, graph, task runs, logs, states and
 * decisions), with the same bodies, timed one at a time.
 */
import { JsonClient } from '../lib/http';
import { summarize, type LatencySummary } from '../lib/stats';
import type { S6Fixture } from './populate';

export interface DashboardRequest {
  page: string;
  label: string;
  method: 'GET' | 'POST';
  path: string;
  body?: () => unknown;
}

export interface RequestTiming extends LatencySummary {
  page: string;
  label: string;
  path: string;
  /** What the first answer held: a count, or the number of rows. */
  answer: string;
}

const HOUR = 3_600_000;
const HALF_HOUR = 1_800_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** The flow-run list's bodies (flow-run-list-params.ts `pageBody` / `filterBody`). */
function flowRunList(
  label: string,
  filter: Record<string, unknown>,
  { sort = 'EXPECTED_START_TIME_DESC', page = 1, size = 25 } = {},
): DashboardRequest[] {
  return [
    {
      page: '/flow-runs',
      label,
      method: 'POST',
      path: '/flow-runs/filter',
      body: () => ({ ...filter, sort, limit: size, offset: (page - 1) * size }),
    },
    {
      page: '/flow-runs',
      label: `${label}: count`,
      method: 'POST',
      path: '/flow-runs/count',
      // flow-run-list-params.ts countBody: counting stops one past max(10,000, the rows up to this page).
      body: () => ({ ...filter, limit: Math.max(10_000, page * size) + 1 }),
    },
  ];
}

export function dashboardRequests(fixture: S6Fixture, tag: string, search: string): DashboardRequest[] {
  const flow = fixture.flows[Math.min(5, fixture.flows.length - 1)]!;
  const deployment = fixture.deployments[0]!;
  const flowIds = fixture.flows.slice(0, 10).map((f) => f.id);
  const deploymentIds = fixture.deployments.slice(0, 10).map((d) => d.id);
  const since = () => iso(Date.now() - 24 * HOUR);
  const runDetail = (page: string, id: string): DashboardRequest[] => [
    { page, label: 'run', method: 'GET', path: `/flow-runs/${id}` },
    { page, label: 'graph', method: 'GET', path: `/flow-runs/${id}/graph` },
    {
      page,
      label: 'task runs (page 1 of 50)',
      method: 'POST',
      path: '/task-runs/filter',
      body: () => ({ taskRuns: { flowRunId: { any: [id] } }, sort: 'EXPECTED_START_TIME_ASC', limit: 50, offset: 0 }),
    },
    {
      page,
      label: 'task runs: count',
      method: 'POST',
      path: '/task-runs/count',
      body: () => ({ taskRuns: { flowRunId: { any: [id] } } }),
    },
    {
      page,
      label: 'logs (latest 200)',
      method: 'POST',
      path: '/logs/filter',
      body: () => ({ logs: { flowRunId: { any: [id] }, level: { ge: 20 } }, sort: 'TIMESTAMP_DESC', limit: 200 }),
    },
    { page, label: 'states', method: 'GET', path: `/flow-run-states?flowRunId=${id}` },
    { page, label: 'decisions', method: 'GET', path: `/flow-runs/${id}/decisions` },
  ];
  const homeCount = (label: string, flowRuns: () => Record<string, unknown>): DashboardRequest => ({
    page: '/',
    label,
    method: 'POST',
    path: '/flow-runs/count',
    body: () => ({ flowRuns: flowRuns() }),
  });
  // As the home page asks: the window starts on a half hour (the server's roll-up grain), unless `exact`.
  // The flow and deployment pages ask the same for their own runs (a filter), over 7 days by 6 hours.
  const history = (
    label: string,
    windowMs: number,
    interval: number,
    exact = false,
    page = '/',
    filter: Record<string, unknown> = {},
  ): DashboardRequest => ({
    page,
    label,
    method: 'POST',
    path: '/flow-runs/history',
    body: () => {
      const now = Date.now();
      const start = exact ? now - windowMs : Math.floor(now / HALF_HOUR) * HALF_HOUR + HALF_HOUR - windowMs;
      return { ...filter, historyStart: iso(start), historyEnd: iso(now), historyIntervalSeconds: interval };
    },
  });
  const busiest = fixture.flows[0]!;
  return [
    // /flow-runs
    ...flowRunList('default view', {}),
    {
      page: '/flow-runs',
      label: 'flows for the filter',
      method: 'POST',
      path: '/flows/filter',
      body: () => ({ sort: 'NAME_ASC', limit: 200 }),
    },
    {
      page: '/flow-runs',
      label: 'deployments for the filter',
      method: 'POST',
      path: '/deployments/filter',
      body: () => ({ sort: 'NAME_ASC', limit: 200 }),
    },
    {
      page: '/flow-runs',
      label: 'names of the flows shown',
      method: 'POST',
      path: '/flows/filter',
      body: () => ({ flows: { id: { any: flowIds } }, limit: flowIds.length }),
    },
    {
      page: '/flow-runs',
      label: 'names of the deployments shown',
      method: 'POST',
      path: '/deployments/filter',
      body: () => ({ deployments: { id: { any: deploymentIds } }, limit: deploymentIds.length }),
    },
    ...flowRunList('page 2', {}, { page: 2 }),
    ...flowRunList('state Failed', { flowRuns: { state: { type: { any: ['FAILED'] } } } }),
    ...flowRunList('state Failed, page 200', { flowRuns: { state: { type: { any: ['FAILED'] } } } }, { page: 200 }),
    ...flowRunList('state Running', { flowRuns: { state: { type: { any: ['RUNNING'] } } } }),
    ...flowRunList('states Failed + Crashed', { flowRuns: { state: { type: { any: ['FAILED', 'CRASHED'] } } } }),
    // The home page's "Failed or crashed" link (window 24 h).
    ...flowRunList('states Failed + Crashed, past 24 hours', {
      flowRuns: {
        state: { type: { any: ['FAILED', 'CRASHED'] } },
        expectedStartTime: { after: iso(Date.now() - 24 * HOUR) },
      },
    }),
    ...flowRunList(`flow ${flow.name}`, { flows: { name: { any: [flow.name] } } }),
    ...flowRunList('deployment', { flowRuns: { deploymentId: { any: [deployment.id] } } }),
    ...flowRunList(`tag ${tag}`, { flowRuns: { tags: { all: [tag] } } }),
    ...flowRunList(`name contains "${search}"`, { flowRuns: { name: { like: search } } }),
    ...flowRunList('past 24 hours', { flowRuns: { expectedStartTime: { after: iso(Date.now() - 24 * HOUR) } } }),
    ...flowRunList('sort oldest first', {}, { sort: 'EXPECTED_START_TIME_ASC' }).slice(0, 1),
    ...flowRunList('sort recently started', {}, { sort: 'START_TIME_DESC' }).slice(0, 1),
    ...flowRunList('sort recently finished', {}, { sort: 'END_TIME_DESC' }).slice(0, 1),
    ...flowRunList('sort name', {}, { sort: 'NAME_ASC' }).slice(0, 1),
    // / (home, default window 24 hours)
    {
      page: '/',
      label: 'count: any (is there a run at all)',
      method: 'POST',
      path: '/flow-runs/count',
      body: () => ({ limit: 1 }),
    },
    homeCount('count: running', () => ({ state: { type: { any: ['RUNNING'] } } })),
    homeCount('count: late', () => ({ state: { name: { any: ['Late'] } } })),
    homeCount('count: failed (24 h)', () => ({
      state: { type: { any: ['FAILED', 'CRASHED'] } },
      expectedStartTime: { after: since() },
    })),
    homeCount('count: upcoming (24 h)', () => ({
      state: { type: { any: ['SCHEDULED'] } },
      expectedStartTime: { after: iso(Date.now()), before: iso(Date.now() + 24 * HOUR) },
    })),
    history('history 24 h', 24 * HOUR, 1800),
    history('history 7 d', 7 * 24 * HOUR, 6 * 3600),
    history('history 30 d', 30 * 24 * HOUR, 86_400),
    history('history 30 d, start not on a half hour', 30 * 24 * HOUR, 86_400, true),
    {
      page: '/',
      label: 'recent failures',
      method: 'POST',
      path: '/flow-runs/filter',
      body: () => ({
        flowRuns: { state: { type: { any: ['FAILED', 'CRASHED'] } }, expectedStartTime: { after: since() } },
        sort: 'END_TIME_DESC',
        limit: 5,
      }),
    },
    // /flows, /deployments, /work-pools, /concurrency-limits
    {
      page: '/flows',
      label: 'list',
      method: 'POST',
      path: '/flows/filter',
      body: () => ({ sort: 'NAME_ASC', limit: 25, offset: 0 }),
    },
    { page: '/flows', label: 'count', method: 'POST', path: '/flows/count', body: () => ({}) },
    {
      page: '/deployments',
      label: 'list',
      method: 'POST',
      path: '/deployments/filter',
      body: () => ({ sort: 'NAME_ASC', limit: 25, offset: 0 }),
    },
    { page: '/deployments', label: 'count', method: 'POST', path: '/deployments/count', body: () => ({}) },
    { page: '/work-pools', label: 'list', method: 'POST', path: '/work-pools/filter', body: () => ({ limit: 200 }) },
    {
      page: '/concurrency-limits',
      label: 'list',
      method: 'POST',
      path: '/concurrency-limits/filter',
      body: () => ({ limit: 200 }),
    },
    {
      page: '/flows/:id',
      label: 'latest runs of the flow',
      method: 'POST',
      path: '/flow-runs/filter',
      body: () => ({ flows: { id: { any: [flow.id] } }, sort: 'EXPECTED_START_TIME_DESC', limit: 10 }),
    },
    history('activity 7 d', 7 * 24 * HOUR, 6 * 3600, false, '/flows/:id', { flows: { id: { any: [flow.id] } } }),
    history('activity 7 d, busiest flow', 7 * 24 * HOUR, 6 * 3600, false, '/flows/:id', {
      flows: { id: { any: [busiest.id] } },
    }),
    // Not a page's request: the busiest flow over the home page's longest window.
    history('activity 30 d, busiest flow', 30 * 24 * HOUR, 86_400, false, '/flows/:id', {
      flows: { id: { any: [busiest.id] } },
    }),
    history('activity 7 d', 7 * 24 * HOUR, 6 * 3600, false, '/deployments/:id', {
      flowRuns: { deploymentId: { any: [deployment.id] } },
    }),
    ...runDetail('/flow-runs/:id (5 tasks)', fixture.sampleRunId),
    ...runDetail('/flow-runs/:id (10,000 tasks)', fixture.bigRunId),
  ];
}

function describe(body: unknown): string {
  if (typeof body === 'number') return body.toLocaleString('en-US');
  if (Array.isArray(body)) return `${body.length} rows`;
  if (body && typeof body === 'object' && 'taskRuns' in body) {
    return `${(body as { taskRuns: unknown[] }).taskRuns.length} nodes`;
  }
  return 'object';
}

/** Times each request `repeats` times (after one warm-up), one at a time. */
export async function timeRequests(
  apiUrl: string,
  requests: DashboardRequest[],
  repeats: number,
  log: (line: string) => void,
): Promise<RequestTiming[]> {
  const client = new JsonClient(apiUrl, 4);
  const out: RequestTiming[] = [];
  try {
    for (const r of requests) {
      const send = () => (r.method === 'GET' ? client.get<unknown>(r.path) : client.post<unknown>(r.path, r.body!()));
      const first = await send();
      if (first.status !== 200) {
        throw new Error(
          `${r.method} ${r.path} (${r.page} ${r.label}) answered ${first.status}: ${JSON.stringify(first.body)}`,
        );
      }
      const latencies: number[] = [];
      for (let i = 0; i < repeats; i++) {
        const t0 = performance.now();
        await send();
        latencies.push(performance.now() - t0);
      }
      const timing = {
        page: r.page,
        label: r.label,
        path: r.path,
        answer: describe(first.body),
        ...summarize(latencies),
      };
      log(
        `    ${r.page} ${r.label}: p50 ${timing.p50.toFixed(1)} ms, p99 ${timing.p99.toFixed(1)} ms (${timing.answer})`,
      );
      out.push(timing);
    }
  } finally {
    client.close();
  }
  return out;
}
