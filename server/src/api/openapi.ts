/**
 * The OpenAPI 3 document, generated from the same declared routes and DTO classes that validate
 * requests: request schemas come from the class-validator metadata, response schemas are listed here.
 */
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';
// The storage class-transformer keeps its @Type metadata in (not in its typed exports).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: MetadataStorage;
};
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { MAX_RETRY_DELAY_ENTRIES } from '../schemas/dto/task-run.dto';
import { STATE_TYPES } from '../schemas/states';
import type { AnyRoute } from './route';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const time = (nullable = false): Schema => ({
  type: 'string',
  format: 'date-time',
  ...(nullable ? { nullable: true } : {}),
});
const uuid = (nullable = false): Schema => ({
  type: 'string',
  format: 'uuid',
  ...(nullable ? { nullable: true } : {}),
});

const stateSchema: Schema = {
  type: 'object',
  properties: {
    id: uuid(),
    type: str({ enum: [...STATE_TYPES] }),
    name: str(),
    timestamp: time(),
    message: str({ nullable: true }),
    stateDetails: { type: 'object' },
    data: { nullable: true },
  },
};

const runCommon: Record<string, Schema> = {
  id: uuid(),
  created: time(),
  updated: time(),
  name: str(),
  tags: { type: 'array', items: str() },
  empiricalPolicy: { type: 'object' },
  stateId: uuid(true),
  stateType: str({ enum: [...STATE_TYPES], nullable: true }),
  stateName: str({ nullable: true }),
  stateTimestamp: time(true),
  state: { ...ref('State'), nullable: true },
  runCount: { type: 'integer' },
  expectedStartTime: time(true),
  nextScheduledStartTime: time(true),
  startTime: time(true),
  endTime: time(true),
  totalRunTime: { type: 'number', description: 'Seconds spent RUNNING' },
  estimatedRunTime: { type: 'number', description: 'totalRunTime plus the current attempt while RUNNING (seconds)' },
  estimatedStartTimeDelta: { type: 'number', description: 'Lateness in seconds' },
  orchestrationResult: {
    ...ref('OrchestrationResult'),
    description: 'Present on creation when a first state was proposed',
  },
};

