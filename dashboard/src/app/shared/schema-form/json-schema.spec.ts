import { buildValue, fieldsOf, rawValues, type Schema, validate } from './json-schema';

const schema: Schema = {
  type: 'object',
  properties: {
    day: { type: 'string', title: 'day' },
    topN: { type: 'integer', minimum: 1, maximum: 100 },
    format: { type: 'string', enum: ['csv', 'json'] },
    dryRun: { type: 'boolean' },
    request: { $ref: '#/definitions/Request' },
    extra: { type: 'array', items: { type: 'number' } },
  },
  required: ['topN', 'request'],
  definitions: {
    Request: { type: 'object', properties: { from: { type: 'string', minLength: 10 } }, required: ['from'] },
  },
};

describe('JSON schema forms', () => {
  it('turns properties into fields, following $ref into nested groups', () => {
    const fields = fieldsOf(schema);
    expect(fields.map((f) => [f.path, f.kind, f.required])).toEqual([
      ['day', 'string', false],
      ['topN', 'integer', true],
      ['format', 'enum', false],
      ['dryRun', 'boolean', false],
      ['request', 'object', true],
      ['extra', 'json', false],
    ]);
    expect(fields[4]!.children.map((f) => f.path)).toEqual(['request.from']);
  });

  it('builds typed values from the controls and leaves empty optional ones out', () => {
    const fields = fieldsOf(schema);
    const raw = rawValues(fields, { topN: 5, request: { from: '2026-11-01' } });
    raw.set('extra', '[1, 2.5]');
    const errors: { field: string; message: string }[] = [];
    expect(buildValue(fields, raw, errors)).toEqual({
      topN: 5,
      dryRun: false,
      request: { from: '2026-11-01' },
      extra: [1, 2.5],
    });
    expect(errors).toEqual([]);
    raw.set('topN', 'many');
    raw.set('extra', '[1,');
    buildValue(fields, raw, errors);
    expect(errors.map((e) => e.field)).toEqual(['topN', 'extra']);
  });

  it('names every field that breaks the schema by its path', () => {
    const errors = validate(schema, { topN: 500, format: 'xml', request: { from: 'today' }, extra: [1, 'two'] });
    expect(errors).toEqual([
      { field: 'topN', message: 'must be <= 100' },
      { field: 'format', message: 'must be one of "csv", "json"' },
      { field: 'request.from', message: 'must have at least 10 characters' },
      { field: 'extra.1', message: 'must be number' },
    ]);
    expect(validate(schema, {}).map((e) => e.field)).toEqual(['topN', 'request']);
  });
});
