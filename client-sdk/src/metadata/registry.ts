/**
 * The registry of flows and tasks of this process. Decorators only record here (and install the
 * invoker); the engine reads the records. Reading `design:paramtypes` and the source happens once,
 * when a definition is registered, never per call.
 */
import { DuplicateNameError } from '../errors';
import { definitionSite, kebab, parameterNames, parametersWithDefaults, sourceHash } from './naming';
import type { FlowOptions, TaskOptions } from './options';
import { describeParameters, type ParameterSpec } from './parameters';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (...args: any[]) => any;

interface DefinitionBase {
  name: string;
  /** The class a decorated method belongs to (the constructor itself for static methods). */
  owner?: AnyFunction;
  methodName: string;
  isStatic: boolean;
  /** `Class.method` or the function name: shown in errors. */
  qualifiedName: string;
  fn: AnyFunction;
  params: ParameterSpec[];
  version: string;
  sourceHash: string;
  definedAt: string;
}

export interface FlowDefinition extends DefinitionBase {
  kind: 'flow';
  options: FlowOptions;
}

export interface TaskDefinition extends DefinitionBase {
  kind: 'task';
  /** Stable per task: identifies its runs within a flow run (with a per-run call counter). */
  taskKey: string;
  options: TaskOptions;
}

const flows = new Map<string, FlowDefinition>();
const tasks = new Map<string, TaskDefinition>();

function register<D extends FlowDefinition | TaskDefinition>(map: Map<string, D>, definition: D): D {
  const existing = map.get(definition.name);
  if (existing) {
    const what = definition.kind === 'flow' ? 'Flow' : 'Task';
    throw new DuplicateNameError(
      `${what} name "${definition.name}" is defined twice: ${existing.qualifiedName} at ${existing.definedAt} and ` +
        `${definition.qualifiedName} at ${definition.definedAt}. Give one of them another name, ` +
        `e.g. @${what}({ name: '${definition.name}-2' }).`,
    );
  }
  map.set(definition.name, definition);
  return definition;
}

export interface Site {
  owner?: AnyFunction;
  className?: string;
  methodName: string;
  isStatic: boolean;
}

function base(fn: AnyFunction, site: Site, paramTypes: unknown[] | undefined, name?: string, version?: string) {
  const source = Function.prototype.toString.call(fn);
  const hash = sourceHash(source);
  return {
    name: name ?? defaultName(site.className, site.methodName),
    qualifiedName: site.className ? `${site.className}.${site.methodName}` : site.methodName,
    owner: site.owner,
    methodName: site.methodName,
    isStatic: site.isStatic,
    fn,
    params: describeParameters(parameterNames(fn), paramTypes, parametersWithDefaults(fn)),
    version: version ?? hash,
    sourceHash: hash,
    definedAt: definitionSite(),
  };
}

export function defaultName(className: string | undefined, methodName: string): string {
  return className ? `${kebab(className)}.${kebab(methodName)}` : kebab(methodName);
}

export function registerFlow(
  fn: AnyFunction,
  site: Site,
  paramTypes: unknown[] | undefined,
  options: FlowOptions,
): FlowDefinition {
  const common = base(fn, site, paramTypes, options.name, options.version);
  return register(flows, { kind: 'flow', ...common, options });
}

export function registerTask(
  fn: AnyFunction,
  site: Site,
  paramTypes: unknown[] | undefined,
  options: TaskOptions,
): TaskDefinition {
  const common = base(fn, site, paramTypes, options.name, options.version);
  return register(tasks, { kind: 'task', ...common, taskKey: common.name, options });
}

export function registeredFlows(): FlowDefinition[] {
  return [...flows.values()];
}

export function registeredTasks(): TaskDefinition[] {
  return [...tasks.values()];
}
