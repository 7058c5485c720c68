/**
 * Ephemeral mode: the server's services called in-process on the local database (same rules, same
 * code path minus HTTP), so a plain `node my-flow.js` persists its runs and a dashboard started later
 * shows them. Several scripts and a running server may share the SQLite file.
 */
import type { Settings, StateProposal } from '@rigel/server/contract';
import type { Services } from '@rigel/server/services';
import type { DeploymentCreateDto } from '@rigel/server/schemas/dto/deployment.dto';
import type { FlowRunCreateDto, FlowRunUpdateDto } from '@rigel/server/schemas/dto/flow-run.dto';
import type { TaskRunCreateDto } from '@rigel/server/schemas/dto/task-run.dto';
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

export class InProcessClient implements OrchestrationClient {
  readonly mode = 'ephemeral' as const;
  readonly target: string;
  private services: Promise<Services> | null = null;

  constructor(
    private readonly settings: Settings,
    private readonly existing?: Services,
  ) {
    this.target = settings.databaseUrl;
  }

  private open(): Promise<Services> {
    this.services ??= this.existing ? Promise.resolve(this.existing) : this.openDatabase();
    return this.services;
  }

  /** The database and services are loaded on first use, so a process talking HTTP never loads them. */
  private async openDatabase(): Promise<Services> {
    const { Database } = await import('@rigel/server/db/database');
    const { createServices } = await import('@rigel/server/services');
    const { EventBus } = await import('@rigel/server/services/events');
    const db = await Database.open({
      url: this.settings.databaseUrl,
      busyTimeoutMs: this.settings.sqliteBusyTimeoutMs,
    });
    // This process runs no change feed (that is the server's): its bus need not remember what it saw.
    return createServices(db, { settings: this.settings, events: new EventBus(undefined, { withoutFeed: true }) });
  }

  async getOrCreateFlow(name: string) {
    const { flow } = await (await this.open()).flows.create({ name });
    return flow;
  }

  async createFlowRun(input: FlowRunCreate): Promise<CreatedRun<FlowRun>> {
    const result = await (await this.open()).flowRuns.create(input as FlowRunCreateDto);
    return result as unknown as CreatedRun<FlowRun>;
  }

  async readFlowRun(id: string): Promise<FlowRun> {
    return (await (await this.open()).runs.read('flow', id)) as unknown as FlowRun;
  }

  async setFlowRunState(id: string, state: StateProposal, force = false) {
    return (await (await this.open()).orchestration.setState('flow', id, state, { force })).result;
  }

  async createTaskRun(input: TaskRunCreate): Promise<CreatedRun<TaskRun>> {
    const result = await (await this.open()).taskRuns.create(input as TaskRunCreateDto);
    return result as unknown as CreatedRun<TaskRun>;
  }

  async readTaskRun(id: string): Promise<TaskRun> {
    return (await (await this.open()).runs.read('task', id)) as unknown as TaskRun;
  }

  async setTaskRunState(id: string, state: StateProposal, force = false) {
    return (await (await this.open()).orchestration.setState('task', id, state, { force })).result;
  }

  async heartbeat(flowRunId: string): Promise<RunStateSummary> {
    return (await (await this.open()).flowRuns.heartbeat(flowRunId)) as RunStateSummary;
  }

  async setFlowRunInput(flowRunId: string, key: string, value: unknown): Promise<void> {
    try {
      await (await this.open()).flowRunInputs.create(flowRunId, key, value);
    } catch (error) {
      if ((error as { code?: string }).code !== 'CONFLICT') throw error;
    }
  }

  async readFlowRunInput(flowRunId: string, key: string): Promise<unknown | null> {
    try {
      return (await (await this.open()).flowRunInputs.read(flowRunId, key)).value;
    } catch (error) {
      if ((error as { code?: string }).code === 'OBJECT_NOT_FOUND') return null;
      throw error;
    }
  }

  async updateFlowRun(id: string, update: FlowRunUpdate): Promise<FlowRun> {
    return (await (await this.open()).flowRuns.update(id, update as FlowRunUpdateDto)) as unknown as FlowRun;
  }

  async readDeployment(id: string): Promise<DeploymentInfo> {
    return (await (await this.open()).deployments.read(id)) as unknown as DeploymentInfo;
  }

  async deploy(input: DeploymentInput): Promise<DeploymentInfo> {
    const services = await this.open();
    if (input.workPoolName) await services.workPools.createPool({ name: input.workPoolName });
    return (await services.deployments.create(input as DeploymentCreateDto)).deployment as unknown as DeploymentInfo;
  }

  async sendLogs(lines: LogLine[]): Promise<void> {
    if (lines.length) await (await this.open()).logs.create(lines);
  }

  async putResult(key: string, result: StoredResult): Promise<void> {
    await (await this.open()).results.put(key, result);
  }

  async setConcurrencyLimit(tag: string, concurrencyLimit: number): Promise<void> {
    await (await this.open()).concurrencyLimits.upsert({ tag, concurrencyLimit });
  }

  async getResult(key: string): Promise<StoredResult> {
    const { serializer, data } = await (await this.open()).results.get(key);
    return { serializer, data };
  }

  async close(): Promise<void> {
    if (!this.services || this.existing) return;
    const services = await this.services;
    this.services = null;
    await services.db.close();
  }
}
