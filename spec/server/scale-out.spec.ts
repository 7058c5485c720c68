/**
 * Scaling out (issue: two API processes, two schedulers, several workers on one database): two
 * `rigel-server` processes with their background services, two `rigel worker` processes (one per API
 * process), and a WebSocket subscriber of the second API process. On PostgreSQL exactly one scheduler
 * leads; on SQLite both run and the idempotency keys keep runs unique.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { expect } from 'chai';
import { ApiClient } from '../support/server';
import { freshDatabase, isPostgres } from '../support/database';
import { EventsClient } from '../support/events-client';
import { startServerProcess, type ServerProcess } from '../support/processes';

const ROOT = resolve(__dirname, '..', '..', '..');
const CLI = resolve(ROOT, 'client-sdk/dist/cli/main.js');

function startWorker(apiUrl: string, name: string): ChildProcess {
  // Only the `due` queue: the schedule's future runs (in the default queue) are not started mid-spec.
  return spawn(
    process.execPath,
    [
      CLI,
      'worker',
      'start',
      '--pool',
      'scale',
      '--queue',
      'due',
      '--name',
      name,
      '--poll-interval',
      '1',
      '--prefetch',
      '2',
    ],
    {
      env: { ...process.env, RIGEL_API_URL: apiUrl, RIGEL_LOGGING_LEVEL: 'WARNING' },
      stdio: 'ignore',
    },
  );
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('scaling out: two API processes, two schedulers, two workers on one database', function () {
  this.timeout(120_000);
  const env = { RIGEL_SERVICES_SCHEDULER_LOOP_SECONDS: '1', RIGEL_EVENTS_POLL_INTERVAL_MS: '200' };
  let a: ServerProcess;
  let b: ServerProcess;
  let workers: ChildProcess[] = [];
  let events: EventsClient | null = null;

  before(async () => {
    await freshDatabase();
    a = await startServerProcess(env);
    b = await startServerProcess(env);
  });

  after(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await events?.close();
    await a?.stop();
    await b?.stop();
  });

  it('fills schedules without duplicates, claims each run once, and streams every change from either process', async () => {
    const apiA = new ApiClient(a.apiUrl);
    const apiB = new ApiClient(b.apiUrl);
    const flow = (await apiA.post('/flows', { name: 'scale-flow' })).body;
    await apiA.post('/work-pools', { name: 'scale' });
    await apiA.post('/work-pools/scale/queues', { name: 'due' });
    const deployment = (
      await apiA.post('/deployments', {
        name: 'every-minute',
        flowId: flow.id,
        entrypoint: 'dist/spec/support/scale-flow.js:ScaleFlow.run',
        path: ROOT,
        workPoolName: 'scale',
        schedules: [{ schedule: { interval: 60 } }],
      })
    ).body;
    expect(deployment.id).to.be.a('string');

    // Both schedulers pass several times; each of the schedule's future runs exists once. (The horizon
    // moves with the clock, so the count may grow between reads; duplicates never appear.)
    const listRuns = async () =>
      (await apiB.post('/flow-runs/filter', { deployments: { id: { any: [deployment.id] } }, limit: 1000 })).body as {
        idempotencyKey: string;
        expectedStartTime: string;
      }[];
    await until('the scheduler to fill the schedule', async () => ((await listRuns()).length >= 60 ? true : undefined));
    await new Promise((r) => setTimeout(r, 3000));
    const filled = await listRuns();
    expect(filled.length).to.be.at.least(60);
    expect(new Set(filled.map((r) => r.idempotencyKey)).size).to.equal(filled.length);
    expect(new Set(filled.map((r) => r.expectedStartTime)).size).to.equal(filled.length);

    // Runs due now, claimed by two workers (one per API process); B's subscriber sees every change.
    events = await EventsClient.connect(b.url);
    await events.subscribe({ resource: 'flow-run' });
    const due: string[] = [];
    for (let i = 0; i < 6; i++) {
      due.push(
        (await apiA.post(`/deployments/${deployment.id}/create-flow-run`, { workQueueName: 'due' })).body.id as string,
      );
    }
    workers = [startWorker(a.apiUrl, 'worker-a'), startWorker(b.apiUrl, 'worker-b')];
    await until(
      'the due runs to complete',
      async () => {
        const done = (
          await apiB.post('/flow-runs/count', {
            flowRuns: { id: { any: due }, state: { type: { any: ['COMPLETED'] } } },
          })
        ).body as number;
        return done === due.length;
      },
      60_000,
    );
    for (const id of due) {
      const states = (await apiA.get(`/flow-run-states?flowRunId=${id}`)).body as { type: string }[];
      expect(
        states.filter((s) => s.type === 'PENDING'),
        `claims of ${id}`,
      ).to.have.length(1);
      await events.next((m) => m.payload?.id === id && m.payload?.stateType === 'COMPLETED', 5000);
    }

    // On PostgreSQL one scheduler leads; when its process dies the other takes over.
    await a.stop();
    const second = (
      await apiB.post('/deployments', {
        name: 'after-takeover',
        flowId: flow.id,
        entrypoint: 'dist/spec/support/scale-flow.js:ScaleFlow.run',
        path: ROOT,
        workPoolName: 'scale',
        schedules: [{ schedule: { interval: 3600 } }],
      })
    ).body;
    await until(
      'the surviving scheduler to fill a new schedule',
      async () => {
        const count = (await apiB.post('/flow-runs/count', { deployments: { id: { any: [second.id] } } }))
          .body as number;
        return count >= 3;
      },
      isPostgres() ? 30_000 : 15_000,
    );
  });
});
