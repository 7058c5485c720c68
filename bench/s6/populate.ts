/**
 * Fills a migrated database with the S6 data set. Flows, deployments, work pools and concurrency
 * limits go through the server's own services (few rows, exactly as the API makes them); the runs,
 * their states, task runs and logs (millions of rows) are written in bulk on a connection of their
 * own: one prepared statement inside big transactions on SQLite, multi-row `INSERT … SELECT unnest(…)`
 * statements on PostgreSQL. Values are encoded as the server encodes them (db/codec.ts).
 */
import BetterSqlite3 from 'better-sqlite3';
import { Client } from 'pg';
import { Database } from '@rigel/server';
import { sqliteTimestamp } from '@rigel/server/db/codec';
import { sqlitePathOf } from '@rigel/server/db/dialect';
import { createServices } from '@rigel/server/services';
import type { BenchDialect } from '../lib/databases';
import {
  BIG_RUN_TASKS,
  type DeploymentSeed,
  type FlowSeed,
  type GeneratedRun,
  HISTORY_DAYS,
  LOGS_PER_SAMPLE,
  rng,
  type Row,
  RunGenerator,
  TAG_POOL,
  TASKS_PER_SAMPLE,
  taskRunsOf,
} from './data';

/** What the measurements need to know about the data set. */
export interface S6Fixture {
  runs: number;
  now: string;
  flows: { id: string; name: string }[];
  deployments: { id: string; name: string }[];
  /** A finished run with the full state history, a few task runs and logs. */
  sampleRunId: string;
  /** The run with BIG_RUN_TASKS task runs. */
  bigRunId: string;
  /** The run tag most runs carry (the tag filter measured). */
  tag: string;
  /** Rows written per table. */
  rows: Record<string, number>;
  populateSeconds: number;
}

type PgType = 'uuid' | 'timestamptz' | 'text' | 'jsonb' | 'int' | 'float8' | 'bool';
type Columns = [string, PgType][];

const RUN_COMMON: Columns = [
  ['id', 'uuid'],
  ['created', 'timestamptz'],
  ['updated', 'timestamptz'],
  ['name', 'text'],
  ['tags', 'jsonb'],
  ['empiricalPolicy', 'jsonb'],
  ['stateId', 'uuid'],
  ['stateType', 'text'],
  ['stateName', 'text'],
  ['stateTimestamp', 'timestamptz'],
  ['runCount', 'int'],
  ['expectedStartTime', 'timestamptz'],
  ['nextScheduledStartTime', 'timestamptz'],
  ['startTime', 'timestamptz'],
  ['endTime', 'timestamptz'],
  ['totalRunTime', 'float8'],
];

const TABLES: Record<string, Columns> = {
  flow_run: [
    ...RUN_COMMON,
    ['flowId', 'uuid'],
    ['flowVersion', 'text'],
    ['parameters', 'jsonb'],
    ['idempotencyKey', 'text'],
    ['parentTaskRunId', 'uuid'],
    ['deploymentId', 'uuid'],
    ['infrastructurePid', 'text'],
    ['heartbeatTime', 'timestamptz'],
    ['autoScheduled', 'bool'],
    ['deploymentVersion', 'text'],
    ['workQueueId', 'uuid'],
    ['workQueueName', 'text'],
    ['workPoolName', 'text'],
    ['jobVariables', 'jsonb'],
  ],
  task_run: [
    ...RUN_COMMON,
    ['flowRunId', 'uuid'],
    ['taskKey', 'text'],
    ['dynamicKey', 'text'],
    ['cacheKey', 'text'],
    ['cacheExpiration', 'timestamptz'],
    ['taskVersion', 'text'],
    ['taskInputs', 'jsonb'],
    ['flowRunRunCount', 'int'],
  ],
  flow_run_state: stateColumns('flowRunId'),
  task_run_state: stateColumns('taskRunId'),
  log: [
    ['id', 'uuid'],
    ['created', 'timestamptz'],
    ['name', 'text'],
    ['level', 'int'],
    ['message', 'text'],
    ['timestamp', 'timestamptz'],
    ['flowRunId', 'uuid'],
    ['taskRunId', 'uuid'],
  ],
};

