import { expect } from 'chai';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate } from 'class-validator';
import { accepts } from '@rigel/server/api/accepts';
import {
  FlowRunCreateDto,
  FlowRunFilterDto,
  IdParamsDto,
  LogFilterDto,
  SetStateDto,
  TaskRunCreateDto,
  TaskRunStatesQueryDto,
} from '@rigel/server/schemas/dto';

const uuid = '0190a0a0-0000-7000-8000-000000000001';
const time = '2030-01-01T00:00:00.000Z';

interface Corpus {
  dto: ClassConstructor<object>;
  /** Query strings and path parameters are converted to the DTO's types, as validateDto does. */
  converted?: boolean;
  valid: unknown[];
  invalid: unknown[];
}

const CORPORA: Corpus[] = [
  {
    dto: SetStateDto,
    valid: [
      { state: { type: 'RUNNING' } },
      { state: { type: 'RUNNING', stateDetails: { transitionId: 'a' } }, force: false },
      {
        state: {
          type: 'COMPLETED',
          name: 'Done',
          message: null,
          stateDetails: { cacheKey: 'k', retriable: false, scheduledTime: time, flowRunId: uuid },
          data: { type: 'reference', nested: [1, { a: null }] },
        },
        force: true,
      },
    ],
    invalid: [
      {},
      { state: null },
      { state: 'RUNNING' },
      { state: [{ type: 'RUNNING' }] },
      { state: { type: 'NOPE' } },
      { state: { type: 'RUNNING' }, extra: 1 },
      { state: { type: 'RUNNING', unknown: 1 } },
      { state: { type: 'RUNNING', stateDetails: { unknown: 1 } } },
      { state: { type: 'RUNNING', stateDetails: 'text' } },
      { state: { type: 'RUNNING', stateDetails: { flowRunId: 'not-a-uuid' } } },
      { state: { type: 'RUNNING', stateDetails: { scheduledTime: 'tomorrow' } } },
      { state: { type: 'RUNNING', name: 'x'.repeat(65) } },
      { state: { type: 'RUNNING', message: 5 } },
      { state: { type: 'RUNNING' }, force: 'yes' },
    ],
  },
  {
    dto: IdParamsDto,
    converted: true,
    valid: [{ id: uuid }],
    invalid: [{}, { id: 'x' }, { id: uuid, other: 'y' }],
  },
  {
    dto: TaskRunStatesQueryDto,
    converted: true,
    valid: [{ taskRunId: uuid }],
    invalid: [{}, { taskRunId: '1' }],
  },
  {
    dto: FlowRunCreateDto,
    valid: [
      { flowId: uuid },
      {
        flowId: uuid,
        tags: ['a', 'b'],
        state: { type: 'SCHEDULED', stateDetails: { scheduledTime: time } },
        empiricalPolicy: { retries: 2, retryDelaySeconds: 5 },
      },
    ],
    invalid: [{ flowId: 'x' }, { flowId: uuid, tags: 'a' }, { flowId: uuid, empiricalPolicy: { retries: -1 } }],
  },
  {
    dto: TaskRunCreateDto,
    valid: [
      { flowRunId: uuid, taskKey: 't', dynamicKey: '0' },
      { taskKey: 't', dynamicKey: '1', empiricalPolicy: { retries: 1, retryDelaySeconds: [1, 2] } },
    ],
    invalid: [
      { flowRunId: uuid, taskKey: '', dynamicKey: '0' },
      { taskKey: 't', dynamicKey: '1', empiricalPolicy: { retryDelaySeconds: [-1] } },
      { taskKey: 't', dynamicKey: '1', empiricalPolicy: [] },
    ],
  },
  {
    dto: FlowRunFilterDto,
    valid: [
      {},
      {
        flowRuns: { state: { type: { any: ['FAILED'] } }, tags: { all: ['etl'] }, parentTaskRunId: { isNull: true } },
        flows: { name: { any: ['nightly'] } },
        sort: 'ID_DESC',
        limit: 10,
      },
    ],
    invalid: [
      { limit: 0 },
      { sort: 'BAD' },
      { flowRuns: { nope: 1 } },
      { flowRuns: { tags: { all: [1] } } },
      { flowRuns: { state: { type: { any: 'FAILED' } } } },
    ],
  },
  {
    dto: LogFilterDto,
    valid: [{ logs: { flowRunId: { any: [uuid] }, level: { ge: 20 }, timestamp: { after: time } } }],
    invalid: [{ logs: { flowRunId: { any: ['x'] } } }, { logs: { level: { ge: 'high' } } }, { logs: 5 }],
  },
];

async function classValidatorAccepts(instance: object): Promise<boolean> {
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return errors.length === 0;
}

describe('accepts (the fast path of request validation)', () => {
  for (const { dto, converted, valid, invalid } of CORPORA) {
    const transform = (input: unknown) =>
      plainToInstance(dto, input as object, { enableImplicitConversion: converted === true });

    describe(`for ${dto.name}`, () => {
      it('accepts the valid inputs, as class-validator does', async () => {
        for (const input of valid) {
          expect(await classValidatorAccepts(transform(input)), JSON.stringify(input)).to.equal(true);
          expect(accepts(transform(input)), JSON.stringify(input)).to.equal(true);
        }
      });

      it('leaves every invalid input to class-validator', async () => {
        for (const input of invalid) {
          expect(await classValidatorAccepts(transform(input)), JSON.stringify(input)).to.equal(false);
          expect(accepts(transform(input)), JSON.stringify(input)).to.equal(false);
        }
      });
    });
  }
});
