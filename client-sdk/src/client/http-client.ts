/**
 * The HTTP transport: keep-alive connections, the API key as a bearer token, and retries with
 * exponential backoff and jitter on connection errors, 429, 502, 503 and 504 — safe because every call
 * is idempotent (idempotency keys, unique task keys, transition ids). When the retry budget is spent
 * the call fails with ApiUnreachableError and the engine ends the run Crashed.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import {
  errorFromBody,
  uuid7,
  type ErrorBody,
  type OrchestrationResult,
  type StateProposal,
} from '@rigel/server/contract';
import { ApiUnreachableError } from '../errors';
import { TaskBatcher } from './task-batcher';
import type {
  CreatedRun,
  DeploymentInfo,
  DeploymentInput,
  RunStateSummary,
  FlowRun,
  FlowRunCreate,
  FlowRunUpdate,
  LogLine,
  OrchestrationClient,
  StoredResult,
  TaskRun,
  TaskRunCreate,
} from './types';

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const RETRY_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ECONNABORTED',
]);

/** A path made only of characters allowed unescaped in a URL path (no query, no fragment). */
const PLAIN_PATH = /^[\w\-.~%:@!$&'()*+,;=/]*$/;
const DOT_SEGMENT = /(^|\/)\.\.?(\/|$)/;

export interface HttpClientOptions {
  apiUrl: string;
  apiKey?: string;
  retryBudgetSeconds?: number;
  /** Per-request timeout in ms. */
  timeoutMs?: number;
}

interface RawResponse {
  status: number;
  body: unknown;
  retryAfterSeconds?: number;
}

export class HttpClient implements OrchestrationClient {
  readonly mode = 'remote' as const;
  readonly target: string;
  private readonly base: URL;
  /**
   * Where requests go, parsed once: a URL object per request costs more than the rest of building
   * it. Null when the API URL carries credentials (requests are then built from a URL each time).
   */
  private readonly origin: { protocol: string; hostname: string; port: string; pathname: string } | null;
  private readonly agent: HttpAgent;
  private readonly budgetMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: HttpClientOptions) {
    this.base = new URL(options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`);
    this.target = options.apiUrl;
    const { protocol, hostname, port, pathname, username, password } = this.base;
    // Brackets of an IPv6 literal belong in URLs, not in the `hostname` option.
    this.origin =
      username || password ? null : { protocol, hostname: hostname.replace(/^\[(.*)\]$/, '$1'), port, pathname };
    const agentOptions = { keepAlive: true, maxSockets: 64, keepAliveMsecs: 10_000 };
    this.agent = this.base.protocol === 'https:' ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    this.budgetMs = (options.retryBudgetSeconds ?? 60) * 1000;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  private send(method: string, path: string, body?: unknown): Promise<RawResponse> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = { accept: 'application/json' };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    const relative = path.replace(/^\//, '');
    // Paths are relative to the API root. The usual ones (plain segments, nothing to resolve or escape)
    // are joined to it directly; anything else is resolved as a URL, as before.
    const options = { method, headers, agent: this.agent, timeout: this.timeoutMs };
    const origin = this.origin && PLAIN_PATH.test(relative) && !DOT_SEGMENT.test(relative) ? this.origin : null;
    const url = origin ? null : new URL(relative, this.base);
    const request = (origin ?? url!).protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<RawResponse>((resolve, reject) => {
      const onResponse = (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = text;
          }
          const retryAfter = Number(res.headers['retry-after']);
          resolve({
            status: res.statusCode ?? 0,
            body: parsed,
            retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined,
          });
        });
      };
      const req = origin
        ? request({ ...origin, path: `${origin.pathname}${relative}`, ...options }, onResponse)
        : request(url!, options, onResponse);
      req.on('timeout', () => req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Sends with retries; resolves to the parsed body of a 2xx answer, throws a typed error otherwise. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const started = Date.now();
    let lastProblem: string;
    for (let attempt = 0; ; attempt++) {
      let waitMs: number;
      try {
        const response = await this.send(method, path, body);
        if (response.status >= 200 && response.status < 300) return response.body as T;
        if (!RETRY_STATUSES.has(response.status)) {
          const errorBody = response.body as ErrorBody;
          if (errorBody?.error?.code) throw errorFromBody(errorBody);
          throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
        }
        lastProblem = `HTTP ${response.status}`;
        waitMs = (response.retryAfterSeconds ?? 0) * 1000;
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        if (!RETRY_CODES.has(code)) throw error;
        lastProblem = `${code} (${(error as Error).message})`;
        waitMs = 0;
      }
      const backoff = Math.min(5000, 100 * 2 ** attempt) * (0.5 + Math.random());
      const delay = Math.max(waitMs, backoff);
      if (Date.now() - started + delay > this.budgetMs) {
        throw new ApiUnreachableError(this.target, Math.round((Date.now() - started) / 1000), lastProblem);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  getOrCreateFlow(name: string) {
    return this.call<{ id: string; name: string }>('POST', 'flows', { name });
  }

  async createFlowRun(input: FlowRunCreate): Promise<CreatedRun<FlowRun>> {
    return this.created(
      await this.call<FlowRun & { orchestrationResult?: OrchestrationResult }>('POST', 'flow-runs', input),
    );
  }

  readFlowRun(id: string) {
    return this.call<FlowRun>('GET', `flow-runs/${id}`);
  }

  setFlowRunState(id: string, state: StateProposal, force = false) {
    return this.call<OrchestrationResult>('POST', `flow-runs/${id}/set-state`, { state, ...(force ? { force } : {}) });
  }

  async createTaskRun(input: TaskRunCreate): Promise<CreatedRun<TaskRun>> {
    const body = await this.batcher.submit({ op: 'create', body: input as unknown as Record<string, unknown> });
    return this.created(body as TaskRun & { orchestrationResult?: OrchestrationResult });
  }

  readTaskRun(id: string) {
    return this.call<TaskRun>('GET', `task-runs/${id}`);
  }

  async setTaskRunState(id: string, state: StateProposal, force = false): Promise<OrchestrationResult> {
    const body = { state, ...(force ? { force } : {}) } as unknown as Record<string, unknown>;
    return (await this.batcher.submit({ op: 'set-state', id, body })) as OrchestrationResult;
  }

  /** Task-run calls of one event-loop turn share a request (see task-batcher.ts). */
  private readonly batcher = new TaskBatcher(
    (operation) =>
      operation.op === 'create'
        ? this.call('POST', 'task-runs', operation.body)
        : this.call('POST', `task-runs/${operation.id}/set-state`, operation.body),
    (operations) => this.call<{ status: number; body: unknown }[]>('POST', 'task-runs/batch', operations),
  );

  heartbeat(flowRunId: string): Promise<RunStateSummary> {
    return this.call<RunStateSummary>('POST', `flow-runs/${flowRunId}/heartbeat`);
  }

  async setFlowRunInput(flowRunId: string, key: string, value: unknown): Promise<void> {
    try {
      await this.call('POST', `flow-runs/${flowRunId}/input`, { key, value });
    } catch (error) {
      if ((error as { code?: string }).code !== 'CONFLICT') throw error;
    }
  }

  async readFlowRunInput(flowRunId: string, key: string): Promise<unknown | null> {
    try {
      return (await this.call<{ value: unknown }>('GET', `flow-runs/${flowRunId}/input/${encodeURIComponent(key)}`))
        .value;
    } catch (error) {
      if ((error as { code?: string }).code === 'OBJECT_NOT_FOUND') return null;
      throw error;
    }
  }

  updateFlowRun(id: string, update: FlowRunUpdate): Promise<FlowRun> {
    return this.call<FlowRun>('PATCH', `flow-runs/${id}`, update);
  }

  readDeployment(id: string): Promise<DeploymentInfo> {
    return this.call<DeploymentInfo>('GET', `deployments/${id}`);
  }

  async deploy(input: DeploymentInput): Promise<DeploymentInfo> {
    if (input.workPoolName) await this.call('POST', 'work-pools', { name: input.workPoolName });
    return this.call<DeploymentInfo>('POST', 'deployments', input);
  }

  async sendLogs(lines: LogLine[]): Promise<void> {
    // Ids chosen here, once, make the retries of `call` idempotent: the server skips ids it already has.
    if (lines.length)
      await this.call(
        'POST',
        'logs',
        lines.map((line) => (line.id ? line : { ...line, id: uuid7() })),
      );
  }

  async putResult(key: string, result: StoredResult): Promise<void> {
    await this.call('PUT', `results/${encodeURIComponent(key)}`, result);
  }

  async setConcurrencyLimit(tag: string, concurrencyLimit: number): Promise<void> {
    await this.call('POST', 'concurrency-limits', { tag, concurrencyLimit });
  }

  async getResult(key: string): Promise<StoredResult> {
    const { serializer, data } = await this.call<StoredResult>('GET', `results/${encodeURIComponent(key)}`);
    return { serializer, data };
  }

  /** Splits a create answer into the run and its first orchestration result. */
  private created<T extends { orchestrationResult?: OrchestrationResult }>(
    body: T,
  ): CreatedRun<Omit<T, 'orchestrationResult'>> {
    const { orchestrationResult, ...run } = body;
    return { run, created: orchestrationResult !== undefined, ...(orchestrationResult ? { orchestrationResult } : {}) };
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }
}
