/**
 * A separate process writing in "ephemeral" mode: it opens the spec database itself (the SQLite file
 * or the PostgreSQL database named by RIGEL_DATABASE_URL) and calls the services directly, no HTTP.
 * Input (argv[2], JSON): `{ flowName }`. It creates a flow run, moves it to RUNNING, writes one log
 * line for it, and prints `{ flowRunId }`.
 */
import 'reflect-metadata';
import { Database, loadSettings } from '@rigel/server';
import type { FlowRunCreateDto } from '@rigel/server/schemas/dto/flow-run.dto';
import { createServices } from '@rigel/server/services';

async function main(): Promise<void> {
  const { flowName } = JSON.parse(process.argv[2] ?? '{}') as { flowName: string };
  const settings = loadSettings();
  const db = await Database.open({
    url: settings.databaseUrl,
    migrate: false,
    busyTimeoutMs: settings.sqliteBusyTimeoutMs,
  });
  try {
    const services = createServices(db, { settings });
    const { flow } = await services.flows.create({ name: flowName });
    const { run } = await services.flowRuns.create({ flowId: flow.id } as FlowRunCreateDto);
    await services.orchestration.setState('flow', run.id, { type: 'RUNNING' });
    await services.logs.create([
      {
        name: 'ephemeral-writer',
        level: 20,
        message: 'hello from another process',
        timestamp: new Date().toISOString(),
        flowRunId: run.id,
      },
    ]);
    process.stdout.write(`${JSON.stringify({ flowRunId: run.id })}\n`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
