#!/usr/bin/env node
// After `tsc -b`: make the command-line entry points executable (tsc writes them without the x bit).
const { chmodSync, existsSync } = require('node:fs');
const path = require('node:path');

for (const bin of ['client-sdk/dist/cli/main.js', 'server/dist/main.js']) {
  const file = path.join(__dirname, '..', bin);
  if (existsSync(file)) chmodSync(file, 0o755);
}
