/**
 * `rigel run <file> [--param key=value …] [--flow name]`: compile and load a flow file, pick its flow,
 * run it (ephemeral on the local database, or through RIGEL_API_URL), print the final state.
 * Exit codes: 0 Completed, 1 the run did not complete, 2 usage or compile errors.
 */
import type { State } from '@rigel/server';
import { withOptions } from '../decorators/invokers';
import { loadResult } from '../engine/results';
import { runtime, shutdown } from '../engine/runtime';
import { printLogsToStderr } from '../logging/run-logger';
import { registeredFlows, type FlowDefinition } from '../metadata/registry';
import { FlowFileError, loadFlowFile } from './load-file';

export interface RunOptions {
  param: string[];
  params?: string;
  flow?: string;
  json?: boolean;
  typeCheck?: boolean;
}

export class UsageError extends Error {}

/** `key=value`: the value is parsed as JSON when it is valid JSON, else taken as a string. */
export function parseParams(pairs: string[], json?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (error) {
      throw new UsageError(`--params is not valid JSON: ${(error as Error).message}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new UsageError('--params must be a JSON object');
    Object.assign(out, parsed);
  }
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param expects key=value, got "${pair}"`);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    out[pair.slice(0, eq)] = value;
  }
  return out;
}

function pickFlow(files: string[], name: string | undefined): FlowDefinition {
  const inFiles = registeredFlows().filter((f) => files.some((file) => f.definedAt.startsWith(`${file}:`)));
  const candidates = inFiles.length ? inFiles : registeredFlows();
  if (name) {
    const found = candidates.find((f) => f.name === name || f.qualifiedName === name);
    if (!found)
      throw new UsageError(
        `No flow named "${name}"; flows in this file: ${candidates.map((f) => f.name).join(', ') || 'none'}`,
      );
    return found;
  }
  if (candidates.length === 0)
    throw new UsageError('No flow found in this file: decorate a method with @Flow() (or use flow(fn))');
  if (candidates.length > 1)
    throw new UsageError(
      `This file has several flows; choose one with --flow: ${candidates.map((f) => f.name).join(', ')}`,
    );
  return candidates[0]!;
}

function callableFor(definition: FlowDefinition): (...args: unknown[]) => Promise<unknown> {
  if (!definition.owner) {
    throw new UsageError(
      `Flow "${definition.name}" was created with flow(); export it and call it from a script, or use @Flow() on a class method`,
    );
  }
  let target: object = definition.owner;
  if (!definition.isStatic) {
    try {
      target = new (definition.owner as unknown as new () => object)();
    } catch (error) {
      throw new UsageError(
        `Could not construct ${definition.owner.name} with no arguments to run ${definition.qualifiedName}: ${(error as Error).message}`,
      );
    }
  }
  return (target as Record<string, (...args: unknown[]) => Promise<unknown>>)[definition.methodName]!;
}

export async function runCommand(file: string, options: RunOptions): Promise<number> {
  try {
    if (options.json) printLogsToStderr();
    const parameters = parseParams(options.param, options.params);
    const files = loadFlowFile(file, { typeCheck: options.typeCheck });
    const definition = pickFlow(files, options.flow);
    const known = new Set(definition.params.map((p) => p.name));
    const unknown = Object.keys(parameters).filter((k) => !known.has(k));
    if (unknown.length)
      throw new UsageError(
        `Unknown parameter(s) ${unknown.join(', ')}; "${definition.name}" takes: ${[...known].join(', ') || 'none'}`,
      );
    const args = definition.params.map((p) => parameters[p.name]);
    const state = (await withOptions(callableFor(definition), { returnState: true })(...args)) as unknown as State;
    const rt = runtime();
    const result =
      state.type === 'COMPLETED'
        ? await loadResult(rt.client, state.data, definition.name).catch(() => undefined)
        : undefined;
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({ flow: definition.name, flowRunId: state.stateDetails.flowRunId, state, result }, null, 2)}\n`,
      );
    } else {
      const where = rt.client.mode === 'remote' ? rt.client.target : `the local database (${rt.client.target})`;
      process.stdout.write(
        `\nFlow run ${state.stateDetails.flowRunId} of "${definition.name}" finished ${state.name}${state.message ? `: ${state.message}` : ''} (recorded in ${where})\n`,
      );
      if (result !== undefined)
        process.stdout.write(
          `Result: ${JSON.stringify(result, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n`,
        );
    }
    await shutdown();
    return state.type === 'COMPLETED' ? 0 : 1;
  } catch (error) {
    if (error instanceof UsageError || error instanceof FlowFileError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
