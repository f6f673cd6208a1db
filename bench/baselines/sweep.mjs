/**
 * What the peer baselines share: one no-op job drain per cell of a settings grid, each after a
 * CHECKPOINT, inside a time budget; the best cell is the figure the report divides by, and every
 * cell is kept in the JSON line.
 */

/** Issues a CHECKPOINT on `client` when `enabled` (the bench's role may lack the right). */
export async function checkpoint(client, enabled) {
  if (enabled) await client.query('CHECKPOINT');
}

/** The cell with the highest jobs/s among those that drained every job (else among all). */
export function bestCell(cells) {
  const ok = cells.filter((c) => !c.error);
  const complete = ok.filter((c) => c.complete);
  const pool = complete.length ? complete : ok;
  return pool.reduce((best, c) => (best === null || c.jobsPerSec > best.jobsPerSec ? c : best), null);
}

/** Polls `count()` every `everyMs` until it returns ≥ `expected` or `budgetMs` passes; resolves to the last count. */
export async function waitForCount(count, expected, budgetMs, everyMs = 50) {
  const deadline = performance.now() + budgetMs;
  for (;;) {
    const n = await count();
    if (n >= expected || performance.now() > deadline) return n;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Client CPU per job in ms (three decimals) from a `process.cpuUsage()` difference. */
export function cpuMsPerJob(cpu, jobs) {
  return Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, jobs)) * 1000) / 1000;
}

export const round3 = (v) => Math.round(v * 1000) / 1000;
