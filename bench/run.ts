/**
 * `npm run bench`: runs the benchmark scenarios (performance.md) and prints a readable table, and with
 * `--json <file>` writes the full results. Exits 1 when a correctness check fails.
 *
 *   node dist/bench/run.js [--scenario S4] [--db sqlite|postgres|both] [--json out.json]
 *       [--repeats 3] [--parts a1,a2,b,c] [--scale 1] [--duration 5] [--rate-sqlite 2000]
 *       [--rate-postgres 1200] [--pg-url postgres://…/rigel_bench] [--pg-options "-c synchronous_commit=off"]
 *       [--server-node-args=--cpu-prof] [--client-node-args=<flags>] [--tasks 10000] [--modes ephemeral,http]
 *       [--server-env KEY=VALUE,…] [--profile-dir <dir>]
 *       [--s6-runs 1000000] [--s6-repeats 20] [--s6-loads 5] [--s6-keep] [--s6-no-browser]
 *
 * `--profile-dir` writes a CPU profile of the server for each timed phase (S1/S2: of the bench client
 * too, per repeat; open them in Chrome DevTools); give Node flags with `=`, e.g.
 * `--server-node-args=--max-old-space-size=512` (`--client-node-args` for the S1/S2 client process).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchDialect } from './lib/databases';
import { describeHardware } from './lib/hardware';
import { formatS4 } from './report';
import { runS4, S4_TARGETS } from './s4';
import { S4_PARTS } from './s4/parts';
import { runS3, type S3Result } from './s3';
import { runS5 } from './s5';
import { formatS6, runS6, type S6Result } from './s6';
import { freshPostgres, freshSqlite } from './lib/databases';
import { formatSdkReports, runSdkScenarios, type SdkMode } from './sdk';

const SCENARIOS = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6'] as const;
/** Scenarios `npm run bench` runs when no --scenario is given (S6 populates a million runs first). */
const DEFAULT_SCENARIOS = ['S1', 'S2', 'S3', 'S4', 'S5'];
type Scenario = (typeof SCENARIOS)[number];

const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/rigel_bench';

const USAGE = `Usage: npm run bench -- [options]    (or: node dist/bench/run.js [options])

Runs the benchmark scenarios of performance.md and prints a table per scenario; exits 1 when a
correctness check fails, 2 on a bad option. bench/README.md explains every scenario and its numbers.

  --scenario S1,S2,S3,S4,S5,S6   scenarios to run (default ${DEFAULT_SCENARIOS.join(',')}; S6 populates 1,000,000 runs)
  --db sqlite|postgres|both      databases (default both)
  --repeats N                    repeats per scenario; medians are reported (default 3)
  --pg-url URL                   a PostgreSQL database the bench may use to create its own
                                 (default $RIGEL_BENCH_DATABASE_URL or ${DEFAULT_PG_URL})
  --json FILE                    also write every result as JSON
  --profile-dir DIR              CPU profiles of the server per timed phase (open in Chrome DevTools)
  -h, --help                     this text

S1/S2: --tasks N (10000), --modes ephemeral,http, --client-node-args=<flags>,
       --pg-delay-ms N (PostgreSQL through a proxy that delays each direction N ms: a network)
S3:    --s3-runs N (1000), --s3-rate N (2), --s3-poll-interval S (1)
S4:    --parts ${Object.keys(S4_PARTS).join(',')}, --scale N (1), --duration S (5), --rate-sqlite N, --rate-postgres N,
       --pg-options "-c synchronous_commit=off", --server-env KEY=VALUE,…, --server-node-args=<flags>
S5:    --deployments N (1000)
S6:    --s6-runs N (1000000), --s6-repeats N (20), --s6-loads N (5), --s6-keep, --s6-no-browser
`;

