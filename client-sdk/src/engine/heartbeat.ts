/** Heartbeats of a running flow run, so the server can tell a silent (killed) process from a slow one. */
import type { OrchestrationClient } from '../client/types';

export function startHeartbeat(client: OrchestrationClient, flowRunId: string, intervalSeconds: number): () => void {
  const beat = () => void client.heartbeat(flowRunId).catch(() => undefined);
  beat();
  const timer = setInterval(beat, Math.max(1, intervalSeconds) * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
