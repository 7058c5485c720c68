/**
 * S1 and S2 (performance.md) on the SDK side: a flow calling N trivial tasks one after another (S1:
 * overhead per task against a plain loop doing the same work), and a flow submitting N trivial tasks
 * at once through a concurrent runner limited to 64 (S2: task runs per second, and peak RSS). Both run
 * in the process that calls them, with whatever client the runtime is configured with (in-process
 * = ephemeral, or HTTP to a server in another process).
 */
import { configure, Flow, submit, Task, type OrchestrationClient } from '@rigel/sdk';
import { loadSettings } from '@rigel/server';

class BenchFlows {
  @Task({ name: 'bench-noop' })
  async noop(i: number): Promise<number> {
    return i;
  }

  @Flow({ name: 'bench-s1-sequential', persistResult: false })
  async sequential(n: number): Promise<number> {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += await this.noop(i);
    return sum;
  }

  @Flow({ name: 'bench-s2-concurrent', taskRunner: { concurrent: 64 }, persistResult: false })
  async concurrent(n: number): Promise<number> {
    const futures = Array.from({ length: n }, (_, i) => submit(this.noop, i));
    let sum = 0;
    for (const future of futures) sum += await future.result();
    return sum;
  }
}

const flows = new BenchFlows();

/** The same work without Rigel: an async function awaited N times. */
async function baseline(n: number): Promise<number> {
  const noop = async (i: number) => i;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await noop(i);
  return sum;
}

export interface S1Result {
  tasks: number;
  seconds: number;
  baselineSeconds: number;
  overheadMsPerTask: number;
  /** CPU time (user + system) of this process per task during the timed flow, minus the plain loop's. */
  clientCpuMsPerTask: number;
}

export interface S2Result {
  tasks: number;
  seconds: number;
  taskRunsPerSecond: number;
  peakRssMb: number;
  /** CPU time (user + system) of this process per task during the timed flow. */
  clientCpuMsPerTask: number;
}

function cpuMs(since?: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

export async function useClient(client: OrchestrationClient): Promise<void> {
  await configure({ client, settings: { ...loadSettings(), loggingLevel: 'WARNING' } });
}

export async function runS1(tasks: number): Promise<S1Result> {
  await flows.sequential(20); // warm-up: flow and task registered, statements prepared
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const sum = await flows.sequential(tasks);
  const seconds = (performance.now() - started) / 1000;
  const flowCpuMs = cpuMs(cpu0);
  if (sum !== (tasks * (tasks - 1)) / 2) throw new Error(`S1: wrong sum ${sum}`);
  const cpu1 = process.cpuUsage();
  const b0 = performance.now();
  await baseline(tasks);
  const baselineSeconds = (performance.now() - b0) / 1000;
  const baselineCpuMs = cpuMs(cpu1);
  return {
    tasks,
    seconds,
    baselineSeconds,
    overheadMsPerTask: ((seconds - baselineSeconds) * 1000) / tasks,
    clientCpuMsPerTask: (flowCpuMs - baselineCpuMs) / tasks,
  };
}

export async function runS2(tasks: number): Promise<S2Result> {
  await flows.concurrent(64);
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const sum = await flows.concurrent(tasks);
  const seconds = (performance.now() - started) / 1000;
  const flowCpuMs = cpuMs(cpu0);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  if (sum !== (tasks * (tasks - 1)) / 2) throw new Error(`S2: wrong sum ${sum}`);
  return {
    tasks,
    seconds,
    taskRunsPerSecond: tasks / seconds,
    peakRssMb: peak / 1024 / 1024,
    clientCpuMsPerTask: flowCpuMs / tasks,
  };
}
