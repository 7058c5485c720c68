#!/usr/bin/env node
// `npm start`: the Rigel server (API + dashboard) on the configured database (SQLite by default), and —
// the first time, on an empty database — one run of each example flow, so there is something to see.
// Set RIGEL_START_EXAMPLES=0 to skip the examples.
require('reflect-metadata');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { startServer } = require(path.join(root, 'server/dist/server.js'));
const { loadSettings } = require(path.join(root, 'server/dist/settings.js'));

async function runExamples(server) {
  const sdk = require(path.join(root, 'client-sdk/dist/index.js'));
  const count = await server.services.runs.count('flow', {});
  if (count > 0) return;
  console.log('Empty database: running each example flow once (RIGEL_START_EXAMPLES=0 skips this) …');
  await sdk.configure({ client: new sdk.InProcessClient(server.services.settings, server.services) });
  const examples = [
    ['etl', (m) => new m.OrdersEtl().run(new Date().toISOString().slice(0, 10))],
    ['fan-out', (m) => new m.PageCrawler().crawl(12)],
    ['subflows', (m) => new m.RegionalBilling().monthly()],
    ['typed-params', (m) => new m.SalesReports().report({ from: '2026-11-01', format: 'csv', topN: 5 })],
  ];
  for (const [name, run] of examples) {
    try {
      await run(require(path.join(root, 'dist/examples', `${name}.js`)));
    } catch (error) {
      console.error(`example ${name} failed: ${error.message}`);
    }
  }
}

(async () => {
  const settings = loadSettings();
  console.log(`Rigel: opening ${settings.databaseUrl.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@')} …`);
  const server = await startServer({ settings });
  console.log(`\nRigel is running at ${server.url}   (API ${server.apiUrl}, docs ${server.url}/docs)\nPress Ctrl+C to stop.\n`);
  const stop = async (signal) => {
    console.log(`\n${signal}: stopping …`);
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  if (!/^(0|false|no)$/i.test(process.env.RIGEL_START_EXAMPLES ?? '')) await runExamples(server);
})().catch((error) => {
  console.error(`error: ${error.message}`);
  process.exit(1);
});
