/**
 * The processes under test: the control plane (local host, worker off) and worker processes,
 * each a separate `node` process on the compiled build, as in production. A worker's memory is
 * read from /proc: VmHWM is the kernel's own peak-RSS mark, so no sample can miss the peak.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Starts `node <script>` and resolves once a stdout line matches `ready`. */
function startProcess({ script, env, ready, nodeArgs = [], cwd, timeoutMs = 30_000 }) {
  const child = spawn(process.execPath, [...nodeArgs, script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], cwd });
  let out = '';
  let err = '';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not become ready in ${timeoutMs} ms:\n${out}\n${err}`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      if (out.length < 100_000) out += d;
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, match: m, exited, output: () => out + err });
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d) => {
      if (err.length < 100_000) err += d;
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before it was ready:\n${out}\n${err}`));
    });
  });
}

/** Sends SIGTERM and waits for the exit (SIGKILL after `graceMs`). */
async function stopProcess(child, exited, graceMs = 15_000) {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const r = await exited;
  clearTimeout(timer);
  return r;
}

/** The control plane: HTTP API only (DEMITON_WORKER=off) on a free loopback port. */
export async function startControlPlane({ distRoot, env, cpuProfDir }) {
  const p = await startProcess({
    nodeArgs: cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [],
    script: join(distRoot, 'functions', 'local-host', 'main.js'),
    env: { ...env, DEMITON_WORKER: 'off', PORT: '0', HOST: '127.0.0.1' },
    ready: /listening on (http:\/\/[^\s]+)/,
  });
  return {
    url: p.match[1],
    pid: p.child.pid,
    cpuSeconds: () => cpuSeconds(p.child.pid),
    stop: () => stopProcess(p.child, p.exited),
  };
}

/**
 * CPU seconds (user + system) a process has used, from /proc/<pid>/stat (clock ticks of 1/100 s on
 * Linux). Less sensitive to a busy machine than wall time: it counts the work, not the waiting.
 */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * A snapshot of the CPU seconds each PostgreSQL server process of this machine (processes named
 * `postgres` in /proc) has used so far, keyed by pid, or null when there are none to read (a server
 * elsewhere). With `pids`, only those processes (see `benchBackendPids`). Compare two with
 * `postgresCpuSince`.
 */
export function postgresCpuSnapshot(pids = null) {
  let entries;
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const byPid = new Map();
  for (const name of entries) {
    if (!/^\d+$/.test(name) || (pids && !pids.has(name))) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== 'postgres') continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byPid.set(name, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // gone between the listing and the read
    }
  }
  return byPid.size ? byPid : null;
}

/**
 * CPU seconds PostgreSQL spent between two snapshots: each process's own growth, with a process
 * that started in between counted from zero. A backend that exited in between (another client's
 * connection closing) is left out rather than subtracted, so the figure never goes below zero when
 * other clients share the server; read the second snapshot while the connections under test are
 * still open so their backends are in it.
 */
export function postgresCpuSince(before, after) {
  if (!before || !after) return null;
  let total = 0;
  for (const [pid, seconds] of after) total += Math.max(0, seconds - (before.get(pid) ?? 0));
  return total;
}

/**
 * The pids of the PostgreSQL backends serving the processes under test: they connect with
 * `application_name` set to `appName` (the bench gives them PGAPPNAME), so the CPU of other
 * clients of a shared server (other people's tests on this machine) stays out of the figure.
 */
export async function benchBackendPids(pg, appName) {
  const { rows } = await pg.query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [appName]);
  return new Set(rows.map((r) => String(r.pid)));
}

/** CPU `seconds` per operation in ms, two decimals (null when the seconds could not be read). */
export function cpuMsPer(seconds, operations) {
  return seconds === null ? null : Math.round((seconds * 1000 * 100) / Math.max(1, operations)) / 100;
}

/** Reads a `/proc/<pid>/status` field in KiB (null when the process is gone). */
export function procStatusKiB(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** The worker's Node arguments in every deployment (a test checks they match the Bicep and `npm run worker`). */
export const WORKER_NODE_ARGS = ['--max-old-space-size=1024'];

/**
 * A worker process draining the queue. `cpuProfDir` turns on `--cpu-prof`. Memory is sampled
 * every 250 ms (VmRSS, for the curve) and VmHWM is read at the end (the true peak).
 */
export async function startWorker({ distRoot, env, concurrency, cpuProfDir }) {
  // As deployed: `languageWorkers__node__arguments` in bicep/modules/function-app.bicep, `npm run worker`.
  const nodeArgs = [...WORKER_NODE_ARGS, ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [])];
  const p = await startProcess({
    script: join(distRoot, 'functions', 'worker-main.js'),
    env: { ...env, WORKER_CONCURRENCY: String(concurrency) },
    ready: /worker (\S+) started/,
    nodeArgs,
  });
  const pid = p.child.pid;
  let peakSampledKiB = 0;
  let hwmKiB = 0;
  const sample = () => {
    peakSampledKiB = Math.max(peakSampledKiB, procStatusKiB(pid, 'VmRSS') ?? 0);
    hwmKiB = Math.max(hwmKiB, procStatusKiB(pid, 'VmHWM') ?? 0);
  };
  const sampler = setInterval(sample, 250);
  sampler.unref();
  return {
    id: p.match[1],
    pid,
    /** CPU seconds used so far. */
    cpuSeconds: () => cpuSeconds(pid),
    /** Peak resident memory so far, MiB (the kernel's high-water mark). */
    peakRssMiB() {
      sample();
      return Math.round((Math.max(hwmKiB, peakSampledKiB) / 1024) * 10) / 10;
    },
    async stop() {
      sample();
      clearInterval(sampler);
      return stopProcess(p.child, p.exited);
    },
    output: p.output,
  };
}
