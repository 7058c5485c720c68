/**
 * Deployments from code: `deploy(new Etl().nightly, { name: 'nightly', cron: '0 3 * * *' })` makes a
 * flow runnable by workers on a schedule or on demand (entrypoint, parameter schema and defaults taken
 * from the flow's definition); `serve(...)` deploys and runs the flows' runs in this process, with no
 * separate worker.
 */
import { hostname } from 'node:os';
import type { DeploymentInfo, DeploymentInput } from '../client/types';
import type { AdminApi } from '../cli/admin';
import type { HttpClient } from '../client/http-client';
import { runFlowRunById } from '../engine/flow-engine';
import { flowId, runtime, type Runtime } from '../engine/runtime';
import type { FlowDefinition } from '../metadata/registry';
import { parameterSchema } from '../metadata/schema';
import { entrypointOf } from '../worker/entrypoint';

export type ScheduleInput =
  | { cron: string; timezone?: string; dayOr?: boolean }
  | { interval: number; anchorDate?: string; timezone?: string }
  | { rrule: string; timezone?: string };

export interface DeployOptions {
  name: string;
  description?: string;
  version?: string;
  tags?: string[];
  /** Default parameters of every run. */
  parameters?: Record<string, unknown>;
  /** The work pool whose workers run it (created if missing; default "default"). */
  workPool?: string;
  workQueue?: string;
  cron?: string;
  interval?: number;
  rrule?: string;
  timezone?: string;
  schedules?: ScheduleInput[];
  paused?: boolean;
  concurrencyLimit?: number;
  collisionStrategy?: 'ENQUEUE' | 'CANCEL_NEW';
  /** Override the entrypoint (`path/to/file.ts:Class.method`) and the folder it is relative to. */
  entrypoint?: string;
  path?: string;
}

export function definitionOf(flow: unknown): FlowDefinition {
  const definition = (flow as { definition?: FlowDefinition } | null)?.definition;
  if (!definition || definition.kind !== 'flow') {
    throw new TypeError('deploy()/serve() take a flow: a @Flow() method (e.g. new Etl().nightly) or a flow(fn)');
  }
  return definition;
}

function schedulesOf(options: DeployOptions): DeploymentInput['schedules'] {
  const list: ScheduleInput[] = [...(options.schedules ?? [])];
  const tz = options.timezone ? { timezone: options.timezone } : {};
  if (options.cron) list.push({ cron: options.cron, ...tz });
  if (options.interval) list.push({ interval: options.interval, ...tz });
  if (options.rrule) list.push({ rrule: options.rrule, ...tz });
  return list.map((schedule) => ({ schedule: schedule as Record<string, unknown> }));
}

/** The deployment request for a flow (used by `deploy()` and `rigel deploy`). */
export function deploymentInput(
  definition: FlowDefinition,
  flowIdValue: string,
  options: DeployOptions,
): DeploymentInput {
  const path = options.path ?? process.cwd();
  return {
    name: options.name,
    flowId: flowIdValue,
    entrypoint: options.entrypoint ?? entrypointOf(definition, path),
    path,
    version: options.version ?? definition.version,
    description: options.description ?? definition.options.description,
    tags: options.tags ?? definition.options.tags ?? [],
    parameters: options.parameters ?? {},
    parameterSchema: parameterSchema(definition.params, definition.fn),
    workPoolName: options.workPool ?? 'default',
    ...(options.workQueue ? { workQueueName: options.workQueue } : {}),
    paused: options.paused ?? false,
    ...(options.concurrencyLimit !== undefined ? { concurrencyLimit: options.concurrencyLimit } : {}),
    ...(options.collisionStrategy ? { collisionStrategy: options.collisionStrategy } : {}),
    schedules: schedulesOf(options),
  };
}

/** Creates or updates the deployment of `flow`; workers of its pool run its scheduled and requested runs. */
export async function deploy(flow: unknown, options: DeployOptions): Promise<DeploymentInfo> {
  const definition = definitionOf(flow);
  const rt = runtime();
  return rt.client.deploy(deploymentInput(definition, await flowId(rt, definition.name), options));
}

export interface ServeOptions {
  /** The pool the served deployments use (default `serve-<hostname>`). */
  workPool?: string;
  /** At most this many runs at once (default 10). */
  limit?: number;
  pollIntervalSeconds?: number;
  /** Stops serving when aborted, like SIGINT/SIGTERM do (runs in flight finish first). */
  signal?: AbortSignal;
}

/**
 * Deploys each flow and runs their runs in this process until it is interrupted (Ctrl+C, SIGTERM or
 * `options.signal`); resolves once the runs in flight have finished. The one-process way to put flows
 * on a schedule. Runs are claimed from the same place the SDK sends runs to (see `configure()`).
 *
 * @example
 * await serve([[new Etl().nightly, { name: 'nightly', cron: '0 3 * * *' }]]);
 */
export async function serve(entries: [unknown, DeployOptions][], options: ServeOptions = {}): Promise<void> {
  const pool = options.workPool ?? `serve-${hostname()}`;
  const byDeployment = new Map<string, { definition: FlowDefinition; thisArg: unknown }>();
  for (const [flow, deployOptions] of entries) {
    const deployment = await deploy(flow, { ...deployOptions, workPool: pool });
    const invoker = flow as { definition: FlowDefinition };
    byDeployment.set(deployment.id, { definition: invoker.definition, thisArg: receiverOf(flow) });
    process.stdout.write(`Serving ${invoker.definition.name}/${deployment.name}\n`);
  }
  const api = await apiOf(runtime());
  // Loaded here: serving needs the worker machinery, deploying alone does not.
  const { Worker } = await import('../worker/worker.js');
  const worker = new Worker(api, {
    pool,
    limit: options.limit ?? 10,
    pollIntervalSeconds: options.pollIntervalSeconds ?? 2,
    execute: async (run) => {
      const target = run.deploymentId ? byDeployment.get(run.deploymentId) : undefined;
      if (!target) throw new Error(`flow run ${run.id} is not of a deployment this process serves`);
      await runFlowRunById(target.definition, target.thisArg, run.id);
    },
  });
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= worker.stop());
  const onStop = () => void stop();
  process.once('SIGINT', onStop);
  process.once('SIGTERM', onStop);
  options.signal?.addEventListener('abort', onStop, { once: true });
  try {
    if (!options.signal?.aborted) await worker.start();
    await stop();
  } finally {
    process.off('SIGINT', onStop);
    process.off('SIGTERM', onStop);
    options.signal?.removeEventListener('abort', onStop);
    await api.close();
  }
}

/** The API the served runs are claimed through: where the SDK's client sends runs. */
async function apiOf(rt: Runtime): Promise<AdminApi> {
  if (rt.client.mode === 'remote') {
    const client = rt.client as HttpClient;
    return { target: client.target, call: (m, p, b) => client.call(m, p, b), close: async () => undefined };
  }
  const { adminApi } = await import('../cli/admin.js');
  return adminApi({ ...rt.settings, apiUrl: undefined });
}

/** The object an invoker was bound to (the instance whose method was passed). */
function receiverOf(flow: unknown): unknown {
  return (flow as { thisArg?: unknown }).thisArg;
}