function parseCli() {
  const { values } = parseArgs({
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      scenario: { type: 'string', default: DEFAULT_SCENARIOS.join(',') },
      tasks: { type: 'string', default: '10000' },
      modes: { type: 'string', default: 'ephemeral,http' },
      'pg-delay-ms': { type: 'string', default: '0' },
      deployments: { type: 'string', default: '1000' },
      's3-runs': { type: 'string', default: '1000' },
      's3-rate': { type: 'string', default: '2' },
      's3-poll-interval': { type: 'string', default: '1' },
      db: { type: 'string', default: 'both' },
      json: { type: 'string' },
      repeats: { type: 'string', default: '3' },
      parts: { type: 'string', default: Object.keys(S4_PARTS).join(',') },
      scale: { type: 'string', default: '1' },
      duration: { type: 'string', default: '5' },
      'rate-sqlite': { type: 'string', default: String(S4_TARGETS.sqlite.pacedRate) },
      'rate-postgres': { type: 'string', default: String(S4_TARGETS.postgres.pacedRate) },
      'pg-url': { type: 'string', default: process.env.RIGEL_BENCH_DATABASE_URL ?? DEFAULT_PG_URL },
      'pg-options': { type: 'string', default: '' },
      'server-node-args': { type: 'string', default: '' },
      'client-node-args': { type: 'string', default: '' },
      'server-env': { type: 'string', default: '' },
      'profile-dir': { type: 'string' },
      's6-runs': { type: 'string', default: '1000000' },
      's6-repeats': { type: 'string', default: '20' },
      's6-loads': { type: 'string', default: '5' },
      's6-keep': { type: 'boolean', default: false },
      's6-no-browser': { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const scenarios = values.scenario.toUpperCase().split(',') as Scenario[];
  for (const s of scenarios)
    if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s} (implemented: ${SCENARIOS.join(', ')})`);
  const modes = values.modes.split(',') as SdkMode[];
  for (const m of modes)
    if (m !== 'ephemeral' && m !== 'http') throw new Error(`--modes takes ephemeral and/or http (got ${m})`);
  const pgDelay = Number(values['pg-delay-ms']);
  if (!Number.isInteger(pgDelay) || pgDelay < 0)
    throw new Error(`--pg-delay-ms takes whole milliseconds ≥ 0 (got ${values['pg-delay-ms']})`);
  const dialects: BenchDialect[] =
    values.db === 'both'
      ? ['sqlite', 'postgres']
      : values.db === 'sqlite' || values.db === 'postgres'
        ? [values.db]
        : [];
  if (dialects.length === 0) throw new Error(`--db must be sqlite, postgres or both (got ${values.db})`);
  const parts = values.parts.split(',').filter(Boolean);
  for (const p of parts) if (!S4_PARTS[p]) throw new Error(`unknown part ${p} (parts: ${Object.keys(S4_PARTS)})`);
  const serverEnv = Object.fromEntries(
    values['server-env']
      .split(',')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  return {
    json: values.json,
    scenarios,
    sdk: {
      modes,
      tasks: Number(values.tasks),
      deployments: Number(values.deployments),
      pgDelayMs: pgDelay,
    },
    s3: {
      runs: Number(values['s3-runs']),
      rate: Number(values['s3-rate']),
      pollIntervalSeconds: Number(values['s3-poll-interval']),
    },
    s6: {
      runs: Number(values['s6-runs']),
      repeats: Number(values['s6-repeats']),
      loads: Number(values['s6-loads']),
      keep: values['s6-keep'],
      browser: !values['s6-no-browser'],
    },
    options: {
      dialects,
      parts,
      repeats: Number(values.repeats),
      scale: Number(values.scale),
      durationSeconds: Number(values.duration),
      pacedRates: { sqlite: Number(values['rate-sqlite']), postgres: Number(values['rate-postgres']) },
      postgresUrl: values['pg-url'],
      postgresOptions: values['pg-options'],
      serverNodeArgs: values['server-node-args'].split(' ').filter(Boolean),
      clientNodeArgs: values['client-node-args'].split(' ').filter(Boolean),
      serverEnv,
      profileDir: values['profile-dir'],
      log: (line: string) => console.log(line),
    },
  };
}

/** S5 on each database: one scheduler pass (two at once on PostgreSQL) over fresh deployments. */
async function runS5All(dialects: BenchDialect[], deployments: number, postgresUrl: string) {
  const results = [];
  for (const dialect of dialects) {
    const db = dialect === 'sqlite' ? await freshSqlite() : await freshPostgres(postgresUrl, 's5');
    try {
      const result = await runS5({
        url: db.url,
        deployments,
        twoSchedulers: dialect === 'postgres',
        log: (l) => console.log(l),
      });
      console.log(`S5 ${dialect}: ${JSON.stringify(result)}`);
      results.push({ dialect, ...result });
    } finally {
      await db.dispose();
    }
  }
  return results;
}

/** The parsed command line; a bad option prints what is wrong and the usage, and exits 2. */
function parseCliOrExit(): ReturnType<typeof parseCli> {
  try {
    return parseCli();
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const { json, options, scenarios, sdk, s3, s6 } = parseCliOrExit();
  if (options.profileDir) mkdirSync(options.profileDir, { recursive: true });
  const hardware = describeHardware();
  const started = new Date().toISOString();
  const sdkScenarios = scenarios.filter((s): s is 'S1' | 'S2' => s === 'S1' || s === 'S2');
  const sdkReports = sdkScenarios.length
    ? await runSdkScenarios({
        scenarios: sdkScenarios,
        dialects: options.dialects,
        modes: sdk.modes,
        tasks: sdk.tasks,
        pgDelayMs: sdk.pgDelayMs,
        repeats: options.repeats,
        postgresUrl: options.postgresUrl,
        clientNodeArgs: options.clientNodeArgs,
        profileDir: options.profileDir,
        log: options.log,
      })
    : [];
  const s5 = scenarios.includes('S5') ? await runS5All(options.dialects, sdk.deployments, options.postgresUrl) : [];
  const s3Results: S3Result[] = [];
  if (scenarios.includes('S3')) {
    for (const dialect of options.dialects) {
      s3Results.push(await runS3({ dialect, postgresUrl: options.postgresUrl, workers: 4, log: options.log, ...s3 }));
    }
  }
  const reports = scenarios.includes('S4') ? await runS4(options) : [];
  const s6Results: S6Result[] = scenarios.includes('S6')
    ? await runS6({ ...s6, dialects: options.dialects, postgresUrl: options.postgresUrl, log: options.log })
    : [];
  if (sdkReports.length) console.log(`\n${formatSdkReports(sdkReports)}`);
  for (const r of s5) {
    console.log(
      `S5 ${r.dialect}: ${r.deployments} deployments, ${r.runsCreated} runs in ${r.seconds.toFixed(2)} s, ${r.duplicates} duplicates, second pass created ${r.secondPassCreated}`,
    );
  }
  for (const r of s3Results) {
    console.log(
      `S3 ${r.dialect}: ${r.completed}/${r.runs} runs completed through 4 workers in ${r.seconds.toFixed(0)} s; ` +
        `schedule-to-start p50 ${r.startLatencyP50Ms} ms, p99 ${r.startLatencyP99Ms} ms (poll interval ${r.pollIntervalSeconds} s); ${r.doubleClaims} double claims`,
    );
  }
  if (reports.length) console.log(`\n${formatS4(reports, hardware, options.repeats)}`);
  if (s6Results.length) console.log(`\n${formatS6(s6Results)}`);
  if (json) {
    const { log: _log, ...settings } = options;
    mkdirSync(dirname(json), { recursive: true });
    writeFileSync(
      json,
      JSON.stringify(
        { scenarios, started, hardware, settings, sdk: sdkReports, s3: s3Results, s5, s4: reports, s6: s6Results },
        null,
        2,
      ),
    );
    console.log(`\nwrote ${json}`);
  }
  const failed =
    reports.some((r) => r.parts.some((p) => !p.correct)) || s5.some((r) => r.duplicates > 0 || r.secondPassCreated > 0);
  if (failed) console.log('\nA correctness check FAILED.');
  process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
