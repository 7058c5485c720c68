/**
 * Heartbeats of a running flow run, so the server can tell a silent (killed) process from a slow one.
 * Each answer carries the run's state: a run being cancelled learns it at its next heartbeat.
 */
import type { OrchestrationClient, RunStateSummary } from '../client/types';

export function startHeartbeat(
  client: OrchestrationClient,
  flowRunId: string,
  intervalSeconds: number,
  onState?: (state: RunStateSummary) => void,
): () => void {
  const beat = () =>
    void client
      .heartbeat(flowRunId)
      .then((state) => state && onState?.(state))
      .catch(() => undefined);
  beat();
  const timer = setInterval(beat, Math.max(1, intervalSeconds) * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
