#!/usr/bin/env node
// After `tsc -b`: make the command-line entry points executable (tsc writes them without the x bit),
// and link them into node_modules/.bin (npm does not link the bins of workspace packages there), so
// `npx rigel …` works in a clone of the repository as the README says.
const { chmodSync, existsSync, lstatSync, mkdirSync, symlinkSync, unlinkSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const bins = { rigel: 'client-sdk/dist/cli/main.js', 'rigel-server': 'server/dist/main.js' };

for (const [name, bin] of Object.entries(bins)) {
  const file = path.join(root, bin);
  if (!existsSync(file)) continue;
  chmodSync(file, 0o755);
  const binDir = path.join(root, 'node_modules', '.bin');
  if (!existsSync(path.join(root, 'node_modules')) || process.platform === 'win32') continue;
  mkdirSync(binDir, { recursive: true });
  const link = path.join(binDir, name);
  if (existsSync(link)) continue;
  // A dangling link (its target was removed) is replaced.
  try {
    if (lstatSync(link)) unlinkSync(link);
  } catch {
    // no link yet
  }
  symlinkSync(path.relative(binDir, file), link);
}
