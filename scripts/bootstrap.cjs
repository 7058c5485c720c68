#!/usr/bin/env node
// Makes `npm start` and `npm test` work on a fresh clone: installs the dependencies (npm ci) when
// they are missing or when package-lock.json changed since the last install.
const { existsSync, statSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const marker = path.join(root, 'node_modules', '.package-lock.json');
const lock = path.join(root, 'package-lock.json');

function installed() {
  if (!existsSync(marker)) return false;
  if (statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000) return false;
  try {
    require.resolve('typescript', { paths: [root] });
    require.resolve('better-sqlite3', { paths: [root] });
    return true;
  } catch {
    return false;
  }
}

if (!installed()) {
  console.log('Installing dependencies (npm ci; about two minutes the first time: better-sqlite3 compiles) …');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NG_CLI_ANALYTICS: 'false' },
  });
  if (result.status !== 0) {
    console.error('npm ci failed; see the output above. Node.js >= 20.19 with npm, python3, make and g++ are needed.');
    process.exit(result.status ?? 1);
  }
}