function stateColumns(fk: string): Columns {
  return [
    ['id', 'uuid'],
    ['created', 'timestamptz'],
    ['type', 'text'],
    ['name', 'text'],
    ['timestamp', 'timestamptz'],
    ['message', 'text'],
    ['stateDetails', 'jsonb'],
    ['data', 'jsonb'],
    [fk, 'uuid'],
  ];
}

/** Writes rows table by table; `flush()` commits what was added. */
interface BulkWriter {
  add(table: string, row: Row): void;
  flush(): Promise<void>;
  execute(sql: string): Promise<void>;
  close(): Promise<void>;
}

function encodeSqlite(type: PgType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'timestamptz') return sqliteTimestamp(value as Date);
  if (type === 'jsonb') return JSON.stringify(value);
  if (type === 'bool') return value ? 1 : 0;
  return value;
}

function sqliteWriter(url: string): BulkWriter {
  const db = new BetterSqlite3(sqlitePathOf(url));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1000000');
  db.pragma('foreign_keys = ON');
  const pending = new Map<string, Row[]>();
  const statements = new Map<string, BetterSqlite3.Statement>();
  const statement = (table: string) => {
    let s = statements.get(table);
    if (!s) {
      const columns = TABLES[table]!;
      s = db.prepare(
        `INSERT INTO "${table}" (${columns.map(([c]) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      );
      statements.set(table, s);
    }
    return s;
  };
  const write = db.transaction(() => {
    for (const [table, rows] of pending) {
      const columns = TABLES[table]!;
      const s = statement(table);
      const values = new Array<unknown>(columns.length);
      for (const row of rows) {
        for (let i = 0; i < columns.length; i++) values[i] = encodeSqlite(columns[i]![1], row[columns[i]![0]]);
        s.run(values);
      }
    }
  });
  return {
    add(table, row) {
      let rows = pending.get(table);
      if (!rows) pending.set(table, (rows = []));
      rows.push(row);
    },
    async flush() {
      write();
      pending.clear();
    },
    async execute(sql) {
      db.exec(sql);
    },
    async close() {
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}

function encodePg(type: PgType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'timestamptz') return (value as Date).toISOString();
  if (type === 'jsonb') return JSON.stringify(value);
  return value;
}

/**
 * PostgreSQL: one `INSERT … SELECT * FROM unnest($1::uuid[], …)` per table and batch, one transaction
 * per batch. A batch is sent while the next one is generated (at most one in flight), so the
 * generator and the database backend work at the same time.
 */
async function pgWriter(url: string): Promise<BulkWriter> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('SET synchronous_commit = off');
  let pending = new Map<string, Row[]>();
  let inFlight: Promise<void> = Promise.resolve();
  const insert = async (batch: Map<string, Row[]>) => {
    await client.query('BEGIN');
    try {
      for (const [table, rows] of batch) {
        const columns = TABLES[table]!;
        const arrays = columns.map(([name, type]) => rows.map((row) => encodePg(type, row[name])));
        await client.query(
          `INSERT INTO "${table}" (${columns.map(([c]) => `"${c}"`).join(', ')})
           SELECT * FROM unnest(${columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})`,
          arrays,
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  };
  return {
    add(table, row) {
      let rows = pending.get(table);
      if (!rows) pending.set(table, (rows = []));
      rows.push(row);
    },
    async flush() {
      const batch = pending;
      pending = new Map();
      await inFlight;
      inFlight = insert(batch);
      // Surfaces a failure at the next flush at the latest; never unhandled meanwhile.
      inFlight.catch(() => undefined);
    },
    async execute(sql) {
      await inFlight;
      await client.query(sql);
    },
    async close() {
      try {
        await inFlight;
      } finally {
        await client.end();
      }
    },
  };
}

const CRONS = ['0 * * * *', '*/30 * * * *', '15 */2 * * *', '0 3 * * *', '*/15 * * * *'];

/** Flows, work pools, deployments and concurrency limits through the server's services. */
async function seedSmallTables(url: string, flowCount: number, deploymentCount: number) {
  const db = await Database.open({ url });
  try {
    const services = createServices(db);
    const random = rng(60);
    await services.workPools.createPool({ name: 'default-pool', type: 'process' });
    await services.workPools.createQueue('default-pool', { name: 'critical', priority: 1 });
    await services.workPools.createPool({ name: 'k8s-pool', type: 'kubernetes', concurrencyLimit: 20 });
    for (const tag of ['postgres', 's3', 'api', 'critical', 'warehouse']) {
      await services.concurrencyLimits.upsert({ tag, concurrencyLimit: 5 + Math.floor(random() * 20) });
    }
    const flows: FlowSeed[] = [];
    const verbs = ['ingest', 'sync', 'report', 'train', 'score', 'export', 'refresh', 'reconcile', 'backup', 'notify'];
    const things = ['orders', 'customers', 'invoices', 'events', 'models', 'inventory', 'payments', 'metrics'];
    for (let i = 0; i < flowCount; i++) {
      const name = `${verbs[i % verbs.length]}-${things[Math.floor(i / verbs.length) % things.length]}${i >= 80 ? `-${i}` : ''}`;
      const runTags = TAG_POOL.filter(() => random() < 0.12).slice(0, 3);
      const { flow } = await services.flows.create({ name, tags: runTags });
      flows.push({
        id: flow.id,
        name,
        runTags,
        version: random() < 0.5 ? `v${1 + Math.floor(random() * 5)}.${Math.floor(random() * 10)}` : null,
        hasDayParameter: random() < 0.4,
        // Zipf-like: a few flows run much more often than the rest.
        weight: 1 / (1 + i) ** 0.8,
      });
    }
    const deployments: DeploymentSeed[] = [];
    for (let i = 0; i < deploymentCount; i++) {
      const flow = flows[i % Math.min(flows.length, Math.ceil(deploymentCount * 0.75))]!;
      const pool = i % 4 === 3 ? 'k8s-pool' : 'default-pool';
      const { deployment } = await services.deployments.create({
        name: `${['nightly', 'hourly', 'prod'][i % 3]}-${i + 1}`,
        flowId: flow.id,
        entrypoint: `flows/${flow.name}.ts:${flow.name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}.run`,
        version: `v${1 + (i % 4)}`,
        tags: i % 2 ? ['prod'] : ['prod', 'scheduled'],
        workPoolName: pool,
        workQueueName: pool === 'default-pool' && i % 5 === 0 ? 'critical' : undefined,
        schedules: [{ schedule: { cron: CRONS[i % CRONS.length]!, timezone: 'UTC' } }],
      });
      deployments.push({
        id: deployment.id,
        flowId: flow.id,
        name: deployment.name,
        version: deployment.version,
        tags: deployment.tags,
        scheduleId: deployment.schedules[0]!.id,
        workQueueId: deployment.workQueueId!,
        workQueueName: deployment.workQueueName!,
        workPoolName: deployment.workPoolName!,
      });
    }
    return { flows, deployments };
  } finally {
    await db.close();
  }
}

export interface PopulateOptions {
  dialect: BenchDialect;
  url: string;
  runs: number;
  log: (line: string) => void;
  flows?: number;
  deployments?: number;
  batch?: number;
}

export async function populate(options: PopulateOptions): Promise<S6Fixture> {
  const started = performance.now();
  const now = Date.now();
  const { flows, deployments } = await seedSmallTables(options.url, options.flows ?? 50, options.deployments ?? 20);
  const writer = options.dialect === 'sqlite' ? sqliteWriter(options.url) : await pgWriter(options.url);
  const rows: Record<string, number> = {};
  const add = (table: string, row: Row) => {
    writer.add(table, row);
    rows[table] = (rows[table] ?? 0) + 1;
  };
  const addRun = (g: GeneratedRun) => {
    add('flow_run', g.run);
    for (const s of g.states) add('flow_run_state', { ...s, flowRunId: g.run.id });
    if (!g.detailed) return null;
    const set = taskRunsOf(g.run, TASKS_PER_SAMPLE, LOGS_PER_SAMPLE);
    for (const t of set.taskRuns) add('task_run', t);
    for (const s of set.states) add('task_run_state', s);
    for (const l of set.logs) add('log', l);
    return g.run.id as string;
  };

  const generator = new RunGenerator(flows, deployments, now);
  const batch = options.batch ?? (options.dialect === 'sqlite' ? 20_000 : 5_000);
  // The scheduler's future runs (next 24 hours, hourly) and one big run count toward `runs`.
  const future: { deployment: DeploymentSeed; when: number }[] = [];
  const nextHour = Math.ceil(now / 3_600_000) * 3_600_000;
  for (const deployment of deployments) {
    for (let h = 0; h < 24; h++) future.push({ deployment, when: nextHour + h * 3_600_000 });
  }
  const past = Math.max(0, options.runs - future.length - 1);
  let sampleRunId: string | null = null;
  let lastReport = performance.now();
  for (let i = 0; i < past; i++) {
    const detailed = addRun(generator.past(i, past));
    // A sample run near the end of the history (recent enough to appear on the first pages).
    if (detailed && i > past * 0.99) sampleRunId ??= detailed;
    if ((i + 1) % batch === 0 || i === past - 1) {
      await writer.flush();
      if (performance.now() - lastReport > 5000 || i === past - 1) {
        lastReport = performance.now();
        const seconds = (performance.now() - started) / 1000;
        options.log(
          `  S6 ${options.dialect}: ${(i + 1).toLocaleString('en-US')} / ${past.toLocaleString('en-US')} runs written (${seconds.toFixed(0)} s, ${Math.round((i + 1) / seconds).toLocaleString('en-US')} runs/s)`,
        );
      }
    }
  }
  for (const { deployment, when } of future) addRun(generator.scheduled(deployment, when));
  await writer.flush();

  // The big run: a finished run of the busiest flow, yesterday, with BIG_RUN_TASKS task runs.
  const big = generator.past(past - Math.floor(past / HISTORY_DAYS), past);
  big.run.stateType = 'COMPLETED';
  big.run.stateName = 'Completed';
  big.states = [{ ...big.states[big.states.length - 1]!, type: 'COMPLETED', name: 'Completed', message: null }];
  big.run.stateId = big.states[0]!.id;
  big.run.startTime = new Date((big.run.expectedStartTime as Date).getTime() + 500);
  big.run.endTime = new Date((big.run.startTime as Date).getTime() + 3_600_000);
  big.run.runCount = 1;
  big.run.nextScheduledStartTime = null;
  big.run.heartbeatTime = null;
  big.run.totalRunTime = 3600;
  big.run.stateTimestamp = big.run.endTime;
  big.run.updated = big.run.endTime;
  big.states[0]!.timestamp = big.run.endTime as Date;
  big.states[0]!.created = big.run.endTime as Date;
  add('flow_run', big.run);
  add('flow_run_state', { ...big.states[0]!, flowRunId: big.run.id });
  const set = taskRunsOf(big.run, BIG_RUN_TASKS, 2000);
  for (let i = 0; i < set.taskRuns.length; i++) {
    add('task_run', set.taskRuns[i]!);
    add('task_run_state', set.states[i]!);
    if ((i + 1) % batch === 0) await writer.flush();
  }
  for (const l of set.logs) add('log', l);
  await writer.flush();
  options.log(`  S6 ${options.dialect}: vacuuming and analyzing`);
  // What autovacuum does to a table after this many inserts (PostgreSQL ≥ 13 vacuums insert-only tables
  // too): statistics for the planner, and the visibility map that lets index-only scans skip the heap.
  if (options.dialect === 'postgres') await writer.execute('VACUUM ANALYZE');
  await writer.close();
  const populateSeconds = (performance.now() - started) / 1000;
  options.log(
    `  S6 ${options.dialect}: populated in ${populateSeconds.toFixed(0)} s: ${Object.entries(rows)
      .map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`)
      .join(', ')}`,
  );
  if (!sampleRunId) throw new Error('no sample run was generated (too few runs)');
  const tagWeights = new Map<string, number>();
  for (const f of flows) for (const t of f.runTags) tagWeights.set(t, (tagWeights.get(t) ?? 0) + f.weight);
  const tag = [...tagWeights].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'prod';
  return {
    runs: rows.flow_run ?? 0,
    now: new Date(now).toISOString(),
    flows: flows.map((f) => ({ id: f.id, name: f.name })),
    deployments: deployments.map((d) => ({ id: d.id, name: d.name })),
    sampleRunId,
    bigRunId: big.run.id as string,
    tag,
    rows,
    populateSeconds,
  };
}
