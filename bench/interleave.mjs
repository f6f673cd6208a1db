/**
 * Two builds compared on one machine in one sitting: `bench/run.mjs` with the same arguments runs
 * against build A, then B, then A, … (`--rounds` each), so load from anything else on the machine
 * falls on both alike. Prints each round's line and, per build, the median of each figure named by
 * `--fields` over the rounds. Compare CPU per run rather than wall time when the machine is shared.
 *
 *   node bench/interleave.mjs --a=DIR --b=DIR [--rounds=5] [--scenario=sequential]
 *     [--fields=endToEndMedianMs,workerCpuMsPerRun] -- <arguments of bench/run.mjs>
 *
 * DIR is a build of functions/ and shared/ (`npm run build:server`'s dist/, or bench/transpile.mjs
 * of another checkout, inside that checkout so its node_modules resolve).
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize } from './percentiles.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

export function medians(lines, fields) {
  return Object.fromEntries(
    fields.map((f) => {
      const values = lines.map((l) => l[f]).filter((v) => typeof v === 'number');
      return [f, values.length ? summarize(values).p50 : null];
    }),
  );
}

function main() {
  const argv = process.argv.slice(2);
  const sep = argv.indexOf('--');
  const own = sep >= 0 ? argv.slice(0, sep) : argv;
  const passed = sep >= 0 ? argv.slice(sep + 1) : [];
  const value = (name, fallback) => own.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
  const builds = { A: value('a'), B: value('b') };
  if (!builds.A || !builds.B) {
    console.error('usage: node bench/interleave.mjs --a=DIR --b=DIR [--rounds=5] [--scenario=NAME] [--fields=a,b] -- <run.mjs arguments>');
    process.exit(2);
  }
  const rounds = Number(value('rounds', '5'));
  const scenario = value('scenario', 'sequential');
  const fields = value(
    'fields',
    'endToEndMedianMs,claimToFinishMedianMs,workerCpuMsPerRun,controlPlaneCpuMsPerRun,postgresCpuMsPerRun',
  ).split(',');
  const got = { A: [], B: [] };
  for (let i = 0; i < rounds; i++) {
    for (const name of ['A', 'B']) {
      // A round that failed (a process slow to start on a loaded machine) is run again, twice at most.
      let line;
      for (let attempt = 1; attempt <= 3 && !line; attempt++) {
        const r = spawnSync(process.execPath, [join(HERE, 'run.mjs'), `--dist=${resolve(builds[name])}`, '--no-write', ...passed], {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        });
        const found = r.stdout
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l))
          .find((l) => l.scenario === scenario);
        if (found && !found.error) line = found;
        else
          console.error(
            `round ${i + 1} ${name}, attempt ${attempt}: no ${scenario} line (exit ${r.status})\n${(found?.error ?? r.stderr).slice(-1_000)}`,
          );
      }
      if (!line) process.exit(1);
      got[name].push(line);
      console.log(
        JSON.stringify({
          round: i + 1,
          build: name,
          loadAverage: loadavg()[0],
          ...Object.fromEntries(fields.map((f) => [f, line[f] ?? null])),
        }),
      );
    }
  }
  console.log(JSON.stringify({ summary: 'median over rounds', rounds, A: medians(got.A, fields), B: medians(got.B, fields) }));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
