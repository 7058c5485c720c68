/**
 * Helpers for API specs: the error-body assertion, fixtures created over HTTP, and a row count of every
 * table so a refused request can be shown to have written nothing.
 */
import { expect } from 'chai';
import type { Database } from '@rigel/server';
import { SPEC_TABLES } from './database';
import type { ApiClient, ApiResponse } from './server';

/** A well-formed UUID that no object has. */
export const MISSING_ID = '00000000-0000-4000-8000-000000000000';

export interface ErrorDetail {
  field: string;
  message: string;
}

/** Asserts `{ error: { code, message, details } }` with `status`, and (when given) a detail naming `field`. */
export function expectError(res: ApiResponse<any>, status: number, code: string, field?: string): ErrorDetail[] {
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  expect(res.headers.get('content-type')).to.match(/^application\/json/);
  expect(res.body).to.have.nested.property('error.code', code);
  expect(res.body.error.message).to.be.a('string').that.is.not.empty;
  const details: ErrorDetail[] = res.body.error.details ?? [];
  if (field !== undefined) {
    expect(
      details.map((d) => d.field),
      res.body.error.message,
    ).to.include(field);
    expect(res.body.error.message).to.include(field);
  }
  return details;
}

/** Rows per table: what a refused request must leave unchanged. */
export async function rowCounts(db: Database): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of SPEC_TABLES) {
    const rows = await db.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM "${table}"`);
    counts[table] = Number(rows[0]?.n ?? 0);
  }
  return counts;
}

/** Runs `request` and asserts that no table gained or lost a row; returns the response. */
export async function expectNothingWritten(
  db: Database,
  request: () => Promise<ApiResponse<any>>,
): Promise<ApiResponse<any>> {
  const before = await rowCounts(db);
  const res = await request();
  expect(await rowCounts(db), `rows after ${res.status} ${JSON.stringify(res.body)}`).to.deep.equal(before);
  return res;
}

/** Objects created through the API, asserting each creation succeeded. */
export class Fixtures {
  constructor(private readonly api: ApiClient) {}

  async flow(name = 'spec-flow', tags: string[] = []): Promise<any> {
    const res = await this.api.post('/flows', { name, tags });
    expect(res.status, JSON.stringify(res.body)).to.be.oneOf([200, 201]);
    return res.body;
  }

  async flowRun(body: Record<string, unknown> = {}): Promise<any> {
    const flowId = body.flowId ?? (await this.flow()).id;
    const res = await this.api.post('/flow-runs', { flowId, ...body });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  }

  /** A flow run already RUNNING (so its task runs may start). */
  async runningFlowRun(body: Record<string, unknown> = {}): Promise<any> {
    return this.flowRun({ ...body, state: { type: 'RUNNING' } });
  }

  async taskRun(flowRunId: string | undefined, body: Record<string, unknown> = {}): Promise<any> {
    const res = await this.api.post('/task-runs', { flowRunId, taskKey: 'spec-task', dynamicKey: '0', ...body });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  }

  /** Proposes `state` (forced when asked) and asserts it was written. */
  async setState(kind: 'flow' | 'task', id: string, state: Record<string, unknown>, force = false): Promise<any> {
    const res = await this.api.post(`/${kind}-runs/${id}/set-state`, { state, force });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  }
}
