import { expect } from 'chai';
import { FakeClock } from '@rigel/server/orchestration/clock';
import { expectError, expectNothingWritten, MISSING_ID } from '../../support/api';
import { startTestServer, type TestServer } from '../../support/server';

describe('deployments API', () => {
  let server: TestServer;
  let flowId: string;
  beforeEach(async () => {
    server = await startTestServer({ fakeClock: new FakeClock('2030-01-01T00:00:00.000Z') });
    flowId = (await server.api.post('/flows', { name: 'etl' })).body.id;
  });
  afterEach(() => server.stop());

  const deploymentBody = (extra: Record<string, unknown> = {}) => ({
    name: 'nightly',
    flowId,
    entrypoint: 'flows/etl.ts:Etl.run',
    ...extra,
  });
  const create = (extra: Record<string, unknown> = {}) => server.api.post('/deployments', deploymentBody(extra));
  const fields = (body: { error: { details?: { field: string }[] } }) => body.error.details?.map((d) => d.field);

  describe('POST /deployments', () => {
    it('answers 201 with the deployment and its schedules, then 200 for the same flow and name', async () => {
      const first = await create({ schedules: [{ schedule: { cron: '0 9 * * *', timezone: 'Europe/Berlin' } }] });
      expect(first.status).to.equal(201);
      expect(first.body).to.include({ name: 'nightly', flowId, paused: false, enforceParameterSchema: true });
      expect(first.body.schedules).to.have.length(1);
      expect(first.body.schedules[0]).to.deep.include({
        schedule: { cron: '0 9 * * *', timezone: 'Europe/Berlin' },
        active: true,
        deploymentId: first.body.id,
      });
      const again = await create({ version: '2' });
      expect(again.status).to.equal(200);
      expect(again.body).to.include({ id: first.body.id, version: '2' });
    });

    it('answers 422 naming the bad field of each invalid schedule, and writes nothing', async () => {
      const response = await expectNothingWritten(server.services.db, () =>
        create({
          schedules: [{ schedule: { cron: 'at nine' } }, { schedule: { interval: 60, timezone: 'Nowhere/City' } }],
        }),
      );
      expectError(response, 422, 'VALIDATION_FAILED', 'schedules[0].schedule.cron');
      expect(fields(response.body)).to.deep.equal(['schedules[0].schedule.cron', 'schedules[1].schedule.timezone']);
    });

    it('answers 422 for a parameter schema that is not a JSON schema', async () => {
      const response = await create({ parameterSchema: { type: 'no-such-type' } });
      expect(response.status).to.equal(422);
      expect(fields(response.body)).to.deep.equal(['parameterSchema']);
    });

    it('accepts a parameter schema with an $id again on upsert, and for another deployment', async () => {
      const parameterSchema = { $id: 'https://rigel.dev/etl-params', type: 'object' };
      expect((await create({ parameterSchema })).status).to.equal(201);
      expect((await create({ parameterSchema })).status).to.equal(200);
      expect((await create({ name: 'weekly', parameterSchema })).status).to.equal(201);
    });

    it('answers 404 for an unknown flow or an unknown work pool', async () => {
      const noFlow = await create({ flowId: MISSING_ID });
      expect(noFlow.status).to.equal(404);
      const noPool = await create({ workPoolName: 'missing-pool' });
      expect(noPool.status).to.equal(404);
      expect(noPool.body.error.message).to.equal('Work pool missing-pool was not found');
    });

    it('puts the deployment in the default queue of its pool, or the named queue', async () => {
      const pool = (await server.api.post('/work-pools', { name: 'local' })).body;
      expect((await create({ workPoolName: 'local' })).body).to.include({
        workPoolName: 'local',
        workQueueName: 'default',
        workQueueId: pool.defaultQueueId,
      });
      const fast = (await server.api.post('/work-pools/local/queues', { name: 'fast' })).body;
      expect((await create({ workPoolName: 'local', workQueueName: 'fast' })).body.workQueueId).to.equal(fast.id);
    });

    it('answers 422 for a queue named without a work pool', async () => {
      const response = await expectNothingWritten(server.services.db, () => create({ workQueueName: 'fast' }));
      expectError(response, 422, 'VALIDATION_FAILED', 'workQueueName');
      const { body } = await create();
      expectError(
        await server.api.patch(`/deployments/${body.id}`, { workQueueName: 'fast' }),
        422,
        'VALIDATION_FAILED',
      );
      const run = await server.api.post(`/deployments/${body.id}/create-flow-run`, { workQueueName: 'fast' });
      expectError(run, 422, 'VALIDATION_FAILED', 'workQueueName');
    });
  });

  describe('reading, listing and counting', () => {
    it('reads a deployment by id and by flow name and deployment name, 404 otherwise', async () => {
      const { body } = await create();
      expect((await server.api.get(`/deployments/${body.id}`)).body.id).to.equal(body.id);
      expect((await server.api.get('/deployments/name/etl/nightly')).body.id).to.equal(body.id);
      expect((await server.api.get('/deployments/name/etl/weekly')).status).to.equal(404);
      expect((await server.api.get('/deployments/00000000-0000-4000-8000-000000000000')).status).to.equal(404);
    });

    it('filters and counts by name, tags, paused and flow name', async () => {
      await create({ name: 'a-nightly', tags: ['etl'] });
      await create({ name: 'b-weekly', tags: ['etl', 'slow'], paused: true });
      const other = (await server.api.post('/flows', { name: 'report' })).body.id;
      await server.api.post('/deployments', { ...deploymentBody({ name: 'c-report' }), flowId: other });
      const names = async (filter: Record<string, unknown>) =>
        (await server.api.post('/deployments/filter', filter)).body.map((d: { name: string }) => d.name);
      expect(await names({})).to.deep.equal(['a-nightly', 'b-weekly', 'c-report']);
      expect(await names({ deployments: { name: { like: 'week' } } })).to.deep.equal(['b-weekly']);
      expect(await names({ deployments: { tags: { all: ['etl', 'slow'] } } })).to.deep.equal(['b-weekly']);
      expect(await names({ deployments: { paused: false } })).to.deep.equal(['a-nightly', 'c-report']);
      expect(await names({ flows: { name: { any: ['report'] } } })).to.deep.equal(['c-report']);
      expect(await names({ sort: 'NAME_DESC', limit: 1 })).to.deep.equal(['c-report']);
      expect((await server.api.post('/deployments/count', { deployments: { tags: { any: ['etl'] } } })).body).to.equal(
        2,
      );
      expect((await server.api.post('/deployments/filter', { deployments: { nope: 1 } })).status).to.equal(422);
    });
  });

  describe('changing and deleting', () => {
    it('updates the given fields with PATCH and leaves the others', async () => {
      const { body } = await create({ description: 'old', tags: ['a'] });
      const patched = await server.api.patch(`/deployments/${body.id}`, { description: 'new', concurrencyLimit: 2 });
      expect(patched.status).to.equal(200);
      expect(patched.body).to.include({ description: 'new', concurrencyLimit: 2 });
      expect(patched.body.tags).to.deep.equal(['a']);
      expect((await server.api.patch(`/deployments/${body.id}`, { paused: 'yes' })).status).to.equal(422);
    });

    it('pauses and resumes', async () => {
      const { body } = await create();
      expect((await server.api.post(`/deployments/${body.id}/pause`)).body.paused).to.equal(true);
      expect((await server.api.get(`/deployments/${body.id}`)).body.paused).to.equal(true);
      expect((await server.api.post(`/deployments/${body.id}/resume`)).body.paused).to.equal(false);
    });

    it('deletes with 204, then answers 404', async () => {
      const { body } = await create();
      expect((await server.api.delete(`/deployments/${body.id}`)).status).to.equal(204);
      expect((await server.api.get(`/deployments/${body.id}`)).status).to.equal(404);
      expect((await server.api.delete(`/deployments/${body.id}`)).status).to.equal(404);
    });
  });

  describe('schedules of a deployment', () => {
    it('adds (201), changes (200) and deletes (204) a schedule', async () => {
      const { body } = await create();
      const added = await server.api.post(`/deployments/${body.id}/schedules`, {
        schedule: { interval: 600 },
        parameters: { n: 1 },
        maxScheduledRuns: 5,
      });
      expect(added.status).to.equal(201);
      expect(added.body).to.deep.include({ schedule: { interval: 600 }, parameters: { n: 1 }, maxScheduledRuns: 5 });
      const path = `/deployments/${body.id}/schedules/${added.body.id}`;
      const changed = await server.api.patch(path, { active: false, schedule: { rrule: 'FREQ=DAILY' } });
      expect(changed.status).to.equal(200);
      expect(changed.body).to.deep.include({ active: false, schedule: { rrule: 'FREQ=DAILY' }, parameters: { n: 1 } });
      expect((await server.api.delete(path)).status).to.equal(204);
      expect((await server.api.get(`/deployments/${body.id}`)).body.schedules).to.deep.equal([]);
      expect((await server.api.delete(path)).status).to.equal(404);
      expect((await server.api.patch(path, { active: true })).status).to.equal(404);
    });

    it('answers 422 naming the field of an invalid schedule', async () => {
      const { body } = await create();
      const bad = await server.api.post(`/deployments/${body.id}/schedules`, { schedule: { cron: '99 * * * *' } });
      expect(bad.status).to.equal(422);
      expect(fields(bad.body)).to.deep.equal(['schedule.cron']);
      const missing = await server.api.post(`/deployments/${body.id}/schedules`, {});
      expect(missing.status).to.equal(422);
      expect(fields(missing.body)).to.deep.equal(['schedule']);
    });

    it('answers 404 for a schedule of an unknown deployment', async () => {
      const response = await server.api.post('/deployments/00000000-0000-4000-8000-000000000000/schedules', {
        schedule: { interval: 60 },
      });
      expect(response.status).to.equal(404);
    });
  });
});
