/**
 * The REST API (api.md) as typed calls. Every list is `POST …/filter` with a bounded `limit`, and every
 * total is `POST …/count`, so no request grows with the size of the database.
 */
import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { catchError, type Observable, throwError } from 'rxjs';
import { ApiError } from './api-error';
import type {
  ConcurrencyLimit,
  Deployment,
  Flow,
  FlowRun,
  FlowRunGraph,
  HistoryBucket,
  LogLine,
  OrchestrationDecision,
  OrchestrationResult,
  State,
  StateType,
  TaskRun,
  WorkPool,
  WorkQueue,
  Worker,
} from './models';
import { Settings } from './settings';

export type RunKind = 'flow' | 'task';
export type Body = Record<string, unknown>;

export interface StateProposal {
  type: StateType;
  name?: string;
  message?: string;
  stateDetails?: Record<string, unknown>;
}

@Injectable({ providedIn: 'root' })
export class ApiClient {
  private readonly http = inject(HttpClient);
  private readonly settings = inject(Settings);

  private url(path: string): string {
    return `${this.settings.apiBase()}${path}`;
  }

  get<T>(path: string): Observable<T> {
    return this.http.get<T>(this.url(path)).pipe(catchError((e: unknown) => throwError(() => ApiError.from(e))));
  }

  post<T>(path: string, body: unknown = {}): Observable<T> {
    return this.http.post<T>(this.url(path), body).pipe(catchError((e: unknown) => throwError(() => ApiError.from(e))));
  }

  patch<T>(path: string, body: unknown): Observable<T> {
    return this.http
      .patch<T>(this.url(path), body)
      .pipe(catchError((e: unknown) => throwError(() => ApiError.from(e))));
  }

  delete(path: string): Observable<void> {
    return this.http.delete<void>(this.url(path)).pipe(catchError((e: unknown) => throwError(() => ApiError.from(e))));
  }

  // Runs (flow and task runs share most routes)
  filterFlowRuns = (body: Body) => this.post<FlowRun[]>('/flow-runs/filter', body);
  countFlowRuns = (body: Body) => this.post<number>('/flow-runs/count', body);
  flowRunHistory = (body: Body) => this.post<HistoryBucket[]>('/flow-runs/history', body);
  flowRun = (id: string) => this.get<FlowRun>(`/flow-runs/${id}`);
  flowRunGraph = (id: string) => this.get<FlowRunGraph>(`/flow-runs/${id}/graph`);
  flowRunInput = (id: string, key: string) =>
    this.get<{ key: string; value: unknown }>(`/flow-runs/${id}/input/${key}`);
  resumeFlowRun = (id: string, runInput?: unknown) =>
    this.post<OrchestrationResult>(`/flow-runs/${id}/resume`, runInput === undefined ? {} : { runInput });
  filterTaskRuns = (body: Body) => this.post<TaskRun[]>('/task-runs/filter', body);
  countTaskRuns = (body: Body) => this.post<number>('/task-runs/count', body);
  taskRun = (id: string) => this.get<TaskRun>(`/task-runs/${id}`);

  deleteRun = (kind: RunKind, id: string) => this.delete(`/${kind}-runs/${id}`);
  setState = (kind: RunKind, id: string, state: StateProposal, force = false) =>
    this.post<OrchestrationResult>(`/${kind}-runs/${id}/set-state`, { state, ...(force ? { force } : {}) });
  decisions = (kind: RunKind, id: string) => this.get<OrchestrationDecision[]>(`/${kind}-runs/${id}/decisions`);
  states = (kind: RunKind, id: string) =>
    this.get<State[]>(`/${kind}-run-states?${kind}RunId=${encodeURIComponent(id)}`);

  filterLogs = (body: Body) => this.post<LogLine[]>('/logs/filter', body);

  // Flows and deployments
  filterFlows = (body: Body) => this.post<Flow[]>('/flows/filter', body);
  countFlows = (body: Body) => this.post<number>('/flows/count', body);
  flow = (id: string) => this.get<Flow>(`/flows/${id}`);
  deleteFlow = (id: string) => this.delete(`/flows/${id}`);
  filterDeployments = (body: Body) => this.post<Deployment[]>('/deployments/filter', body);
  countDeployments = (body: Body) => this.post<number>('/deployments/count', body);
  deployment = (id: string) => this.get<Deployment>(`/deployments/${id}`);
  pauseDeployment = (id: string, paused: boolean) =>
    this.post<Deployment>(`/deployments/${id}/${paused ? 'pause' : 'resume'}`);
  runDeployment = (id: string, body: Body) => this.post<FlowRun>(`/deployments/${id}/create-flow-run`, body);

  // Work pools and concurrency limits
  filterWorkPools = (body: Body) => this.post<WorkPool[]>('/work-pools/filter', body);
  workPool = (name: string) => this.get<WorkPool>(`/work-pools/${encodeURIComponent(name)}`);
  updateWorkPool = (name: string, body: Body) => this.patch<WorkPool>(`/work-pools/${encodeURIComponent(name)}`, body);
  workQueues = (pool: string) => this.get<WorkQueue[]>(`/work-pools/${encodeURIComponent(pool)}/queues`);
  workers = (pool: string) => this.get<Worker[]>(`/work-pools/${encodeURIComponent(pool)}/workers`);
  filterConcurrencyLimits = (body: Body) => this.post<ConcurrencyLimit[]>('/concurrency-limits/filter', body);
  upsertConcurrencyLimit = (tag: string, concurrencyLimit: number) =>
    this.post<ConcurrencyLimit>('/concurrency-limits', { tag, concurrencyLimit });
  resetConcurrencyLimit = (tag: string) =>
    this.post<ConcurrencyLimit>(`/concurrency-limits/tag/${encodeURIComponent(tag)}/reset`);
  deleteConcurrencyLimit = (tag: string) => this.delete(`/concurrency-limits/tag/${encodeURIComponent(tag)}`);

  health = () => this.get<{ status: string; database: string }>('/health');
}
