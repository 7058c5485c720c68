import { expect } from 'chai';
import { allRoutes } from '@rigel/server/api/routes/index';
import type { AnyRoute } from '@rigel/server/api/route';
import { isPostgres } from '../../support/database';
import { expectError } from '../../support/api';
import { startTestServer, type TestServer } from '../../support/server';

type Schema = Record<string, any>;

/** Every `$ref` in `node`, with where it was found. */
function refsIn(node: unknown, path = '#', out: [string, string][] = []): [string, string][] {
  if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push([value, path]);
      else refsIn(value, `${path}/${key}`, out);
    }
  }
  return out;
}

const openApiPath = (route: AnyRoute) => `/api${route.path.replace(/:(\w+)/g, '{$1}')}`;

describe('health, meta and documentation routes', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  describe('GET /api/health', () => {
    it('answers ok with the database dialect', async () => {
      const res = await server.api.get('/health');
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ status: 'ok', database: isPostgres() ? 'postgres' : 'sqlite' });
    });
  });

  describe('GET /api/version', () => {
    it('answers the server version and API version', async () => {
      const res = await server.api.get('/version');
      expect(res.status).to.equal(200);
      expect(res.body.version).to.match(/^\d+\.\d+\.\d+/);
      expect(res.body.api).to.equal('v1');
    });
  });

  describe('when no route matches', () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['PUT', '/flows'],
      ['POST', '/flow-runs/00000000-0000-4000-8000-000000000000/resume-everything'],
      ['DELETE', '/logs'],
    ] as const) {
      it(`answers ${method} /api${path} with a 404 JSON error`, async () => {
        const res = await server.api.request(method, path, method === 'GET' ? undefined : {});
        expectError(res, 404, 'NOT_FOUND');
        expect(res.body.error.message).to.include(`/api${path}`);
      });
    }
  });

  describe('GET /api/openapi.json', () => {
    let doc: Schema;
    let routes: AnyRoute[];
    before(async () => {
      const res = await server.api.get('/openapi.json');
      expect(res.status).to.equal(200);
      doc = res.body;
      routes = allRoutes(server.services);
    });

    it('is an OpenAPI 3 document with info, paths and components', () => {
      expect(doc.openapi).to.match(/^3\.\d+\.\d+$/);
      expect(doc.info).to.include({ title: 'Rigel API' });
      expect(doc.info.version).to.be.a('string').that.is.not.empty;
      expect(doc.paths).to.be.an('object');
      expect(doc.components.schemas).to.be.an('object');
    });

    it('describes every declared route, and nothing else', () => {
      const declared = routes.map((r) => `${r.method} ${openApiPath(r)}`).sort();
      const documented = Object.entries(doc.paths as Record<string, Schema>)
        .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`))
        .sort();
      expect(documented).to.deep.equal(declared);
      expect(declared.length).to.be.greaterThan(30);
    });

    it('gives each operation a summary, responses with descriptions, and its path parameters', () => {
      for (const route of routes) {
        const operation = doc.paths[openApiPath(route)][route.method];
        const where = `${route.method} ${route.path}`;
        expect(operation.summary, where).to.be.a('string').that.is.not.empty;
        const statuses = Object.keys(operation.responses);
        expect(
          statuses.some((s) => s.startsWith('2')),
          where,
        ).to.equal(true);
        for (const response of Object.values(operation.responses as Record<string, Schema>)) {
          expect(response.description, where).to.be.a('string').that.is.not.empty;
        }
        const names = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
        const pathParams = (operation.parameters ?? []).filter((p: Schema) => p.in === 'path');
        expect(
          pathParams.map((p: Schema) => p.name),
          where,
        ).to.deep.equal(names);
        for (const p of pathParams) expect(p.required, where).to.equal(true);
      }
    });

    it('takes request bodies and query parameters from the DTO classes', () => {
      for (const route of routes.filter((r) => r.body)) {
        const spec = route.body!;
        const dto = 'arrayOf' in spec ? spec.arrayOf : spec;
        const schema = doc.paths[openApiPath(route)][route.method].requestBody.content['application/json'].schema;
        const ref = ('arrayOf' in spec ? schema.items : schema).$ref;
        expect(ref, route.path).to.equal(`#/components/schemas/${dto.name}`);
        expect(Object.keys(doc.components.schemas[dto.name].properties ?? {}), dto.name).not.to.be.empty;
      }
      const create = doc.components.schemas.FlowRunCreateDto;
      expect(create.required).to.deep.equal(['flowId']);
      expect(create.properties.flowId).to.include({ type: 'string', format: 'uuid' });
      expect(create.properties.parameters).to.include({ type: 'object' });
      expect(doc.components.schemas.FlowRunUpdateDto).not.to.have.property('required');
      const states = doc.paths['/api/flow-run-states'].get.parameters;
      expect(states).to.deep.include({
        name: 'flowRunId',
        in: 'query',
        required: true,
        schema: { format: 'uuid', type: 'string' },
      });
    });

    it('has no reference that points nowhere', () => {
      for (const [ref, where] of refsIn(doc)) {
        const name = ref.replace('#/components/schemas/', '');
        expect(ref.startsWith('#/components/schemas/') && doc.components.schemas[name], `${ref} at ${where}`).to.be.ok;
      }
    });
  });

  describe('GET /docs', () => {
    it('serves the interactive docs as HTML', async () => {
      const res = await fetch(`${server.url}/docs/`);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/html/);
      expect(await res.text()).to.include('swagger-ui');
    });
  });
});
