/**
 * `@Flow()` and `@Task()` on class methods (instance or static), and `flow(fn)` / `task(fn)` for plain
 * functions. Decorators only record a definition in the registry (reading `design:paramtypes` once)
 * and install the invoker; the engine does the work when the method is called.
 */
import 'reflect-metadata';
import type { FlowOptions, TaskOptions } from '../metadata/options';
import {
  registerFlow,
  registerTask,
  type Site,
  type AnyFunction,
  type FlowDefinition,
  type TaskDefinition,
} from '../metadata/registry';
import { flowInvoker, taskInvoker, type FlowFunction, type TaskFunction } from './invokers';

function decorate<D extends FlowDefinition | TaskDefinition>(
  register: (fn: AnyFunction, site: Site, paramTypes: unknown[] | undefined) => D,
  makeInvoker: (definition: D, thisArg: unknown) => unknown,
): MethodDecorator {
  return (target, propertyKey, descriptor) => {
    const fn = descriptor.value as unknown;
    if (typeof fn !== 'function')
      throw new TypeError(`@Flow/@Task can only decorate methods (${String(propertyKey)} is not one)`);
    const isStatic = typeof target === 'function';
    const owner = (isStatic ? target : (target as object).constructor) as AnyFunction;
    const paramTypes = Reflect.getMetadata('design:paramtypes', target, propertyKey) as unknown[] | undefined;
    const site: Site = { owner, className: owner.name, methodName: String(propertyKey), isStatic };
    const definition = register(fn as AnyFunction, site, paramTypes);
    const invokers = new WeakMap<object, unknown>();
    return {
      configurable: true,
      enumerable: descriptor.enumerable,
      get(this: object) {
        let invoker = invokers.get(this);
        if (!invoker) {
          invoker = makeInvoker(definition, this);
          invokers.set(this, invoker);
        }
        return invoker;
      },
    } as never;
  };
}

/**
 * Marks a method as a flow: calling it creates a flow run, runs the body, and resolves to its result.
 *
 * @example
 * class Etl {
 *   @Flow({ retries: 2, retryDelaySeconds: 30 })
 *   async nightly(date: string) {
 *     const rows = await this.extract(date);
 *     return this.load(rows);
 *   }
 * }
 * await new Etl().nightly('2026-11-25');
 */
export function Flow(options: FlowOptions = {}): MethodDecorator {
  return decorate((fn, site, paramTypes) => registerFlow(fn, site, paramTypes, options), flowInvoker);
}

/**
 * Marks a method as a task: called inside a flow it creates a task run (retries, caching, timeouts,
 * concurrency limits by tag); `.submit()` and `.map()` run it concurrently and return futures.
 *
 * @example
 * class Etl {
 *   @Task({ retries: 3, retryDelaySeconds: [1, 10, 60], cachePolicy: INPUTS, cacheExpiration: 3600 })
 *   async extract(date: string): Promise<Row[]> { ... }
 * }
 */
export function Task(options: TaskOptions = {}): MethodDecorator {
  return decorate((fn, site, paramTypes) => registerTask(fn, site, paramTypes, options), taskInvoker);
}

/**
 * A flow from a plain function (the same features as @Flow).
 *
 * @example
 * const hello = flow(async (name: string) => `hello ${name}`, { name: 'hello' });
 * await hello('world');
 */
export function flow<A extends unknown[], R>(fn: (...args: A) => R, options: FlowOptions = {}): FlowFunction<A, R> {
  const site: Site = { methodName: fn.name || 'anonymous-flow', isStatic: false };
  const definition = registerFlow(fn as AnyFunction, site, undefined, options);
  return flowInvoker(definition, undefined) as unknown as FlowFunction<A, R>;
}

/**
 * A task from a plain function (the same features as @Task).
 *
 * @example
 * const double = task(async (x: number) => x * 2, { name: 'double', retries: 1 });
 */
export function task<A extends unknown[], R>(fn: (...args: A) => R, options: TaskOptions = {}): TaskFunction<A, R> {
  const site: Site = { methodName: fn.name || 'anonymous-task', isStatic: false };
  const definition = registerTask(fn as AnyFunction, site, undefined, options);
  return taskInvoker(definition, undefined) as unknown as TaskFunction<A, R>;
}
