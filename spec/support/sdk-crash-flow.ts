/**
 * A flow run in a child process for the crash specs: its task prints `TASK RUNNING <flowRunId>` and
 * then waits (far longer than any spec), so the spec can kill the process mid-task. Settings come from
 * the environment (RIGEL_DATABASE_URL, and RIGEL_API_URL in HTTP mode). The onCrashed hook prints
 * `ON CRASHED <state name>: <message>`.
 */
import 'reflect-metadata';
import { Flow, getRunContext, Task } from '@rigel/sdk';

class CrashingJob {
  @Task({ name: 'crash-child-task' })
  async work(): Promise<void> {
    const { flowRun, signal } = getRunContext();
    process.stdout.write(`TASK RUNNING ${flowRun!.id}\n`);
    // Cooperates with the run's signal, as well-behaved code does: it stops when the run is interrupted.
    await new Promise((resolve, reject) => {
      setTimeout(resolve, 60_000);
      signal!.addEventListener('abort', () => reject(new Error('stopped by the abort signal')));
    });
  }

  @Flow({
    name: 'crash-child-flow',
    onCrashed: [({ state }) => void process.stdout.write(`ON CRASHED ${state.name}: ${state.message}\n`)],
  })
  async run(): Promise<void> {
    await this.work();
  }
}

new CrashingJob().run().catch((error: unknown) => {
  process.stdout.write(`FLOW ENDED ${(error as Error).message}\n`);
});