const RESPONSE_SCHEMAS: Record<string, Schema> = {
  Health: {
    type: 'object',
    properties: { status: str({ enum: ['ok'] }), database: str({ enum: ['sqlite', 'postgres'] }) },
  },
  Version: { type: 'object', properties: { version: str(), api: str() } },
  Count: { type: 'integer', minimum: 0 },
  Created: { type: 'object', properties: { created: { type: 'integer' } } },
  Error: {
    type: 'object',
    properties: {
      error: {
        type: 'object',
        properties: {
          code: str(),
          message: str(),
          details: { type: 'array', items: { type: 'object', properties: { field: str(), message: str() } } },
        },
      },
    },
  },
  Flow: {
    type: 'object',
    properties: { id: uuid(), created: time(), updated: time(), name: str(), tags: { type: 'array', items: str() } },
  },
  State: stateSchema,
  FlowRun: {
    type: 'object',
    properties: {
      ...runCommon,
      flowId: uuid(),
      flowVersion: str({ nullable: true }),
      parameters: { type: 'object' },
      idempotencyKey: str({ nullable: true }),
      parentTaskRunId: uuid(true),
      deploymentId: uuid(true),
      infrastructurePid: str({ nullable: true }),
      heartbeatTime: time(true),
    },
  },
  TaskRun: {
    type: 'object',
    properties: {
      ...runCommon,
      flowRunId: uuid(true),
      taskKey: str(),
      dynamicKey: str(),
      cacheKey: str({ nullable: true }),
      cacheExpiration: time(true),
      taskVersion: str({ nullable: true }),
      taskInputs: { type: 'object' },
      flowRunRunCount: { type: 'integer' },
    },
  },
  OrchestrationResult: {
    type: 'object',
    properties: {
      status: str({ enum: ['ACCEPT', 'REJECT', 'WAIT', 'ABORT'] }),
      state: { ...ref('State'), nullable: true },
      details: {
        type: 'object',
        properties: {
          type: str({ enum: ['accept', 'reject', 'wait', 'abort'] }),
          reason: str(),
          delaySeconds: { type: 'number' },
        },
      },
    },
  },
  OrchestrationDecision: {
    type: 'object',
    properties: {
      id: uuid(),
      runKind: str({ enum: ['flow', 'task'] }),
      runId: uuid(),
      timestamp: time(),
      rule: str(),
      status: str({ enum: ['ACCEPT', 'REJECT', 'WAIT', 'ABORT'] }),
      reason: str({ nullable: true }),
      fromType: str({ nullable: true }),
      fromName: str({ nullable: true }),
      proposedType: str({ nullable: true }),
      proposedName: str({ nullable: true }),
      resultType: str({ nullable: true }),
      resultName: str({ nullable: true }),
      stateId: uuid(true),
      delaySeconds: { type: 'number', nullable: true },
    },
  },
  HistoryBucket: {
    type: 'object',
    properties: {
      intervalStart: time(),
      intervalEnd: time(),
      states: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            stateType: str(),
            stateName: str(),
            countRuns: { type: 'integer' },
            sumEstimatedRunTime: { type: 'number' },
            sumEstimatedLateness: { type: 'number' },
          },
        },
      },
    },
  },
  FlowRunGraph: {
    type: 'object',
    properties: {
      flowRunId: uuid(),
      taskRuns: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: uuid(),
            name: str(),
            state: { type: 'object', nullable: true },
            startTime: time(true),
            endTime: time(true),
            upstreamDependencies: { type: 'array', items: uuid() },
            childFlowRunId: uuid(true),
          },
        },
      },
    },
  },
  Log: {
    type: 'object',
    properties: {
      id: uuid(),
      created: time(),
      name: str(),
      level: { type: 'integer' },
      message: str(),
      timestamp: time(),
      flowRunId: uuid(true),
      taskRunId: uuid(true),
    },
  },
  ResultInfo: {
    type: 'object',
    properties: { key: str(), created: time(), serializer: str(), size: { type: 'integer' } },
  },
  Result: {
    type: 'object',
    properties: { key: str(), created: time(), serializer: str(), data: str(), size: { type: 'integer' } },
  },
  Deployment: {
    type: 'object',
    properties: {
      id: uuid(),
      name: str(),
      flowId: uuid(),
      entrypoint: str(),
      parameters: { type: 'object' },
      parameterSchema: { type: 'object' },
      paused: { type: 'boolean' },
      workPoolName: str({ nullable: true }),
      workQueueName: str({ nullable: true }),
      concurrencyLimit: { type: 'integer', nullable: true },
      collisionStrategy: str({ enum: ['ENQUEUE', 'CANCEL_NEW'] }),
      schedules: { type: 'array', items: ref('DeploymentSchedule') },
    },
  },
  DeploymentSchedule: {
    type: 'object',
    properties: {
      id: uuid(),
      deploymentId: uuid(),
      schedule: { type: 'object' },
      active: { type: 'boolean' },
      parameters: { type: 'object' },
    },
  },
  WorkPool: {
    type: 'object',
    properties: {
      id: uuid(),
      name: str(),
      type: str(),
      paused: { type: 'boolean' },
      status: str({ enum: ['READY', 'NOT_READY', 'PAUSED'] }),
      defaultQueueId: uuid(true),
    },
  },
  WorkQueue: {
    type: 'object',
    properties: {
      id: uuid(),
      name: str(),
      workPoolId: uuid(),
      priority: { type: 'integer' },
      paused: { type: 'boolean' },
      concurrencyLimit: { type: 'integer', nullable: true },
    },
  },
  Worker: {
    type: 'object',
    properties: { id: uuid(), name: str(), lastHeartbeatTime: time(), status: str({ enum: ['ONLINE', 'OFFLINE'] }) },
  },
  Heartbeat: { type: 'object', properties: { stateType: str({ nullable: true }), stateName: str({ nullable: true }) } },
  FlowRunInput: { type: 'object', properties: { key: str(), value: {} } },
  BatchResult: { type: 'object', properties: { status: { type: 'integer' }, body: {} } },
  ConcurrencyLimit: {
    type: 'object',
    properties: {
      id: uuid(),
      created: time(),
      updated: time(),
      tag: str(),
      concurrencyLimit: { type: 'integer' },
      activeSlots: { type: 'array', items: uuid() },
    },
  },
};

