/**
 * JSON-schema checks of user values (deployment parameters, pause input) with ajv: compiled without
 * being registered, so two schemas with the same `$id` never collide and nothing accumulates, and
 * ajv's errors turned into field errors that name the value (`parameters.size`, `runInput.name`).
 */
import Ajv, { type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FieldError } from '../schemas/errors';

export function newAjv(): Ajv {
  return addFormats(new Ajv({ allErrors: true, strict: false, coerceTypes: false }));
}

/** Compiles `schema` (throws when it is not a valid schema) and leaves ajv's registry as it was. */
export function compileSchema(ajv: Ajv, schema: AnySchema): ValidateFunction {
  try {
    return ajv.compile(schema);
  } finally {
    ajv.removeSchema(schema);
  }
}

/** ajv errors as field errors under `root`; `extraMessage` is said of a property the schema does not allow. */
export function schemaProblems(
  errors: ErrorObject[] | null | undefined,
  root: string,
  extraMessage: string,
): FieldError[] {
  return (errors ?? []).map((e) => {
    const path = e.instancePath.split('/').filter(Boolean).join('.');
    const missing = (e.params as { missingProperty?: string }).missingProperty;
    const extra = (e.params as { additionalProperty?: string }).additionalProperty;
    const field = [root, path, missing ?? extra].filter(Boolean).join('.');
    const message = missing ? 'is required' : extra ? extraMessage : (e.message ?? 'is invalid');
    return { field, message };
  });
}
