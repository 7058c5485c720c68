/**
 * Crashes: on SIGINT/SIGTERM every run this process is executing is proposed CRASHED (with the signal
 * named), logs are flushed, and the process exits with the conventional code (130 / 143). Runs killed
 * with SIGKILL cannot do this: the server's crashed-run service notices their missing heartbeats.
 * With no run in flight, a program that handles the signal itself (serve()) is left to stop its own way.
 */
import type { State } from '@rigel/server';
import type { OrchestrationClient } from '../client/types';
import { markInterrupted, proposeState } from './propose';

interface ActiveRun {
  kind: 'flow' | 'task';
  client: OrchestrationClient;
  controller: AbortController;
  /** Called with the Crashed state once it is recorded (a flow's onCrashed hooks). */
  onCrashed?: (state: State) => Promise<void>;
}

const active = new Map<string, ActiveRun>();
let installed = false;
let flushLogs: () => Promise<void> = async () => undefined;

async function crashAll(signal: NodeJS.Signals): Promise<void> {
  const message = `The process was interrupted by ${signal}`;
  // From here on the engine proposes nothing else, so a body that stops on the abort signal cannot
  // record Failed over (or before) the Crashed state.
  markInterrupted();
  const runs = [...active.entries()];
  const proposals = runs.map(async ([id, run]) => {
    if (run.kind === 'flow') {
      // A worker stops a cancelled run's process with SIGTERM, and may hand a run back (SCHEDULED):
      // those end Cancelled, or stay as the worker left them, instead of Crashed.
      const current = (await run.client.readFlowRun(id)).stateType;
      if (current === 'CANCELLING') {
        await proposeState(run.client, 'flow', id, { type: 'CANCELLED', message: 'Cancelled' }, { interrupting: true });
        return;
      }
      if (current !== 'RUNNING' && current !== 'PENDING') return;
    }
    const answer = await proposeState(run.client, run.kind, id, { type: 'CRASHED', message }, { interrupting: true });
    if (answer.state?.type === 'CRASHED') await run.onCrashed?.(answer.state);
  });
  const settled = Promise.all(proposals.map((p) => p.catch(() => undefined)));
  await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  for (const [, run] of runs) run.controller.abort(new Error(message));
  await Promise.race([flushLogs(), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = () => {
      // No run in flight, and the program handles the signal itself (serve(), a worker): it stops its own way.
      if (active.size === 0 && process.listenerCount(signal) > 1) return;
      process.off(signal, onSignal);
      process.stderr.write(`\nrigel: ${signal} received; marking ${active.size} running run(s) Crashed …\n`);
      void crashAll(signal).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    };
    // First in line, so the count above still includes `once` listeners (they remove themselves when called).
    process.prependListener(signal, onSignal);
  }
}

export function trackRun(id: string, run: ActiveRun, flush: () => Promise<void>): () => void {
  install();
  flushLogs = flush;
  active.set(id, run);
  return () => active.delete(id);
}
