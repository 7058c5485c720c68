/**
 * Crashes: on SIGINT/SIGTERM every run this process is executing is proposed CRASHED (with the signal
 * named), logs are flushed, and the process exits with the conventional code (130 / 143). Runs killed
 * with SIGKILL cannot do this: the server's crashed-run service notices their missing heartbeats.
 */
import type { OrchestrationClient } from '../client/types';
import { proposeState } from './propose';

interface ActiveRun {
  kind: 'flow' | 'task';
  client: OrchestrationClient;
  controller: AbortController;
}

const active = new Map<string, ActiveRun>();
let installed = false;
let flushLogs: () => Promise<void> = async () => undefined;

async function crashAll(signal: NodeJS.Signals): Promise<void> {
  const message = `The process was interrupted by ${signal}`;
  const proposals = [...active.entries()].map(([id, run]) => {
    run.controller.abort(new Error(message));
    return proposeState(run.client, run.kind, id, { type: 'CRASHED', message }).catch(() => undefined);
  });
  await Promise.race([Promise.all(proposals), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  await Promise.race([flushLogs(), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nrigel: ${signal} received; marking ${active.size} running run(s) Crashed …\n`);
      void crashAll(signal).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
}

export function trackRun(id: string, run: ActiveRun, flush: () => Promise<void>): () => void {
  install();
  flushLogs = flush;
  active.set(id, run);
  return () => active.delete(id);
}
