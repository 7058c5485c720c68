#!/usr/bin/env node
// `npm start`: the Rigel server (API + dashboard + scheduler and the other services) on the configured
// database (SQLite by default), a worker for the `default` pool, and the examples as deployments — one
// of them every minute — so a newcomer sees runs being scheduled, picked up and executed within a
// minute. RIGEL_START_EXAMPLES=0 skips the examples; RIGEL_START_WORKER=0 the worker.
require('reflect-metadata');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { startServer } = require(path.join(root, 'server/dist/server.js'));
const { loadSettings } = require(path.join(root, 'server/dist/settings.js'));

const off = (name) => /^(0|false|no)$/i.test(process.env[name] ?? '');

/** The examples as deployments: [module, flow accessor, deployment options]. */
const EXAMPLES = [
  [
    'etl',
    (m) => new m.OrdersEtl().run,
    { name: 'every-minute', interval: 60, description: 'Daily revenue per country, refreshed every minute' },
  ],
  ['fan-out', (m) => new m.PageCrawler().crawl, { name: 'on-demand', parameters: { count: 12 } }],
  ['subflows', (m) => new m.RegionalBilling().monthly, { name: 'monthly', cron: '0 6 1 * *', timezone: 'UTC' }],
  [
    'typed-params',
    (m) => new m.SalesReports().report,
    { name: 'on-demand', parameters: { request: { from: '2026-11-01', format: 'csv', topN: 5 } } },
  ],
];

async function deployExamples(server, sdk) {
  await sdk.configure({ client: new sdk.InProcessClient(server.services.settings, server.services) });
  const empty = (await server.services.runs.count('flow', {})) === 0;
  for (const [file, accessor, options] of EXAMPLES) {
    const module = require(path.join(root, 'dist/examples', `${file}.js`));
    const flow = accessor(module);
    const entrypoint = `dist/examples/${file}.js:${flow.definition.qualifiedName}`;
    const deployment = await sdk.deploy(flow, { ...options, workPool: 'default', entrypoint, path: root });
    if (empty) await server.services.deployments.createFlowRun(deployment.id, {});
  }
  await Promise.all(server.loops.filter((loop) => loop.name === 'scheduler').map((loop) => loop.runOnce()));
  console.log('Deployed the examples to the "default" work pool (orders-etl/every-minute runs every minute).');
}

async function startWorker(server, sdk) {
  const { Worker } = require(path.join(root, 'client-sdk/dist/worker/worker.js'));
  const client = new sdk.HttpClient({ apiUrl: server.apiUrl, apiKey: server.services.settings.apiKey });
  const api = { target: server.apiUrl, call: (m, p, b) => client.call(m, p, b), close: () => client.close() };
  const worker = new Worker(api, { pool: 'default', pollIntervalSeconds: 2, env: { RIGEL_API_URL: server.apiUrl } });
  void worker.start();
  return worker;
}

(async () => {
  const settings = loadSettings();
  console.log(`Rigel: opening ${settings.databaseUrl.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@')} …`);
  const server = await startServer({ settings });
  console.log(
    `\nRigel is running at ${server.url}   (API ${server.apiUrl}, docs ${server.url}/docs)\nPress Ctrl+C to stop.\n`,
  );
  const sdk = require(path.join(root, 'client-sdk/dist/index.js'));
  if (!off('RIGEL_START_EXAMPLES')) await deployExamples(server, sdk);
  const worker = off('RIGEL_START_WORKER') ? null : await startWorker(server, sdk);
  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return process.exit(1);
    stopping = true;
    console.log(`\n${signal}: stopping (the worker lets running flows finish; Ctrl+C again to quit at once) …`);
    await worker?.stop();
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
})().catch((error) => {
  console.error(`error: ${error.message}`);
  process.exit(1);
});
