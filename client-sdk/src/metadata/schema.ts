/**
 * The JSON schema of a flow's parameters, generated from its decorator metadata (once, when a
 * deployment is made): primitives from `design:paramtypes`, DTO classes from their class-validator
 * constraints (class-validator-jsonschema). The server checks deployment runs against it, and the
 * dashboard builds its "Run" form from it.
 */
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';
import { targetConstructorToSchema, validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { parametersWithDefaults } from './naming';
import type { AnyFunction } from './registry';
import type { ParameterSpec } from './parameters';

type Schema = Record<string, unknown>;

// The storage class-transformer keeps its @Type metadata in (not in its typed exports).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: MetadataStorage;
};

const PRIMITIVES: Record<string, Schema> = {
  string: { type: 'string' },
  number: { type: 'number' },
  boolean: { type: 'boolean' },
  date: { type: 'string', format: 'date-time' },
  bigint: { type: ['integer', 'string'] },
  array: { type: 'array' },
  opaque: {},
};

/** class-validator-jsonschema gives IsDateString a pattern that refuses plain dates; widen it to ISO-8601. */
const STRICT_DATE_TIME = '\\d{4}-[01]\\d-[0-3]\\dT[0-2]\\d:[0-5]\\d:[0-5]\\d.\\d+Z?';
const ISO_8601 = '^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?)?$';

function widenDates(schema: Schema): Schema {
  return JSON.parse(
    JSON.stringify(schema).split(JSON.stringify(STRICT_DATE_TIME)).join(JSON.stringify(ISO_8601)),
  ) as Schema;
}

export function parameterSchema(params: ParameterSpec[], fn: AnyFunction): Schema {
  const properties: Record<string, Schema> = {};
  const definitions: Record<string, Schema> = {};
  const defaults = parametersWithDefaults(fn);
  for (const param of params) {
    if (param.kind !== 'dto' || !param.type) {
      properties[param.name] = { ...PRIMITIVES[param.kind], title: param.name };
      continue;
    }
    const options = { classTransformerMetadataStorage: defaultMetadataStorage, refPointerPrefix: '#/definitions/' };
    properties[param.name] = { ...targetConstructorToSchema(param.type, options), title: param.name };
    // Nested DTOs are referenced by name: include every class the metadata knows that is referenced.
    const all = validationMetadatasToSchemas(options);
    const referenced = JSON.stringify(properties[param.name]).match(/#\/definitions\/[\w$]+/g) ?? [];
    for (const ref of referenced) {
      const name = ref.slice('#/definitions/'.length);
      if (all[name]) definitions[name] = all[name] as Schema;
    }
  }
  const required = params.filter((p) => !defaults.has(p.name)).map((p) => p.name);
  return widenDates({
    type: 'object',
    properties,
    ...(required.length ? { required } : {}),
    additionalProperties: false,
    ...(Object.keys(definitions).length ? { definitions } : {}),
  });
}

/** The JSON schema of a DTO class (for the input a paused flow run waits for). */
export function classSchema(type: new (...args: never[]) => object): Schema {
  const options = { classTransformerMetadataStorage: defaultMetadataStorage, refPointerPrefix: '#/definitions/' };
  const schema = targetConstructorToSchema(type, options) as Schema;
  const all = validationMetadatasToSchemas(options);
  const definitions: Record<string, Schema> = {};
  for (const ref of JSON.stringify(schema).match(/#\/definitions\/[\w$]+/g) ?? []) {
    const name = ref.slice('#/definitions/'.length);
    if (all[name]) definitions[name] = all[name] as Schema;
  }
  return widenDates({
    ...schema,
    additionalProperties: false,
    ...(Object.keys(definitions).length ? { definitions } : {}),
  });
}
