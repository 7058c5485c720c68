#!/usr/bin/env node
// Runs the whole spec suite on SQLite and, when RIGEL_TEST_DATABASE_URL is set, on PostgreSQL (the two
// passes at the same time, each in its own process on its own database; RIGEL_TEST_JOBS=1 runs them one
// after the other), then the dashboard's unit tests (Angular's vitest runner; not when mocha arguments
// narrow the run). Extra arguments go to mocha (`npm test -- --grep "retries"`). Each pass prints the
// summary line "N passed, N failed, N skipped"; a pass that prints none (it crashed) counts as a failure.
// The output of a pass that runs while another prints is held and printed whole when its turn comes.
const { spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const mocha = require.resolve('mocha/bin/mocha.js', { paths: [root] });
const extra = process.argv.slice(2);

const passes = [{ name: 'SQLite', env: { RIGEL_TEST_DIALECT: 'sqlite' } }];
if (process.env.RIGEL_TEST_DATABASE_URL) {
  passes.push({ name: 'PostgreSQL', env: { RIGEL_TEST_DIALECT: 'postgres' } });
} else {
  console.log('note: RIGEL_TEST_DATABASE_URL is not set, so the PostgreSQL pass is skipped');
  console.log('      (e.g. RIGEL_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/rigel_test npm test)\n');
}

/**
 * One pass in a child process. Its output goes to `out`, which either prints at once or holds the
 * output until `out.release()` (the pass before it finished printing).
 */
function run(pass, out) {
  return new Promise((resolve) => {
    out.write(`\n=== ${pass.title ?? `specs on ${pass.name}`} ===\n`);
    const child = spawn(process.execPath, pass.args ?? [mocha, ...extra], {
      cwd: pass.cwd ?? root,
      env: { ...process.env, ...pass.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let summary = null;
    let buffer = '';
    child.stderr.on('data', (chunk) => out.write(chunk));
    child.stdout.on('data', (chunk) => {
      out.write(chunk);
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop();
      for (const line of lines) {
        // eslint-disable-next-line no-control-regex
        const m = /^(\d+) passed, (\d+) failed, (\d+) skipped$/.exec(line.replace(/\x1b\[[0-9;]*m/g, '').trim());
        if (m) summary = { passed: +m[1], failed: +m[2], skipped: +m[3] };
      }
    });
    child.on('close', (code) => {
      if (pass.after) summary = pass.after(code, out) ?? summary;
      resolve({ pass, code, summary });
    });
  });
}

/** Output that prints at once when `live`, or is held until `release()`. */
function output(live) {
  const held = [];
  return {
    live,
    write(chunk) {
      if (this.live) process.stdout.write(chunk);
      else held.push(chunk);
    },
    release() {
      for (const chunk of held.splice(0)) process.stdout.write(chunk);
      this.live = true;
    },
  };
}

/** Angular's unit tests (vitest): its JSON report is turned into the same summary line. */
function dashboardUnitPass() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rigel-vitest-'));
  const report = path.join(dir, 'vitest.json');
  const ng = require.resolve('@angular/cli/bin/ng.js', { paths: [root] });
  return {
    name: 'Dashboard unit tests',
    title: 'dashboard unit tests (vitest)',
    cwd: path.join(root, 'dashboard'),
    env: { NG_CLI_ANALYTICS: 'false' },
    args: [ng, 'test', '--watch=false', '--reporters=json', '--reporters=default', `--output-file=${report}`],
    after(_code, out) {
      try {
        const r = JSON.parse(readFileSync(report, 'utf8'));
        const summary = {
          passed: r.numPassedTests,
          failed: r.numFailedTests,
          skipped: r.numPendingTests + (r.numTodoTests ?? 0),
        };
        out.write(`\n${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped\n`);
        return summary;
      } catch {
        return null;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
if (extra.length === 0) passes.push(dashboardUnitPass());
else console.log('note: mocha arguments were given, so the dashboard unit tests (vitest) do not run');

const jobs = Math.max(1, Number(process.env.RIGEL_TEST_JOBS ?? 2) || 1);

(async () => {
  const started = Date.now();
  // The mocha passes (one per database) run `jobs` at a time; the dashboard's unit tests come after
  // them (the Angular build they start would slow the specs' timers down).
  const mochaPasses = passes.filter((p) => !p.args);
  const results = [];
  for (let i = 0; i < mochaPasses.length; i += jobs) {
    const group = mochaPasses.slice(i, i + jobs);
    const outs = group.map((_, j) => output(j === 0));
    const running = group.map((pass, j) => run(pass, outs[j]));
    for (let j = 0; j < group.length; j++) {
      results.push(await running[j]);
      outs[j + 1]?.release();
    }
  }
  for (const pass of passes.filter((p) => p.args)) results.push(await run(pass, output(true)));
  console.log(`\n(${Math.round((Date.now() - started) / 1000)} s; RIGEL_TEST_JOBS=${jobs})`);
  let failed = false;
  console.log('\n=== spec passes ===');
  for (const { pass, code, summary } of results) {
    if (!summary) {
      failed = true;
      console.log(`${pass.name}: crashed before reporting (exit code ${code})`);
      continue;
    }
    if (code !== 0 || summary.failed > 0) failed = true;
    console.log(`${pass.name}: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
  }
  process.exit(failed ? 1 : 0);
})();
