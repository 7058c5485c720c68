/** `rigel flow ls`, `rigel work-pool …`, `rigel concurrency-limit …`. */
import type { Command } from 'commander';
import { ago, EXIT, print, printJson, table } from '../output';
import { positiveInt, withApi } from './common';

type Row = Record<string, unknown>;

export function resourceCommands(program: Command): void {
  program
    .command('flow')
    .description('flows')
    .command('ls')
    .description('list flows')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withApi(async (api) => {
        const flows = await api.call<Row[]>('POST', 'flows/filter', { limit: 1000 });
        if (opts.json) return printJson(flows);
        if (!flows.length) return print('No flows yet: run one with `rigel run <file>`.');
        print(
          table(
            ['NAME', 'ID', 'CREATED'],
            flows.map((f) => [String(f.name), String(f.id), ago(String(f.created))]),
          ),
        );
      }),
    );

  const pool = program.command('work-pool').description('work pools, their queues and workers');
  pool
    .command('create')
    .description('create a work pool (with a default queue)')
    .argument('<name>')
    .option('--concurrency-limit <n>', 'at most this many runs of the pool at once', positiveInt)
    .option('--paused', 'create it paused')
    .action((name: string, opts: { concurrencyLimit?: number; paused?: boolean }) =>
      withApi(async (api) => {
        await api.call('POST', 'work-pools', { name, concurrencyLimit: opts.concurrencyLimit, paused: opts.paused });
        print(`Work pool ${name} is ready; start a worker with \`rigel worker start --pool ${name}\`.`);
      }),
    );
  pool
    .command('ls')
    .description('list work pools')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withApi(async (api) => {
        const pools = await api.call<Row[]>('POST', 'work-pools/filter', {});
        if (opts.json) return printJson(pools);
        if (!pools.length) return print('No work pools yet: `rigel work-pool create <name>`.');
        print(
          table(
            ['NAME', 'TYPE', 'STATUS'],
            pools.map((p) => [String(p.name), String(p.type), String(p.status)]),
          ),
        );
      }),
    );
  pool
    .command('inspect')
    .description('show a work pool with its queues and workers')
    .argument('<name>')
    .option('--json', 'print JSON')
    .action((name: string, opts: { json?: boolean }) =>
      withApi(async (api) => {
        const p = await api.call<Row>('GET', `work-pools/${encodeURIComponent(name)}`);
        const queues = await api.call<Row[]>('GET', `work-pools/${encodeURIComponent(name)}/queues`);
        const workers = await api.call<Row[]>('GET', `work-pools/${encodeURIComponent(name)}/workers`);
        if (opts.json) return printJson({ ...p, queues, workers });
        print(`${name}  (${String(p.status)})`);
        print(
          table(
            ['QUEUE', 'PRIORITY', 'PAUSED'],
            queues.map((q) => [String(q.name), String(q.priority), String(q.paused)]),
          ),
        );
        print(
          workers.length
            ? table(
                ['WORKER', 'STATUS', 'LAST HEARTBEAT'],
                workers.map((w) => [String(w.name), String(w.status), ago(String(w.lastHeartbeatTime))]),
              )
            : 'No workers yet.',
        );
      }),
    );
  for (const [action, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    pool
      .command(action)
      .description(`${action} a work pool`)
      .argument('<name>')
      .action((name: string) =>
        withApi(async (api) => {
          await api.call('PATCH', `work-pools/${encodeURIComponent(name)}`, { paused });
          print(`Work pool ${name} is ${paused ? 'paused' : 'active'}.`);
        }),
      );
  }
  pool
    .command('delete')
    .description('delete a work pool')
    .argument('<name>')
    .action((name: string) =>
      withApi(async (api) => {
        await api.call('DELETE', `work-pools/${encodeURIComponent(name)}`);
        print(`Deleted work pool ${name}.`);
      }),
    );

  const limit = program.command('concurrency-limit').description('concurrency limits on task tags');
  limit
    .command('create')
    .description('create or change the limit of a tag')
    .argument('<tag>')
    .argument('<limit>', 'how many task runs with the tag may run at once', positiveInt)
    .action((tag: string, value: number) =>
      withApi(async (api) => {
        await api.call('POST', 'concurrency-limits', { tag, concurrencyLimit: value });
        print(`At most ${value} task runs tagged "${tag}" run at once.`);
      }),
    );
  limit
    .command('ls')
    .description('list concurrency limits')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withApi(async (api) => {
        const limits = await api.call<Row[]>('POST', 'concurrency-limits/filter', {});
        if (opts.json) return printJson(limits);
        if (!limits.length) return print('No concurrency limits.');
        print(
          table(
            ['TAG', 'LIMIT', 'ACTIVE'],
            limits.map((l) => [String(l.tag), String(l.concurrencyLimit), String((l.activeSlots as unknown[]).length)]),
          ),
        );
      }),
    );
  for (const [action, method, description] of [
    ['inspect', 'GET', 'show the limit of a tag and the runs holding its slots'],
    ['reset', 'POST', 'free every slot of a tag (for runs that died holding one)'],
    ['delete', 'DELETE', 'delete the limit of a tag'],
  ] as const) {
    limit
      .command(action)
      .description(description)
      .argument('<tag>')
      .option('--json', 'print JSON')
      .action((tag: string, opts: { json?: boolean }) =>
        withApi(async (api) => {
          const path = `concurrency-limits/tag/${encodeURIComponent(tag)}${action === 'reset' ? '/reset' : ''}`;
          const result = await api.call<Row | undefined>(method, path);
          if (opts.json) return printJson(result ?? { deleted: tag });
          if (action === 'delete') return print(`Deleted the limit of "${tag}".`);
          print(`${tag}: ${String(result?.concurrencyLimit)} (active: ${JSON.stringify(result?.activeSlots)})`);
        }),
      );
  }
  void EXIT;
}