const ERROR_STATUS_TEXT: Record<number, string> = {
  400: 'Malformed request (not JSON)',
  413: 'Body or parameters over the size limit',
  422: 'Invalid input; details name each bad field',
  429: 'Rate limited',
  503: 'Database unavailable; retry',
};

const delaySeconds: Schema = { type: 'number', minimum: 0, maximum: 31_536_000 };

/** Schemas of Rigel's own validators (common.dto.ts); without them the generator emits `$ref: Object`. */
const CUSTOM_VALIDATOR_SCHEMAS: Record<string, Schema> = {
  isPlainObject: { type: 'object', additionalProperties: true },
  isDelaySeconds: {
    oneOf: [delaySeconds, { type: 'array', maxItems: MAX_RETRY_DELAY_ENTRIES, items: delaySeconds }],
  },
};

export function buildOpenApiDocument(routes: readonly AnyRoute[], version: string): Schema {
  const dtoSchemas = validationMetadatasToSchemas({
    classTransformerMetadataStorage: defaultMetadataStorage,
    refPointerPrefix: '#/components/schemas/',
    additionalConverters: CUSTOM_VALIDATOR_SCHEMAS,
  });
  const paths: Record<string, Record<string, Schema>> = {};
  for (const route of routes) {
    const path = `/api${route.path.replace(/:(\w+)/g, '{$1}')}`;
    const parameters = [...route.path.matchAll(/:(\w+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: str(),
    }));
    if (route.query) {
      const querySchema = dtoSchemas[route.query.name] as
        { properties?: Record<string, Schema>; required?: string[] } | undefined;
      for (const [name, schema] of Object.entries(querySchema?.properties ?? {})) {
        parameters.push({ name, in: 'query', required: querySchema?.required?.includes(name) ?? false, schema });
      }
    }
    const responses: Record<string, Schema> = {};
    for (const [status, shape] of Object.entries(route.responses)) {
      const schema = shape.schema
        ? shape.array
          ? { type: 'array', items: ref(shape.schema) }
          : ref(shape.schema)
        : undefined;
      responses[status] = schema
        ? { description: shape.description, content: { 'application/json': { schema } } }
        : { description: shape.description };
    }
    for (const status of [422, 429, 503]) {
      responses[status] ??= {
        description: ERROR_STATUS_TEXT[status],
        content: { 'application/json': { schema: ref('Error') } },
      };
    }
    if (route.body)
      responses[413] ??= {
        description: ERROR_STATUS_TEXT[413],
        content: { 'application/json': { schema: ref('Error') } },
      };
    const body = route.body
      ? 'arrayOf' in route.body
        ? { type: 'array', maxItems: route.body.maxItems, items: ref(route.body.arrayOf.name) }
        : ref(route.body.name)
      : undefined;
    paths[path] ??= {};
    paths[path][route.method] = {
      summary: route.summary,
      tags: [route.tag],
      ...(parameters.length ? { parameters } : {}),
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Rigel API',
      version,
      description: 'The REST API of the Rigel orchestration engine. Every state change is proposed and orchestrated.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { ...dtoSchemas, ...RESPONSE_SCHEMAS },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
  };
}
