import { expect } from 'chai';
import { expectError, expectNothingWritten, Fixtures, MISSING_ID } from '../../support/api';
import { startTestServer, type TestServer } from '../../support/server';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

describe('logs API', () => {
  let server: TestServer;
  let fx: Fixtures;
  let flowRunId: string;
  beforeEach(async () => {
    server = await startTestServer({ fakeClock: true });
    fx = new Fixtures(server.api);
    flowRunId = (await fx.runningFlowRun()).id;
  });
  afterEach(() => server.stop());

  const line = (overrides: Record<string, unknown> = {}) => ({
    name: 'rigel.flow',
    level: 20,
    message: 'hello',
    timestamp: at(0),
    flowRunId,
    ...overrides,
  });

  describe('POST /api/logs', () => {
    it('stores a batch and answers 201 with the number stored', async () => {
      const res = await server.api.post('/logs', [line(), line({ level: 40, message: 'ünïcödé ✓ 🚀\n\ttabs' })]);
      expect(res.status).to.equal(201);
      expect(res.body).to.deep.equal({ created: 2 });
      const stored = (await server.api.post('/logs/filter', {})).body;
      expect(stored.map((l: { message: string }) => l.message)).to.deep.equal(['hello', 'ünïcödé ✓ 🚀\n\ttabs']);
      expect(stored[0]).to.include({ name: 'rigel.flow', level: 20, timestamp: at(0), flowRunId, taskRunId: null });
    });

    it('stores a line with a client-chosen id once, however often its batch is sent', async () => {
      const id = '0190f5d4-0000-7000-8000-00000000abcd';
      const first = await server.api.post('/logs', [line({ id: id.toUpperCase(), message: 'once' })]);
      expect(first.body).to.deep.equal({ created: 1 });
      const again = await server.api.post('/logs', [line({ id, message: 'once' }), line({ message: 'new' })]);
      expect(again.status).to.equal(201);
      expect(again.body).to.deep.equal({ created: 1 });
      const stored = (await server.api.post('/logs/filter', {})).body as { id: string; message: string }[];
      expect(stored.map((l) => l.message)).to.deep.equal(['once', 'new']);
      expect(stored[0]!.id).to.equal(id);
    });

    it('accepts an empty batch', async () => {
      const res = await server.api.post('/logs', []);
      expect(res.status).to.equal(201);
      expect(res.body).to.deep.equal({ created: 0 });
    });

    it('refuses the whole batch when one line is invalid, naming the line and field', async () => {
      const res = await expectNothingWritten(server.services.db, () =>
        server.api.post('/logs', [line(), line({ level: 'INFO' }), line({ timestamp: 'now' })]),
      );
      const details = expectError(res, 422, 'VALIDATION_FAILED', '[1].level');
      expect(details.map((d) => d.field)).to.include('[2].timestamp');
    });

    for (const [what, body, field] of [
      ['an object instead of a list', { lines: [] }, 'body'],
      ['a line that is not an object', ['hello'], '[0].body'],
      ['a level over 100', [line({ level: 101 })], '[0].level'],
      ['a missing message', [line({ message: undefined })], '[0].message'],
      ['a malformed flowRunId', [line({ flowRunId: 'x' })], '[0].flowRunId'],
      ['a malformed id', [line({ id: 'line-1' })], '[0].id'],
      ['an unknown field', [line({ extra: 1 })], '[0].extra'],
    ] as const) {
      it(`refuses ${what} with 422 naming ${field}`, async () => {
        const res = await expectNothingWritten(server.services.db, () => server.api.post('/logs', body));
        expectError(res, 422, 'VALIDATION_FAILED', field);
      });
    }

    it('refuses more than 10000 lines with 422 naming body', async () => {
      const lines = new Array(10_001).fill(line({ message: '' }));
      const res = await expectNothingWritten(server.services.db, () => server.api.post('/logs', lines));
      expectError(res, 422, 'VALIDATION_FAILED', 'body');
    });

    it('answers 404 when a line names a flow run that does not exist, and stores no line', async () => {
      const res = await expectNothingWritten(server.services.db, () =>
        server.api.post('/logs', [line(), line({ flowRunId: MISSING_ID })]),
      );
      expectError(res, 404, 'OBJECT_NOT_FOUND');
    });
  });

  describe('POST /api/logs/filter', () => {
    let taskRunId: string;
    beforeEach(async () => {
      taskRunId = (await fx.taskRun(flowRunId)).id;
      const otherRun = (await fx.flowRun()).id;
      const res = await server.api.post('/logs', [
        line({ message: 'a', level: 10, timestamp: at(3) }),
        line({ message: 'b', level: 20, timestamp: at(1), taskRunId }),
        line({ message: 'c', level: 40, timestamp: at(2), flowRunId: otherRun }),
        line({ message: 'd', level: 50, timestamp: at(4) }),
      ]);
      expect(res.status).to.equal(201);
    });

    const messages = (body: { message: string }[]) => body.map((l) => l.message);
    const filter = async (body: object) => {
      const res = await server.api.post('/logs/filter', body);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return messages(res.body);
    };

    it('lists lines oldest first by default, newest first with TIMESTAMP_DESC', async () => {
      expect(await filter({})).to.deep.equal(['b', 'c', 'a', 'd']);
      expect(await filter({ sort: 'TIMESTAMP_DESC' })).to.deep.equal(['d', 'a', 'c', 'b']);
    });

    it('filters by flow run, task run, level and time', async () => {
      expect(await filter({ logs: { flowRunId: { any: [flowRunId] } } })).to.deep.equal(['b', 'a', 'd']);
      expect(await filter({ logs: { taskRunId: { any: [taskRunId] } } })).to.deep.equal(['b']);
      expect(await filter({ logs: { taskRunId: { isNull: true } } })).to.deep.equal(['c', 'a', 'd']);
      expect(await filter({ logs: { level: { ge: 20, le: 40 } } })).to.deep.equal(['b', 'c']);
      expect(await filter({ logs: { timestamp: { after: at(2), before: at(3) } } })).to.deep.equal(['c', 'a']);
    });

    it('treats null operators as no condition', async () => {
      const filters = { logs: { level: { ge: null, le: null }, taskRunId: { isNull: null } } };
      expect(await filter(filters)).to.deep.equal(['b', 'c', 'a', 'd']);
    });

    it('pages with limit and offset', async () => {
      expect(await filter({ limit: 2, offset: 1 })).to.deep.equal(['c', 'a']);
    });

    for (const [body, field] of [
      [{ logs: { bogus: 1 } }, 'logs.bogus'],
      [{ logs: [] }, 'logs'],
      [{ logs: { level: { gt: 10 } } }, 'logs.level.gt'],
      [{ logs: { flowRunId: { any: ['x'] } } }, 'logs.flowRunId.any'],
      [{ sort: 'LEVEL_DESC' }, 'sort'],
      [{ limit: 0 }, 'limit'],
    ] as const) {
      it(`refuses ${JSON.stringify(body)} with 422 naming ${field}`, async () => {
        expectError(await server.api.post('/logs/filter', body), 422, 'VALIDATION_FAILED', field);
      });
    }
  });
});
