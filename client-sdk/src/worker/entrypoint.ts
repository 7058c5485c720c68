/**
 * Entrypoints (`path/to/file.ts:ClassName.method` or `path/to/file.ts:flow-name`): loading the file and
 * finding the flow and the object to call it on.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { registeredFlows, type FlowDefinition } from '../metadata/registry';

export class EntrypointError extends Error {}

export function splitEntrypoint(entrypoint: string): { file: string; qualifier: string } {
  const colon = entrypoint.lastIndexOf(':');
  if (colon <= 0 || colon === entrypoint.length - 1) {
    throw new EntrypointError(`entrypoint "${entrypoint}" should look like path/to/file.ts:ClassName.method`);
  }
  return { file: entrypoint.slice(0, colon), qualifier: entrypoint.slice(colon + 1) };
}

/** The object a flow method is called on: the class itself for static methods, a new instance otherwise. */
export function receiverFor(definition: FlowDefinition): unknown {
  if (!definition.owner) return undefined;
  if (definition.isStatic) return definition.owner;
  try {
    return new (definition.owner as unknown as new () => object)();
  } catch (error) {
    throw new EntrypointError(
      `Could not construct ${definition.owner.name} with no arguments to run ${definition.qualifiedName}: ${(error as Error).message}`,
    );
  }
}

/** Loads the entrypoint's file (relative to `cwd`) and returns its flow with the object to call it on. */
export async function loadEntrypoint(
  entrypoint: string,
  cwd: string,
): Promise<{ definition: FlowDefinition; thisArg: unknown }> {
  const { file, qualifier } = splitEntrypoint(entrypoint);
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  // The TypeScript compiler is loaded only for a .ts entrypoint's first compile.
  const { loadFlowFile } = await import('../cli/load-file.js');
  loadFlowFile(path);
  const definition = registeredFlows().find((f) => f.qualifiedName === qualifier || f.name === qualifier);
  if (!definition) {
    const known = registeredFlows().map((f) => f.qualifiedName);
    throw new EntrypointError(`${file} has no flow "${qualifier}" (it has: ${known.join(', ') || 'none'})`);
  }
  return { definition, thisArg: receiverFor(definition) };
}

/** The entrypoint of a flow definition, relative to `cwd` (for deployments made from code). */
export function entrypointOf(definition: FlowDefinition, cwd: string): string {
  const site = definition.definedAt.replace(/:\d+$/, '');
  const file = relative(cwd, site) || site;
  return `${file}:${definition.owner ? definition.qualifiedName : definition.name}`;
}
