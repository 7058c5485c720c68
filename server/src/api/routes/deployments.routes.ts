import { IdParamsDto } from '../../schemas/dto/common.dto';
import {
  DeploymentCreateDto,
  DeploymentFlowRunCreateDto,
  DeploymentNameParamsDto,
  DeploymentScheduleCreateDto,
  DeploymentScheduleParamsDto,
  DeploymentScheduleUpdateDto,
  DeploymentUpdateDto,
} from '../../schemas/dto/deployment.dto';
import { DeploymentFilterDto, DeploymentFiltersDto } from '../../schemas/dto/filters.dto';
import type { Services } from '../../services';
import { defineRoute, type AnyRoute } from '../route';

export function deploymentsRoutes({ deployments }: Services): AnyRoute[] {
  const tag = 'Deployments';
  const notFound = { 404: { description: 'No such deployment' } };
  return [
    defineRoute({
      method: 'post',
      path: '/deployments',
      summary: 'Create a deployment, or update the one with the same flow and name',
      tag,
      body: DeploymentCreateDto,
      responses: {
        201: { description: 'Created', schema: 'Deployment' },
        200: { description: 'Updated', schema: 'Deployment' },
        404: { description: 'No such flow or work pool' },
      },
      handler: async ({ body }) => {
        const { deployment, created } = await deployments.create(body);
        return { status: created ? 201 : 200, body: deployment };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/deployments/filter',
      summary: 'List deployments',
      tag,
      body: DeploymentFilterDto,
      responses: { 200: { description: 'Deployments', schema: 'Deployment', array: true } },
      handler: async ({ body }) => ({ status: 200, body: await deployments.filter(body) }),
    }),
    defineRoute({
      method: 'post',
      path: '/deployments/count',
      summary: 'Count deployments',
      tag,
      body: DeploymentFiltersDto,
      responses: { 200: { description: 'The number of matching deployments', schema: 'Count' } },
      handler: async ({ body }) => ({ status: 200, body: await deployments.count(body) }),
    }),
    defineRoute({
      method: 'get',
      path: '/deployments/name/:flowName/:deploymentName',
      summary: 'Read a deployment by flow name and deployment name',
      tag,
      params: DeploymentNameParamsDto,
      responses: { 200: { description: 'The deployment', schema: 'Deployment' }, ...notFound },
      handler: async ({ params }) => ({
        status: 200,
        body: await deployments.readByName(params.flowName, params.deploymentName),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/deployments/:id',
      summary: 'Read a deployment (with its schedules)',
      tag,
      params: IdParamsDto,
      responses: { 200: { description: 'The deployment', schema: 'Deployment' }, ...notFound },
      handler: async ({ params }) => ({ status: 200, body: await deployments.read(params.id) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/deployments/:id',
      summary: 'Update a deployment (its future auto-scheduled runs are rebuilt)',
      tag,
      params: IdParamsDto,
      body: DeploymentUpdateDto,
      responses: { 200: { description: 'The deployment', schema: 'Deployment' }, ...notFound },
      handler: async ({ params, body }) => ({ status: 200, body: await deployments.update(params.id, body) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/deployments/:id',
      summary: 'Delete a deployment, its schedules and its runs that have not started',
      tag,
      params: IdParamsDto,
      responses: { 204: { description: 'Deleted' }, ...notFound },
      handler: async ({ params }) => {
        await deployments.delete(params.id);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/deployments/:id/pause',
      summary: 'Pause a deployment: no new scheduled runs, future auto-scheduled runs removed',
      tag,
      params: IdParamsDto,
      responses: { 200: { description: 'The deployment', schema: 'Deployment' }, ...notFound },
      handler: async ({ params }) => ({ status: 200, body: await deployments.setPaused(params.id, true) }),
    }),
    defineRoute({
      method: 'post',
      path: '/deployments/:id/resume',
      summary: 'Resume a paused deployment',
      tag,
      params: IdParamsDto,
      responses: { 200: { description: 'The deployment', schema: 'Deployment' }, ...notFound },
      handler: async ({ params }) => ({ status: 200, body: await deployments.setPaused(params.id, false) }),
    }),
    defineRoute({
      method: 'post',
      path: '/deployments/:id/create-flow-run',
      summary: "Create a run of the deployment (parameters checked against the deployment's schema)",
      tag,
      params: IdParamsDto,
      body: DeploymentFlowRunCreateDto,
      responses: {
        201: { description: 'Created', schema: 'FlowRun' },
        200: { description: 'A run with this idempotency key already existed', schema: 'FlowRun' },
        ...notFound,
      },
      handler: async ({ params, body }) => {
        const { run, created, orchestrationResult } = await deployments.createFlowRun(params.id, body);
        return { status: created ? 201 : 200, body: orchestrationResult ? { ...run, orchestrationResult } : run };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/deployments/:id/schedules',
      summary: 'Add a schedule to a deployment',
      tag,
      params: IdParamsDto,
      body: DeploymentScheduleCreateDto,
      responses: { 201: { description: 'Created', schema: 'DeploymentSchedule' }, ...notFound },
      handler: async ({ params, body }) => ({ status: 201, body: await deployments.addSchedule(params.id, body) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/deployments/:id/schedules/:scheduleId',
      summary: 'Change a schedule (its future auto-scheduled runs are rebuilt)',
      tag,
      params: DeploymentScheduleParamsDto,
      body: DeploymentScheduleUpdateDto,
      responses: {
        200: { description: 'The schedule', schema: 'DeploymentSchedule' },
        404: { description: 'No such schedule' },
      },
      handler: async ({ params, body }) => ({
        status: 200,
        body: await deployments.updateSchedule(params.id, params.scheduleId, body),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/deployments/:id/schedules/:scheduleId',
      summary: 'Delete a schedule and its future auto-scheduled runs',
      tag,
      params: DeploymentScheduleParamsDto,
      responses: { 204: { description: 'Deleted' }, 404: { description: 'No such schedule' } },
      handler: async ({ params }) => {
        await deployments.deleteSchedule(params.id, params.scheduleId);
        return { status: 204 };
      },
    }),
  ];
}
