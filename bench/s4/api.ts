/** The few API calls scenario S4 makes, typed just enough for the checks. */
import { randomUUID } from 'node:crypto';
import type { JsonClient } from '../lib/http';

export type RunKind = 'flow' | 'task';
export type Status = 'ACCEPT' | 'REJECT' | 'WAIT' | 'ABORT';

export interface ApiState {
  id: string;
  type: string;
  name: string;
  timestamp: string;
  stateDetails: Record<string, unknown>;
}

export interface ApiResult {
  status: Status;
  state: ApiState | null;
}

export interface CreatedRun {
  id: string;
  state: ApiState;
}

export interface SetStateResponse {
  httpStatus: number;
  result: ApiResult;
}

const RUNS: Record<RunKind, string> = { flow: '/flow-runs', task: '/task-runs' };

function expectStatus(what: string, status: number, body: unknown, allowed: number[]): void {
  if (!allowed.includes(status)) throw new Error(`${what} answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
}

export async function createFlow(client: JsonClient, name: string): Promise<string> {
  const { status, body } = await client.post<{ id: string }>('/flows', { name });
  expectStatus('POST /flows', status, body, [200, 201]);
  return body.id;
}

/** A flow run in `state` (default: SCHEDULED a second ago, so it may start at once). */
export async function createFlowRun(
  client: JsonClient,
  flowId: string,
  state: Record<string, unknown> = { type: 'SCHEDULED', stateDetails: { scheduledTime: pastTime() } },
): Promise<CreatedRun> {
  const { status, body } = await client.post<CreatedRun>('/flow-runs', { flowId, state, tags: ['bench'] });
  expectStatus('POST /flow-runs', status, body, [201]);
  return body;
}

/** A task run of `flowRunId` in its default first state (PENDING). */
export async function createTaskRun(client: JsonClient, flowRunId: string, dynamicKey: string): Promise<CreatedRun> {
  const { status, body } = await client.post<CreatedRun>('/task-runs', {
    flowRunId,
    taskKey: 'bench-task',
    dynamicKey,
  });
  expectStatus('POST /task-runs', status, body, [201]);
  return body;
}

export function pastTime(): string {
  return new Date(Date.now() - 1000).toISOString();
}

/** A proposal as an SDK would send it: a transition id for safe re-sends, a result reference on COMPLETED. */
export function proposal(type: string, transitionId: string = randomUUID()): Record<string, unknown> {
  const state: Record<string, unknown> = { type, stateDetails: { transitionId } };
  if (type === 'COMPLETED') state.data = { type: 'reference', storageKey: `results/${transitionId}.json` };
  return { state };
}

export async function setState(
  client: JsonClient,
  kind: RunKind,
  runId: string,
  body: Record<string, unknown>,
): Promise<SetStateResponse> {
  const { status, body: result } = await client.post<ApiResult>(`${RUNS[kind]}/${runId}/set-state`, body);
  expectStatus(`POST ${RUNS[kind]}/:id/set-state`, status, result, [200, 201]);
  return { httpStatus: status, result };
}
