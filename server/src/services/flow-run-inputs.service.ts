/**
 * Pause and resume with input: a paused flow run stores the JSON schema of the input it waits for
 * (`runInputKeyset.schema`); resuming checks the given input against it (422 naming the field), stores
 * it under `runInputKeyset.response`, and proposes RUNNING — or, for a suspended deployment run,
 * SCHEDULED so a worker starts it again.
 */
import type { Database } from '../db/database';
import { uuid7 } from '../db/ids';
import type { Clock } from '../orchestration/clock';
import { ConflictError, ObjectNotFoundError, ValidationFailedError } from '../schemas/errors';
import type { OrchestrationResult, StateProposal } from '../schemas/states';
import type { ValidateFunction } from 'ajv';
import { compileSchema, newAjv, schemaProblems } from './json-schema';
import type { OrchestrationService } from './orchestration.service';
import type { RunsService } from './runs.service';

export class FlowRunInputsService {
  private readonly ajv = newAjv();

  constructor(
    private readonly db: Database,
    private readonly runs: RunsService,
    private readonly orchestration: OrchestrationService,
    private readonly clock: Clock,
  ) {}

  async create(flowRunId: string, key: string, value: unknown): Promise<{ key: string; value: unknown }> {
    await this.runs.assertExists('flow', flowRunId);
    const inserted = await this.db.transaction((tx) =>
      tx.execute(
        `INSERT INTO "flow_run_input" ("id", "created", "flowRunId", "key", "value") VALUES (?, ?, ?, ?, ?) ON CONFLICT ("flowRunId", "key") DO NOTHING`,
        [uuid7(), tx.codec.encodeTimestamp(this.clock()), flowRunId, key, JSON.stringify(value)],
      ),
    );
    if (inserted === 0) throw new ConflictError(`Flow run ${flowRunId} already has an input "${key}"`);
    return { key, value };
  }

  async read(flowRunId: string, key: string): Promise<{ key: string; value: unknown }> {
    const rows = await this.db.query<{ value: string }>(
      `SELECT "value" FROM "flow_run_input" WHERE "flowRunId" = ? AND "key" = ?`,
      [flowRunId, key],
    );
    if (!rows[0]) throw new ObjectNotFoundError('Flow run input', `${flowRunId}/${key}`);
    return { key, value: JSON.parse(rows[0].value) };
  }

  async resume(flowRunId: string, runInput: unknown): Promise<{ result: OrchestrationResult; written: boolean }> {
    const run = await this.runs.read('flow', flowRunId);
    const state = run.state;
    if (state?.type !== 'PAUSED')
      throw new ConflictError(`Flow run ${flowRunId} is not paused (it is ${state?.name ?? 'without a state'})`);
    const keyset = state.stateDetails.runInputKeyset;
    if (keyset?.schema && keyset.response) {
      if (runInput === undefined)
        throw ValidationFailedError.field('runInput', 'is required: this run waits for input');
      const schema = (await this.read(flowRunId, keyset.schema)).value as Record<string, unknown>;
      let validate: ValidateFunction;
      try {
        validate = compileSchema(this.ajv, schema);
      } catch (error) {
        const reason = `cannot be checked: the stored input schema "${keyset.schema}" is not a valid JSON schema`;
        throw ValidationFailedError.field('runInput', `${reason} (${(error as Error).message})`);
      }
      if (!validate(runInput)) {
        const problems = schemaProblems(validate.errors, 'runInput', 'is not a field of the requested input');
        throw new ValidationFailedError(
          `Invalid run input: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
          problems,
        );
      }
      await this.create(flowRunId, keyset.response, runInput).catch((error: unknown) => {
        if (!(error instanceof ConflictError)) throw error;
      });
    } else if (runInput !== undefined) {
      throw ValidationFailedError.field('runInput', 'was given, but this run does not wait for input');
    }
    const proposal: StateProposal = state.stateDetails.pauseReschedule
      ? { type: 'SCHEDULED', name: 'Resuming', stateDetails: { scheduledTime: this.clock().toISOString() } }
      : { type: 'RUNNING' };
    const outcome = await this.orchestration.setState('flow', flowRunId, proposal);
    return { result: outcome.result, written: outcome.written };
  }
}
