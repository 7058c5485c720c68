/**
 * What a flow or task becomes once declared: a callable that runs it through the engine, with
 * `.submit()` and `.map()` for tasks and `.with({...})` for per-call options. Methods get one invoker
 * per instance (bound to it), so `this.extract.submit(1)` works inside a class.
 */
import { callFlow, type FlowCallOptions } from '../engine/flow-engine';
import { isUnmapped, TaskFuture, unwrapUnmapped, type AllowFailure, type Unmapped } from '../engine/futures';
import { callTask, submitTask } from '../engine/task-engine';
import type { FlowOptions, TaskOptions } from '../metadata/options';
import type { FlowDefinition, TaskDefinition } from '../metadata/registry';

/** An argument that may also be given as the future of another task. */
export type MaybeFuture<T> = T | TaskFuture<T> | AllowFailure<T>;
export type MaybeFutures<A extends unknown[]> = { [K in keyof A]: MaybeFuture<A[K]> };
/** `.map()` arguments: an array to iterate over, or `unmapped(value)` for a constant. */
export type MapArgs<A extends unknown[]> = { [K in keyof A]: readonly MaybeFuture<A[K]>[] | Unmapped<A[K]> };

export type TaskFunction<A extends unknown[], R> = ((...args: MaybeFutures<A>) => Promise<Awaited<R>>) & {
  /** Run through the flow's task runner; returns a future at once. */
  submit(...args: MaybeFutures<A>): TaskFuture<Awaited<R>>;
  /** One task run per element (arrays are iterated together; `unmapped()` values are passed to every call). */
  map(...args: MapArgs<A>): TaskFuture<Awaited<R>>[];
  /** The same task with some options changed for these calls. */
  with(options: Omit<TaskOptions, 'name'>): TaskFunction<A, R>;
  readonly definition: TaskDefinition;
};

export type FlowFunction<A extends unknown[], R> = ((...args: A) => Promise<Awaited<R>>) & {
  /** The same flow with per-call options (`returnState`, retries, timeouts, …). */
  with(options: FlowCallOptions & Omit<FlowOptions, 'name'>): FlowFunction<A, R>;
  readonly definition: FlowDefinition;
};

function mapCalls(definition: TaskDefinition, thisArg: unknown, args: unknown[]): TaskFuture<unknown>[] {
  const lengths = args
    .filter((a) => !isUnmapped(a))
    .map((a) => {
      if (!Array.isArray(a))
        throw new TypeError(`${definition.name}.map() takes arrays (or unmapped(value)) as arguments`);
      return a.length;
    });
  const count = lengths.length ? Math.min(...lengths) : 0;
  return Array.from({ length: count }, (_, i) =>
    submitTask({
      definition,
      thisArg,
      args: args.map((a) => (isUnmapped(a) ? unwrapUnmapped(a) : (a as unknown[])[i])),
    }),
  );
}

export function taskInvoker(definition: TaskDefinition, thisArg: unknown): TaskFunction<unknown[], unknown> {
  const invoke = (...args: unknown[]) => callTask({ definition, thisArg, args });
  return Object.assign(invoke, {
    submit: (...args: unknown[]) => submitTask({ definition, thisArg, args }),
    map: (...args: unknown[]) => mapCalls(definition, thisArg, args),
    with: (options: TaskOptions) =>
      taskInvoker({ ...definition, options: { ...definition.options, ...options } }, thisArg),
    definition,
  }) as unknown as TaskFunction<unknown[], unknown>;
}

export function flowInvoker(
  definition: FlowDefinition,
  thisArg: unknown,
  callOptions: FlowCallOptions = {},
): FlowFunction<unknown[], unknown> {
  const invoke = (...args: unknown[]) => callFlow({ definition, thisArg, args, options: callOptions });
  return Object.assign(invoke, {
    thisArg,
    with: ({ returnState, ...options }: FlowCallOptions & FlowOptions) =>
      flowInvoker({ ...definition, options: { ...definition.options, ...options } }, thisArg, {
        ...callOptions,
        ...(returnState !== undefined ? { returnState } : {}),
      }),
    definition,
  }) as unknown as FlowFunction<unknown[], unknown>;
}

/** `submit(this.extract, 1)`: the typed form of `this.extract.submit(1)` for decorated methods. */
export function submit<A extends unknown[], R>(
  task: (...args: A) => R,
  ...args: MaybeFutures<A>
): TaskFuture<Awaited<R>> {
  const callable = task as unknown as Partial<TaskFunction<A, R>>;
  if (typeof callable.submit !== 'function')
    throw new TypeError(`${task.name || 'this function'} is not a Rigel task (decorate it with @Task())`);
  return callable.submit(...args);
}

/** `map(this.load, tables)`: the typed form of `this.load.map(tables)`. */
export function map<A extends unknown[], R>(task: (...args: A) => R, ...args: MapArgs<A>): TaskFuture<Awaited<R>>[] {
  const callable = task as unknown as Partial<TaskFunction<A, R>>;
  if (typeof callable.map !== 'function')
    throw new TypeError(`${task.name || 'this function'} is not a Rigel task (decorate it with @Task())`);
  return callable.map(...args);
}

/** `withOptions(this.nightly, { returnState: true })(date)`: the typed form of `.with()`. */
export function withOptions<A extends unknown[], R>(
  fn: (...args: A) => R,
  options: FlowCallOptions & Omit<FlowOptions, 'name'> & Omit<TaskOptions, 'name'>,
): (...args: A) => Promise<Awaited<R>> {
  const callable = fn as unknown as { with?: (o: object) => (...args: A) => Promise<Awaited<R>> };
  if (typeof callable.with !== 'function')
    throw new TypeError(`${fn.name || 'this function'} is not a Rigel flow or task`);
  return callable.with(options);
}
