import { expect } from 'chai';
import { expectError, expectNothingWritten, Fixtures } from '../../support/api';
import { startTestServer, type TestServer } from '../../support/server';

/** `levels` nested objects: nest(1) is `{}`. */
function nest(levels: number): object {
  let value: object = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

describe('API input robustness', () => {
  let server: TestServer;
  let fx: Fixtures;
  let flowId: string;
  beforeEach(async () => {
    server = await startTestServer({ settings: { bodyLimitBytes: 64 * 1024, parametersLimitBytes: 1024 } });
    fx = new Fixtures(server.api);
    flowId = (await fx.flow()).id;
  });
  afterEach(() => server.stop());

  const db = () => server.services.db;

  describe('when the body is over the size limit', () => {
    it('answers 413 naming the body and writes nothing', async () => {
      const body = { name: 'big', tags: new Array(100).fill('t'.repeat(1000)) };
      const res = await expectNothingWritten(db(), () => server.api.post('/flows', body));
      expectError(res, 413, 'PAYLOAD_TOO_LARGE', 'body');
    });

    it('answers 413 for an oversized log batch and stores no line', async () => {
      const line = { name: 'l', level: 20, message: 'x'.repeat(1000), timestamp: '2030-01-01T00:00:00Z' };
      const res = await expectNothingWritten(db(), () => server.api.post('/logs', new Array(100).fill(line)));
      expectError(res, 413, 'PAYLOAD_TOO_LARGE', 'body');
    });
  });

  describe('when flow-run parameters are over their limit', () => {
    const parameters = { blob: 'p'.repeat(2000) };

    it('refuses the creation with 413 naming parameters and writes nothing', async () => {
      const res = await expectNothingWritten(db(), () => server.api.post('/flow-runs', { flowId, parameters }));
      expectError(res, 413, 'PAYLOAD_TOO_LARGE', 'parameters');
    });

    it('refuses the update with 413 naming parameters and leaves the run unchanged', async () => {
      const run = (await server.api.post('/flow-runs', { flowId, parameters: { small: 1 } })).body;
      const res = await server.api.patch(`/flow-runs/${run.id}`, { name: 'renamed', parameters });
      expectError(res, 413, 'PAYLOAD_TOO_LARGE', 'parameters');
      const read = (await server.api.get(`/flow-runs/${run.id}`)).body;
      expect(read).to.include({ name: run.name, updated: run.updated });
      expect(read.parameters).to.deep.equal({ small: 1 });
    });
  });

  describe('when the body is not valid JSON', () => {
    for (const raw of ['{"name": "x"', '{name: "x"}', '{"name": "x"} trailing', '\u0000']) {
      it(`answers 400 naming the body for ${JSON.stringify(raw)} and writes nothing`, async () => {
        const res = await expectNothingWritten(db(), () => server.api.request('POST', '/flows', raw));
        expectError(res, 400, 'VALIDATION_FAILED', 'body');
      });
    }

    it('refuses JSON that is not an object with 422 naming the body', async () => {
      for (const raw of ['[]', '"flow"', '42', 'null']) {
        const res = await expectNothingWritten(db(), () => server.api.request('POST', '/flows', raw));
        expectError(res, 422, 'VALIDATION_FAILED', 'body');
      }
    });

    it('ignores a body not declared as JSON, so the required fields are reported missing', async () => {
      const headers = { 'content-type': 'text/plain' };
      const res = await expectNothingWritten(db(), () => server.api.request('POST', '/flows', '{"name":"x"}', headers));
      expectError(res, 422, 'VALIDATION_FAILED', 'name');
    });
  });

  describe('when JSON is nested deeply', () => {
    it('accepts 64 levels', async () => {
      const res = await server.api.post('/flow-runs', { flowId, parameters: nest(63) });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    });

    it('refuses 65 levels with 422 naming the body and writes nothing', async () => {
      const res = await expectNothingWritten(db(), () =>
        server.api.post('/flow-runs', { flowId, parameters: nest(64) }),
      );
      expectError(res, 422, 'VALIDATION_FAILED', 'body');
    });

    it('refuses 10000 levels of arrays without failing the server', async () => {
      const raw = `{"flowId":"${flowId}","parameters":{"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
      const res = await expectNothingWritten(db(), () => server.api.request('POST', '/flow-runs', raw));
      expectError(res, 422, 'VALIDATION_FAILED', 'body');
      expect((await server.api.get('/health')).status).to.equal(200);
    });
  });

  describe('when free-form JSON uses keys that JavaScript objects treat specially', () => {
    const tricky = { toString: { a: 1 }, valueOf: 1, hasOwnProperty: 'x', prototype: {}, nested: { toString: 'y' } };

    it('round-trips parameters, task inputs, state data and run input keys exactly', async () => {
      const state = { type: 'RUNNING', data: tricky, stateDetails: { runInputKeyset: { toString: 'k' } } };
      const run = await server.api.post('/flow-runs', { flowId, parameters: tricky, state });
      expect(run.status, JSON.stringify(run.body)).to.equal(201);
      expect(run.body.parameters).to.deep.equal(tricky);
      expect(run.body.state.data).to.deep.equal(tricky);
      expect(run.body.state.stateDetails.runInputKeyset).to.deep.equal({ toString: 'k' });
      const patched = await server.api.patch(`/flow-runs/${run.body.id}`, { parameters: { valueOf: [1] } });
      expect(patched.body.parameters).to.deep.equal({ valueOf: [1] });
      const taskInputs = { toString: [{ inputType: 'task_run', id: run.body.id }] };
      const task = await server.api.post('/task-runs', {
        flowRunId: run.body.id,
        taskKey: 't',
        dynamicKey: '0',
        taskInputs,
      });
      expect(task.body.taskInputs).to.deep.equal(taskInputs);
    });

    for (const [path, raw, field] of [
      ['/flows', '{"name":"x","__proto__":{"polluted":true}}', '__proto__'],
      ['/flow-runs', '{"flowId":"FLOW","parameters":{"constructor":{"prototype":{}}}}', 'parameters.constructor'],
      ['/flow-runs', '{"flowId":"FLOW","parameters":{"a":[{"__proto__":1}]}}', 'parameters.a.0.__proto__'],
      ['/flow-runs', '{"flowId":"FLOW","state":{"type":"PENDING","data":{"constructor":1}}}', 'state.data.constructor'],
      ['/flow-runs/filter', '{"flowRuns":{"__proto__":{}}}', 'flowRuns.__proto__'],
    ] as const) {
      it(`refuses ${raw.replace('FLOW', '…')} with 422 naming ${field} and writes nothing`, async () => {
        const body = raw.replace('FLOW', flowId);
        const res = await expectNothingWritten(db(), () => server.api.request('POST', path, body));
        expectError(res, 422, 'VALIDATION_FAILED', field);
        expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      });
    }

    it('refuses reserved keys in the query string', async () => {
      expectError(await server.api.get('/flow-run-states?constructor=1'), 422, 'VALIDATION_FAILED', 'constructor');
    });
  });

  describe('when text is unusual Unicode', () => {
    const texts = [
      'emoji 🚀 and family 👩‍👩‍👧',
      '日本語のフロー',
      'עברית ومعها العربية',
      'combining e\u0301 vs é',
      'astral 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
      'zero\u200bwidth and \ufeffBOM and \uffff',
    ];

    it('round-trips it in names, tags, parameters, filters and log messages', async () => {
      for (const [i, text] of texts.entries()) {
        const flow = await server.api.post('/flows', { name: text, tags: [text] });
        expect(flow.status, text).to.equal(201);
        expect(flow.body).to.include({ name: text });
        expect((await server.api.get(`/flows/name/${encodeURIComponent(text)}`)).body.id).to.equal(flow.body.id);
        const run = await server.api.post('/flow-runs', {
          flowId,
          name: text,
          tags: [text],
          parameters: { [text]: text },
        });
        expect(run.body).to.include({ name: text });
        expect(run.body.parameters).to.deep.equal({ [text]: text });
        const found = await server.api.post('/flow-runs/filter', {
          flowRuns: { tags: { all: [text] }, name: { like: text } },
        });
        expect(
          found.body.map((r: { id: string }) => r.id),
          text,
        ).to.deep.equal([run.body.id]);
        const log = { name: text, level: 20, message: text, timestamp: '2030-01-01T00:00:00Z', flowRunId: run.body.id };
        expect((await server.api.post('/logs', [log])).status).to.equal(201);
        const logs = await server.api.post('/logs/filter', { logs: { flowRunId: { any: [run.body.id] } } });
        expect(
          logs.body.map((l: { message: string }) => l.message),
          `line ${i}`,
        ).to.deep.equal([text]);
      }
    });

    const refused: [string, () => [string, unknown], string][] = [
      ['a NUL character in a name', () => ['/flows', { name: 'a\u0000b' }], 'name'],
      ['a lone surrogate in a name', () => ['/flows', { name: 'bad \ud800 name' }], 'name'],
      ['a NUL character in a tag', () => ['/flows', { name: 'ok', tags: ['x\u0000'] }], 'tags.0'],
      [
        'a NUL character in a parameter',
        () => ['/flow-runs', { flowId, parameters: { x: ['\u0000'] } }],
        'parameters.x.0',
      ],
      [
        'a NUL character in a parameter name',
        () => ['/flow-runs', { flowId, parameters: { 'k\u0000': 1 } }],
        'parameters',
      ],
      [
        'a lone surrogate in an idempotency key',
        () => ['/flow-runs', { flowId, idempotencyKey: '\udc00' }],
        'idempotencyKey',
      ],
      [
        'a NUL character in state data',
        () => ['/flow-runs', { flowId, state: { type: 'PENDING', data: '\u0000' } }],
        'state.data',
      ],
      [
        'a NUL character in a filter',
        () => ['/flow-runs/filter', { flowRuns: { name: { like: '\u0000' } } }],
        'flowRuns.name.like',
      ],
      [
        'a NUL character in a log message',
        () => ['/logs', [{ name: 'l', level: 20, message: '\u0000', timestamp: '2030-01-01T00:00:00Z' }]],
        '[0].message',
      ],
      [
        'a NUL character in a concurrency tag',
        () => ['/concurrency-limits', { tag: '\u0000', concurrencyLimit: 1 }],
        'tag',
      ],
    ];
    for (const [what, request, field] of refused) {
      it(`refuses ${what} with 422 naming ${field} and writes nothing`, async () => {
        const [path, body] = request();
        const res = await expectNothingWritten(db(), () => server.api.post(path, body));
        expectError(res, 422, 'VALIDATION_FAILED', field);
      });
    }

    it('refuses a NUL character in a path parameter or query with 422 naming it', async () => {
      expectError(await server.api.get('/flow-run-states?flowRunId=%00'), 422, 'VALIDATION_FAILED', 'flowRunId');
      expectError(await server.api.get('/flows/name/a%00b'), 422, 'VALIDATION_FAILED', 'name');
      expectError(await server.api.get('/concurrency-limits/tag/%00'), 422, 'VALIDATION_FAILED', 'tag');
    });
  });
});
