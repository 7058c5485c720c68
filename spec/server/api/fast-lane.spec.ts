import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { HOT_ROUTES } from '@rigel/server/app';
import { createFastLane } from '@rigel/server/api/fast-lane';
import { RequestGuards } from '@rigel/server/api/middleware';
import { allRoutes } from '@rigel/server/api/routes/index';
import { expectError, Fixtures, MISSING_ID, rowCounts } from '../../support/api';
import { startTestServer, type ApiResponse, type TestServer } from '../../support/server';

/** A raw HTTP request, so that every header (and the body bytes) is exactly as given. */
function rawRequest(
  url: string,
  method: string,
  path: string,
  body: Buffer | string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = httpRequest({ host: target.hostname, port: target.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString(), headers: res.headers }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const FALLBACK = 299;

describe('API fast lane (the per-task routes answered on node:http)', () => {
  let server: TestServer;
  let fixtures: Fixtures;
  before(async () => {
    server = await startTestServer();
    fixtures = new Fixtures(server.api);
  });
  after(() => server.stop());

  describe('which requests it takes', () => {
    let lane: Server;
    let laneUrl: string;
    let runId: string;
    before(async () => {
      const routes = allRoutes(server.services).filter((r) => HOT_ROUTES.has(`${r.method} ${r.path}`));
      const fastLane = createFastLane(routes, new RequestGuards(0, undefined), 1024, () => undefined);
      lane = createServer((req, res) => {
        if (fastLane(req, res)) return;
        req.resume();
        res.statusCode = FALLBACK;
        res.end('left to Express');
      });
      await new Promise<void>((resolve) => lane.listen(0, '127.0.0.1', resolve));
      laneUrl = `http://127.0.0.1:${(lane.address() as AddressInfo).port}`;
      runId = (await fixtures.flowRun()).id;
    });
    after(() => new Promise<void>((resolve) => lane.close(() => resolve())));

    const body = JSON.stringify({ state: { type: 'PENDING' } });
    const json = (extra: Record<string, string> = {}) => ({ 'content-type': 'application/json', ...extra });

    it('takes a plain JSON POST to each per-task route', async () => {
      for (const path of [
        `/api/flow-runs/${runId}/set-state`,
        `/api/task-runs/${MISSING_ID}/set-state`,
        '/api/task-runs',
        '/api/task-runs/batch',
        '/api/logs',
      ]) {
        for (const contentType of [
          'application/json',
          'application/json; charset=utf-8',
          'Application/JSON;charset="UTF-8"',
        ]) {
          const res = await rawRequest(laneUrl, 'POST', path, '{}', { 'content-type': contentType });
          expect(res.status, `${path} ${contentType}: ${res.text}`).to.not.equal(FALLBACK);
          expect(res.headers['content-type']).to.match(/^application\/json/);
        }
      }
    });

    it('leaves everything else to Express', async () => {
      const path = `/api/flow-runs/${runId}/set-state`;
      const cases: [string, string, string, Buffer | string, Record<string, string>][] = [
        ['another JSON media type', 'POST', path, body, { 'content-type': 'application/vnd.rigel+json' }],
        ['another charset', 'POST', path, body, { 'content-type': 'application/json; charset=utf-16' }],
        ['no content type', 'POST', path, body, {}],
        ['a compressed body', 'POST', path, gzipSync(body), json({ 'content-encoding': 'gzip' })],
        ['a chunked body', 'POST', path, body, json({ 'transfer-encoding': 'chunked' })],
        ['a body over the limit', 'POST', path, 'x'.repeat(2048), json()],
        ['a query string', 'POST', `${path}?x=1`, body, json()],
        ['a percent-encoded path', 'POST', `/api/flow-runs/${runId.replace('-', '%2D')}/set-state`, body, json()],
        ['a trailing slash', 'POST', `${path}/`, body, json()],
        ['another method', 'PUT', path, body, json()],
        ['another route', 'POST', '/api/flows', body, json()],
        ['a path outside the API', 'POST', '/flow-runs/x/set-state', body, json()],
      ];
      for (const [what, method, target, payload, headers] of cases) {
        const res = await rawRequest(laneUrl, method, target, payload, headers);
        expect(res.status, what).to.equal(FALLBACK);
      }
    });
  });

  describe('answers as Express does', () => {
    // The same request in the lane (application/json) and through Express (a JSON media type the lane
    // leaves alone): the same status and body.
    async function both(path: string, body: string): Promise<[ApiResponse<any>, ApiResponse<any>]> {
      const lane = await server.api.request('POST', path, body, { 'content-type': 'application/json' });
      const express = await server.api.request('POST', path, body, { 'content-type': 'application/merge-patch+json' });
      return [lane, express];
    }

    it('writes an accepted state either way', async () => {
      const [a, b] = [(await fixtures.flowRun()).id, (await fixtures.flowRun()).id];
      const lane = await server.api.request('POST', `/flow-runs/${a}/set-state`, '{"state":{"type":"RUNNING"}}');
      const express = await server.api.request('POST', `/flow-runs/${b}/set-state`, '{"state":{"type":"RUNNING"}}', {
        'content-type': 'application/merge-patch+json',
      });
      for (const res of [lane, express]) {
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
        expect(res.body).to.nested.include({ status: 'ACCEPT', 'state.type': 'RUNNING' });
      }
      for (const id of [a, b]) expect((await server.api.get(`/flow-runs/${id}`)).body.stateType).to.equal('RUNNING');
    });

    const bad: [string, (runId: string) => string, string, number, string, string][] = [
      [
        'an invalid field',
        (id) => `/flow-runs/${id}/set-state`,
        '{"state":{"type":"NOPE"}}',
        422,
        'VALIDATION_FAILED',
        'state.type',
      ],
      [
        'an unknown field',
        (id) => `/flow-runs/${id}/set-state`,
        '{"state":{"type":"PENDING"},"x":1}',
        422,
        'VALIDATION_FAILED',
        'x',
      ],
      ['an empty body', (id) => `/flow-runs/${id}/set-state`, '', 422, 'VALIDATION_FAILED', 'state'],
      ['a body that is not JSON', (id) => `/flow-runs/${id}/set-state`, '{"state":', 400, 'VALIDATION_FAILED', 'body'],
      ['a body that is not an object', (id) => `/flow-runs/${id}/set-state`, '[1]', 422, 'VALIDATION_FAILED', 'body'],
      [
        'JSON nested 65 levels',
        (id) => `/flow-runs/${id}/set-state`,
        `{"state":{"type":"PENDING","data":${'['.repeat(64)}${']'.repeat(64)}}}`,
        422,
        'VALIDATION_FAILED',
        'body',
      ],
      [
        'a NUL character',
        (id) => `/flow-runs/${id}/set-state`,
        '{"state":{"type":"PENDING","message":"a\\u0000b"}}',
        422,
        'VALIDATION_FAILED',
        'state.message',
      ],
      [
        'an id that is not a UUID',
        () => '/flow-runs/not-a-uuid/set-state',
        '{"state":{"type":"PENDING"}}',
        422,
        'VALIDATION_FAILED',
        'id',
      ],
      [
        'an unknown run',
        () => `/task-runs/${MISSING_ID}/set-state`,
        '{"state":{"type":"RUNNING"}}',
        404,
        'OBJECT_NOT_FOUND',
        '',
      ],
      [
        'a task run of an unknown flow run',
        () => '/task-runs',
        `{"flowRunId":"${MISSING_ID}","taskKey":"t","dynamicKey":"0"}`,
        404,
        'OBJECT_NOT_FOUND',
        '',
      ],
      ['a batch that is not an array', () => '/task-runs/batch', '{}', 422, 'VALIDATION_FAILED', 'body'],
      [
        'a log line without a level',
        () => '/logs',
        `[{"flowRunId":"${MISSING_ID}","message":"m","timestamp":"2026-01-01T00:00:00Z"}]`,
        422,
        'VALIDATION_FAILED',
        '[0].level',
      ],
    ];
    for (const [what, path, body, status, code, field] of bad) {
      it(`refuses ${what} with the same ${status} and writes nothing`, async () => {
        const runId = (await fixtures.flowRun()).id;
        const before = await rowCounts(server.services.db);
        const [lane, express] = await both(path(runId), body);
        expect(await rowCounts(server.services.db)).to.deep.equal(before);
        expectError(lane, status, code, field || undefined);
        expect(lane.status).to.equal(express.status);
        expect(lane.body).to.deep.equal(express.body);
      });
    }

    it('reads a body that starts with a byte-order mark, as Express does', async () => {
      const runId = (await fixtures.flowRun()).id;
      const res = await server.api.request(
        'POST',
        `/flow-runs/${runId}/set-state`,
        '\ufeff{"state":{"type":"RUNNING"}}',
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    });
  });

  describe('guards', () => {
    let guarded: TestServer;
    afterEach(() => guarded.stop());

    it('asks for the API key on the per-task routes too', async () => {
      guarded = await startTestServer({ settings: { apiKey: 'lane-key' } });
      const path = `/task-runs/${MISSING_ID}/set-state`;
      const body = '{"state":{"type":"RUNNING"}}';
      const lane = await guarded.api.request('POST', path, body);
      const express = await guarded.api.request('POST', path, body, { 'content-type': 'application/merge-patch+json' });
      expectError(lane, 401, 'UNAUTHORIZED');
      expect(lane.body).to.deep.equal(express.body);
      const keyed = await guarded.api.request('POST', path, body, { authorization: 'Bearer lane-key' });
      expectError(keyed, 404, 'OBJECT_NOT_FOUND');
    });

    it('counts lane and Express requests in one rate-limit window', async () => {
      guarded = await startTestServer({ settings: { rateLimitPerSecond: 4 } });
      // Align to the start of a second, so that the five requests fall into one window.
      await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
      const path = `/task-runs/${MISSING_ID}/set-state`;
      const body = '{"state":{"type":"RUNNING"}}';
      const statuses: number[] = [];
      for (const contentType of [
        'application/json',
        'application/merge-patch+json',
        'application/json',
        'application/merge-patch+json',
      ]) {
        statuses.push((await guarded.api.request('POST', path, body, { 'content-type': contentType })).status);
      }
      expect(statuses).to.deep.equal([404, 404, 404, 404]);
      const limited = await guarded.api.request('POST', path, body);
      expectError(limited, 429, 'RATE_LIMITED');
      expect(limited.headers.get('retry-after')).to.equal('1');
    });
  });
});
