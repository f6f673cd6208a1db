/**
 * The PostgreSQL commit ceiling on this machine: pgbench running one single-row INSERT per
 * transaction (8 clients, prepared statements) against a table in the bench schema. With fsync
 * and synchronous_commit on, this is what the disk's flush rate and group commit allow.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPgbench } from '../machine.mjs';

/** Runs pgbench for `seconds` (or `transactions` per client); resolves to `{ tps, clients, ... }`. */
export async function pgbenchInserts({ pg, databaseUrl, schema, clients = 8, seconds, transactions }) {
  const bin = findPgbench();
  if (!bin) return { skipped: 'pgbench not found (install postgresql-client or postgresql-contrib)' };
  await pg.query(
    `CREATE TABLE IF NOT EXISTS "${schema}".pgbench_insert (id bigserial PRIMARY KEY, payload text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'demiton-pgbench-'));
  const script = join(dir, 'insert.sql');
  writeFileSync(script, `INSERT INTO "${schema}".pgbench_insert (payload) VALUES ('no-op');\n`);
  const u = new URL(databaseUrl);
  const args = [
    '-n',
    '-M',
    'prepared',
    '-c',
    String(clients),
    '-j',
    String(Math.min(clients, 2)),
    '-f',
    script,
    ...(seconds ? ['-T', String(seconds)] : ['-t', String(transactions)]),
    '-h',
    u.hostname,
    '-p',
    u.port || '5432',
    '-U',
    decodeURIComponent(u.username || 'postgres'),
    u.pathname.slice(1) || 'postgres',
  ];
  try {
    const out = await new Promise((resolve, reject) =>
      execFile(bin, args, { env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) } }, (err, stdout, stderr) =>
        err ? reject(new Error(`pgbench failed: ${stderr || err.message}`)) : resolve(stdout),
      ),
    );
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(out)?.[1] ?? /tps = ([\d.]+)/.exec(out)?.[1]);
    const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(out)?.[1] ?? NaN);
    const done = Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1] ?? NaN);
    return {
      tps: Math.round(tps),
      clients,
      transactions: done,
      latencyAvgMs: Number.isFinite(latencyMs) ? latencyMs : null,
      mode: 'prepared',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
