/**
 * `npm run bench`: runs the benchmark scenarios (performance.md) and prints a readable table, and with
 * `--json <file>` writes the full results. Exits 1 when a correctness check fails.
 *
 *   node dist/bench/run.js [--scenario S4] [--db sqlite|postgres|both] [--json out.json]
 *       [--repeats 3] [--parts a1,a2,b,c] [--scale 1] [--duration 5] [--rate-sqlite 2000]
 *       [--rate-postgres 1200] [--pg-url postgres://…/rigel_bench] [--pg-options "-c synchronous_commit=off"]
 *       [--server-node-args=--cpu-prof]
 *       [--server-env KEY=VALUE,…] [--profile-dir <dir>]
 *
 * `--profile-dir` writes a CPU profile of the server for each timed phase (open it in Chrome DevTools);
 * give Node flags with `=`, e.g. `--server-node-args=--max-old-space-size=512`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchDialect } from './lib/databases';
import { describeHardware } from './lib/hardware';
import { formatS4 } from './report';
import { runS4, S4_TARGETS } from './s4';
import { S4_PARTS } from './s4/parts';

const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/rigel_bench';

function parseCli() {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'S4' },
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
      'server-env': { type: 'string', default: '' },
      'profile-dir': { type: 'string' },
    },
  });
  const scenarios = values.scenario.toUpperCase().split(',');
  for (const s of scenarios) if (s !== 'S4') throw new Error(`unknown scenario ${s} (implemented: S4)`);
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
      serverEnv,
      profileDir: values['profile-dir'],
      log: (line: string) => console.log(line),
    },
  };
}

async function main(): Promise<void> {
  const { json, options } = parseCli();
  if (options.profileDir) mkdirSync(options.profileDir, { recursive: true });
  const hardware = describeHardware();
  const started = new Date().toISOString();
  const reports = await runS4(options);
  console.log(`\n${formatS4(reports, hardware, options.repeats)}`);
  if (json) {
    const { log: _log, ...settings } = options;
    mkdirSync(dirname(json), { recursive: true });
    writeFileSync(json, JSON.stringify({ scenario: 'S4', started, hardware, settings, results: reports }, null, 2));
    console.log(`\nwrote ${json}`);
  }
  const failed = reports.some((r) => r.parts.some((p) => !p.correct));
  if (failed) console.log('\nA correctness check FAILED.');
  process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
