/**
 * The Node 22 side of the pg-boss and graphile-worker baselines (see bench/node22.mjs):
 *
 *   node bench/baselines/peer-child.mjs <pg-boss|graphile-worker> '<json options>'
 *
 * Progress goes to stderr; the result is the one JSON line on stdout.
 */
import { graphileWorkerSweep } from './graphile-worker.mjs';
import { pgBossSweep } from './pg-boss.mjs';

const sweeps = { 'pg-boss': pgBossSweep, 'graphile-worker': graphileWorkerSweep };
const [peer, json] = process.argv.slice(2);
const sweep = sweeps[peer];
if (!sweep || !json) {
  console.error(`usage: peer-child.mjs <${Object.keys(sweeps).join('|')}> '<json options>'`);
  process.exit(2);
}
try {
  const result = await sweep(JSON.parse(json), (m) => console.error(m));
  console.log(JSON.stringify(result));
  process.exit(0);
} catch (err) {
  console.error(err?.stack ?? String(err));
  process.exit(1);
}
