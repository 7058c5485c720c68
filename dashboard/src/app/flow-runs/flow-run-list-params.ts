/**
 * The flow-run list's filters, sort and page as URL query parameters (so a view can be shared), and as
 * the body of `POST /api/flow-runs/filter|count`. Pure functions: the list page and its specs use them.
 */
import { isStateType, type StateType } from '@rigel/server/schemas/states';

export const SORTS = {
  EXPECTED_START_TIME_DESC: 'Newest first (expected start)',
  EXPECTED_START_TIME_ASC: 'Oldest first (expected start)',
  START_TIME_DESC: 'Recently started',
  END_TIME_DESC: 'Recently finished',
  NAME_ASC: 'Name (A–Z)',
} as const;
export type Sort = keyof typeof SORTS;

export const WINDOWS = {
  all: 'Any time',
  '1h': 'Past hour',
  '24h': 'Past 24 hours',
  '7d': 'Past 7 days',
  '30d': 'Past 30 days',
} as const;
export type TimeWindow = keyof typeof WINDOWS;
const WINDOW_MS: Record<Exclude<TimeWindow, 'all'>, number> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

export const PAGE_SIZES = [10, 25, 50, 100] as const;

export interface FlowRunListParams {
  states: StateType[];
  flow: string | null;
  deployment: string | null;
  tags: string[];
  window: TimeWindow;
  search: string;
  sort: Sort;
  page: number;
  size: number;
}

export const DEFAULT_PARAMS: FlowRunListParams = {
  states: [],
  flow: null,
  deployment: null,
  tags: [],
  window: 'all',
  search: '',
  sort: 'EXPECTED_START_TIME_DESC',
  page: 1,
  size: 25,
};

type Query = Record<string, string | null | undefined>;

const list = (value: string | null | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function paramsFromQuery(q: Query): FlowRunListParams {
  const page = Number(q['page']);
  const size = Number(q['size']);
  return {
    states: list(q['state'])
      .map((s) => s.toUpperCase())
      .filter(isStateType),
    flow: q['flow'] || null,
    deployment: q['deployment'] || null,
    tags: list(q['tags']),
    window: q['window'] && q['window'] in WINDOWS ? (q['window'] as TimeWindow) : DEFAULT_PARAMS.window,
    search: q['q'] ?? '',
    sort: q['sort'] && q['sort'] in SORTS ? (q['sort'] as Sort) : DEFAULT_PARAMS.sort,
    page: Number.isInteger(page) && page > 0 ? page : 1,
    size: (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_PARAMS.size,
  };
}

/** Query parameters for `params`; defaults are left out (null removes them from the URL). */
export function queryFromParams(p: FlowRunListParams): Record<string, string | null> {
  const d = DEFAULT_PARAMS;
  return {
    state: p.states.length ? p.states.join(',') : null,
    flow: p.flow,
    deployment: p.deployment,
    tags: p.tags.length ? p.tags.join(',') : null,
    window: p.window === d.window ? null : p.window,
    q: p.search || null,
    sort: p.sort === d.sort ? null : p.sort,
    page: p.page === 1 ? null : String(p.page),
    size: p.size === d.size ? null : String(p.size),
  };
}

export function hasFilters(p: FlowRunListParams): boolean {
  return p.states.length > 0 || !!p.flow || !!p.deployment || p.tags.length > 0 || p.window !== 'all' || !!p.search;
}

/** The filter part of a filter/count request (api.md "Conventions"). */
export function filterBody(p: FlowRunListParams, now = Date.now()): Record<string, unknown> {
  const flowRuns: Record<string, unknown> = {};
  if (p.states.length) flowRuns['state'] = { type: { any: p.states } };
  if (p.tags.length) flowRuns['tags'] = { all: p.tags };
  if (p.search) flowRuns['name'] = { like: p.search };
  if (p.window !== 'all') {
    flowRuns['expectedStartTime'] = { after: new Date(now - WINDOW_MS[p.window]).toISOString() };
  }
  if (p.deployment) flowRuns['deploymentId'] = { any: [p.deployment] };
  const body: Record<string, unknown> = {};
  if (Object.keys(flowRuns).length) body['flowRuns'] = flowRuns;
  if (p.flow) body['flows'] = { name: { any: [p.flow] } };
  return body;
}

/**
 * Counting stops past this many runs (the pager shows "10,000+"), so the total costs the same on any
 * database; on later pages the count goes one past the page, so "Next" still knows there is more.
 */
export const COUNT_LIMIT = 10_000;

/** The `limit` of the count for `p`: a total equal to it means "at least limit - 1, and more". */
export function countLimit(p: FlowRunListParams): number {
  return Math.max(COUNT_LIMIT, p.page * p.size) + 1;
}

/** The body of `POST /api/flow-runs/count` for `p`. */
export function countBody(p: FlowRunListParams, now = Date.now()): Record<string, unknown> {
  return { ...filterBody(p, now), limit: countLimit(p) };
}

/** The body of `POST /api/flow-runs/filter` for the page `p` shows. */
export function pageBody(p: FlowRunListParams, now = Date.now()): Record<string, unknown> {
  return { ...filterBody(p, now), sort: p.sort, limit: p.size, offset: (p.page - 1) * p.size };
}
