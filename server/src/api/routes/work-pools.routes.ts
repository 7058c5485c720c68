import { PageDto } from '../../schemas/dto/common.dto';
import {
  ScheduledRunsQueryDto,
  WorkerHeartbeatDto,
  WorkPoolCreateDto,
  WorkPoolNameParamsDto,
  WorkPoolUpdateDto,
  WorkQueueCreateDto,
  WorkQueueParamsDto,
  WorkQueueUpdateDto,
} from '../../schemas/dto/work-pool.dto';
import type { Services } from '../../services';
import { defineRoute, type AnyRoute } from '../route';

export function workPoolsRoutes({ workPools, clock }: Services): AnyRoute[] {
  const tag = 'Work pools';
  const notFound = { 404: { description: 'No such work pool' } };
  return [
    defineRoute({
      method: 'post',
      path: '/work-pools',
      summary: 'Create a work pool (with a default queue); returns the existing one with 200',
      tag,
      body: WorkPoolCreateDto,
      responses: {
        201: { description: 'Created', schema: 'WorkPool' },
        200: { description: 'Already existed', schema: 'WorkPool' },
      },
      handler: async ({ body }) => {
        const { pool, created } = await workPools.createPool(body);
        return { status: created ? 201 : 200, body: pool };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/work-pools/filter',
      summary: 'List work pools with their status',
      tag,
      body: PageDto,
      responses: { 200: { description: 'Work pools', schema: 'WorkPool', array: true } },
      handler: async ({ body }) => ({ status: 200, body: await workPools.filterPools(body.limit, body.offset) }),
    }),
    defineRoute({
      method: 'get',
      path: '/work-pools/:name',
      summary: 'Read a work pool',
      tag,
      params: WorkPoolNameParamsDto,
      responses: { 200: { description: 'The work pool', schema: 'WorkPool' }, ...notFound },
      handler: async ({ params }) => ({ status: 200, body: await workPools.readPool(params.name) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/work-pools/:name',
      summary: 'Update a work pool (pause with `paused: true`)',
      tag,
      params: WorkPoolNameParamsDto,
      body: WorkPoolUpdateDto,
      responses: { 200: { description: 'The work pool', schema: 'WorkPool' }, ...notFound },
      handler: async ({ params, body }) => ({ status: 200, body: await workPools.updatePool(params.name, body) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/work-pools/:name',
      summary: 'Delete a work pool with its queues and workers',
      tag,
      params: WorkPoolNameParamsDto,
      responses: { 204: { description: 'Deleted' }, ...notFound },
      handler: async ({ params }) => {
        await workPools.deletePool(params.name);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/work-pools/:name/queues',
      summary: 'Create a queue in a work pool',
      tag,
      params: WorkPoolNameParamsDto,
      body: WorkQueueCreateDto,
      responses: {
        201: { description: 'Created', schema: 'WorkQueue' },
        200: { description: 'Already existed', schema: 'WorkQueue' },
        ...notFound,
      },
      handler: async ({ params, body }) => {
        const { queue, created } = await workPools.createQueue(params.name, body);
        return { status: created ? 201 : 200, body: queue };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/work-pools/:name/queues',
      summary: 'The queues of a work pool, by priority',
      tag,
      params: WorkPoolNameParamsDto,
      responses: { 200: { description: 'Queues', schema: 'WorkQueue', array: true }, ...notFound },
      handler: async ({ params }) => ({ status: 200, body: await workPools.filterQueues(params.name) }),
    }),
    defineRoute({
      method: 'get',
      path: '/work-pools/:name/queues/:queueName',
      summary: 'Read a work queue',
      tag,
      params: WorkQueueParamsDto,
      responses: { 200: { description: 'The queue', schema: 'WorkQueue' }, 404: { description: 'No such queue' } },
      handler: async ({ params }) => ({ status: 200, body: await workPools.readQueue(params.name, params.queueName) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/work-pools/:name/queues/:queueName',
      summary: 'Update a work queue (priority, concurrency limit, paused)',
      tag,
      params: WorkQueueParamsDto,
      body: WorkQueueUpdateDto,
      responses: { 200: { description: 'The queue', schema: 'WorkQueue' }, 404: { description: 'No such queue' } },
      handler: async ({ params, body }) => ({
        status: 200,
        body: await workPools.updateQueue(params.name, params.queueName, body),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/work-pools/:name/queues/:queueName',
      summary: 'Delete a work queue (not the default one)',
      tag,
      params: WorkQueueParamsDto,
      responses: { 204: { description: 'Deleted' }, 404: { description: 'No such queue' } },
      handler: async ({ params }) => {
        await workPools.deleteQueue(params.name, params.queueName);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/work-pools/:name/workers/heartbeat',
      summary: "Record a worker's heartbeat (creates the worker on its first)",
      tag,
      params: WorkPoolNameParamsDto,
      body: WorkerHeartbeatDto,
      responses: { 204: { description: 'Recorded' }, ...notFound },
      handler: async ({ params, body }) => {
        await workPools.heartbeat(params.name, body.name, body.heartbeatIntervalSeconds);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/work-pools/:name/workers',
      summary: 'The workers of a pool with their status (ONLINE/OFFLINE)',
      tag,
      params: WorkPoolNameParamsDto,
      responses: { 200: { description: 'Workers', schema: 'Worker', array: true }, ...notFound },
      handler: async ({ params }) => ({ status: 200, body: await workPools.workers(params.name) }),
    }),
    defineRoute({
      method: 'post',
      path: '/work-pools/:name/get-scheduled-flow-runs',
      summary: "Due SCHEDULED runs of the pool's queues (highest priority first); claim each with a PENDING proposal",
      tag,
      params: WorkPoolNameParamsDto,
      body: ScheduledRunsQueryDto,
      responses: { 200: { description: 'Runs', schema: 'FlowRun', array: true }, ...notFound },
      handler: async ({ params, body }) => ({
        status: 200,
        body: await workPools.scheduledRuns(params.name, {
          before: new Date(clock().getTime() + (body.prefetchSeconds ?? 10) * 1000),
          limit: body.limit ?? 10,
          queueNames: body.workQueueNames,
        }),
      }),
    }),
  ];
}
