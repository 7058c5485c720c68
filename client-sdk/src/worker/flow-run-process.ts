#!/usr/bin/env node
/**
 * The process a worker starts for one claimed flow run (RIGEL_FLOW_RUN_ID): loads the deployment's
 * entrypoint from its working directory and runs that flow run with it. Exit code 0 when the run
 * Completed, 1 otherwise; a file that cannot be loaded fails the run with the reason.
 */
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { runFlowRunById } from '../engine/flow-engine';
import { proposeState } from '../engine/propose';
import { runtime, shutdown } from '../engine/runtime';
import { loadEntrypoint } from './entrypoint';

async function main(): Promise<number> {
  const id = process.env.RIGEL_FLOW_RUN_ID;
  if (!id) throw new Error('RIGEL_FLOW_RUN_ID is not set: this process is started by `rigel worker`');
  const client = runtime().client;
  const run = await client.readFlowRun(id);
  if (!run.deploymentId) throw new Error(`Flow run ${id} has no deployment, so there is no code to run it with`);
  const deployment = await client.readDeployment(run.deploymentId);
  let loaded: Awaited<ReturnType<typeof loadEntrypoint>>;
  try {
    const cwd = deployment.path && existsSync(deployment.path) ? deployment.path : process.cwd();
    process.chdir(cwd);
    loaded = await loadEntrypoint(deployment.entrypoint, cwd);
  } catch (error) {
    const message = `Could not load the deployment's entrypoint ${deployment.entrypoint}: ${(error as Error).message}`;
    process.stderr.write(`${message}\n`);
    await proposeState(client, 'flow', id, { type: 'FAILED', message });
    return 1;
  }
  const state = await runFlowRunById(loaded.definition, loaded.thisArg, id);
  // A suspended run (PAUSED) is not a failure: the process's work is done until the run is resumed.
  return state.type === 'COMPLETED' || state.type === 'PAUSED' ? 0 : 1;
}

main()
  .then(async (code) => {
    await shutdown();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    process.stderr.write(`rigel: ${error instanceof Error ? error.message : String(error)}\n`);
    await shutdown().catch(() => undefined);
    process.exit(1);
  });
